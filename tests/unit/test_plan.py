"""Pure choices of rollback and undo: facts in, plan out."""
import pytest

from rescue.errors import Refused
from rescue.host.statedir import Change, journal_text, parse_journal
from rescue.core.plan import (NoTarget, choose_rollback, choose_undo,
                              pair_targets)
from rescue.core.report import inspect_host
from tests import generations as gen, purehosts as pure
from tests.hosts import K835, K847, K_OLD, OLD_BUILD, Kernel, facts_of


def plan_for(kernels, pending, running, to=None, journal=()):
    facts = facts_of(kernels, pending=pending, running=running,
                     journal=journal)
    return choose_rollback(facts, inspect_host(facts), to)


def test_healthy_host_needs_no_change():
    plan = plan_for([Kernel(K847)], K847, K847)
    assert plan.links == () and plan.to_release == K847


@pytest.mark.parametrize("running, expected", [
    (K835, K835),            # the running kernel when it is safe
    (K_OLD, K_OLD),
    (K847, K835),            # else the newest safe one
    (None, K835),
])
def test_target_is_running_kernel_else_newest_eligible(running, expected):
    plan = plan_for([Kernel(K_OLD), Kernel(K835),
                     Kernel(K847, module_build=None)], K847, running)
    assert plan.to_release == expected
    assert [(n, w) for n, _, w in plan.links] == list(pair_targets(expected))


def test_no_eligible_kernel_refuses_with_reasons_and_any_build_hint():
    with pytest.raises(NoTarget) as refusal:
        plan_for([Kernel(K835, module_build=OLD_BUILD),
                  Kernel(K847, module_build=None)], K847, K847)
    assert any("--any-build" in d for d in refusal.value.details)
    assert any(d.startswith(K835) for d in refusal.value.details)


def test_interrupted_change_is_rolled_forward_first():
    change = Change("c1", "t", "rollback", K847, K835,
                    (("vmlinuz-2.6-xen", "vmlinuz-" + K847, "vmlinuz-" + K835),
                     ("initrd-2.6-xen.img", "initrd-%s.img" % K847,
                      "initrd-%s.img" % K835)), "started")
    plan = plan_for([Kernel(K835), Kernel(K847)], K847, K847,
                    journal=(change,))
    assert plan.finishes == "c1" and plan.to_release == K835
    assert len(plan.links) == 2


def test_undo_without_history_refuses():
    with pytest.raises(Refused, match="nothing to undo"):
        choose_undo(facts_of([Kernel(K847)], pending=K847))


def test_undo_refuses_when_links_moved_since():
    change = Change("c1", "t", "rollback", K_OLD, K835,
                    (("vmlinuz-2.6-xen", "vmlinuz-" + K_OLD, "vmlinuz-" + K835),),
                    "done")
    with pytest.raises(Refused, match="changed since"):
        choose_undo(facts_of([Kernel(K847)], pending=K847, journal=(change,)))


def test_journal_text_round_trips_and_keeps_the_last_ten():
    changes = tuple(Change("c%d" % i, "t", "rollback", K847, K835,
                           (("vmlinuz-2.6-xen", None, "vmlinuz-" + K835),),
                           "done") for i in range(12))
    assert parse_journal(journal_text(changes)) == changes[-10:]


# -- the later generations, from tests/purehosts.py -------------------------

def test_xs8_links_are_the_kernel_packages_so_rollback_refuses():
    facts = pure.xs8(module=False)
    with pytest.raises(Refused, match="files of the kernel package"):
        choose_rollback(facts, inspect_host(facts))


def test_a_healthy_xs8_host_with_kernel_alt_next_needs_no_change():
    facts = pure.xs8(alt=True, default=4)
    plan = choose_rollback(facts, inspect_host(facts))
    assert plan.links == () and plan.to_release == gen.ALT_UNAME


@pytest.mark.parametrize("build", [lambda: pure.xs65(module=False),
                                   lambda: pure.xs70(module=False)],
                         ids=["xs65", "xs70"])
def test_a_6_5_or_7_0_host_with_no_safe_kernel_refuses(build):
    facts = build()
    with pytest.raises(Refused, match="no kernel is safe to boot"):
        choose_rollback(facts, inspect_host(facts))
