"""Pure decisions: facts in, eligibility and verdict out."""
import pytest

from rescue.core.report import inspect_host
from tests import generations as gen, purehosts as pure
from tests.hosts import K835, K847, K_OLD, OLD_BUILD, Kernel, facts_of


def test_healthy_host_is_ok():
    report = inspect_host(facts_of([Kernel(K847)], pending=K847, running=K847))
    assert report.ok
    assert report.problems == ()
    assert report.kernel(K847).eligible


def test_pending_kernel_without_module_rpm_is_unsafe_and_names_the_fix():
    report = inspect_host(facts_of([Kernel(K835), Kernel(K847, module_build=None)],
                                   pending=K847, running=K835))
    assert not report.ok
    kernel = report.kernel(K847)
    assert not kernel.eligible
    assert kernel.fix == ("openvswitch-modules-xen-2.6.32.43-0.4.1.xs1.8.0."
                          "847.170785 version 1.11.0")


@pytest.mark.parametrize("kernel, problem", [
    (Kernel(K847, initrd=False), "no initrd /boot/initrd-%s.img" % K847),
    (Kernel(K847, image=False), "no kernel image /boot/vmlinuz-" + K847),
    (Kernel(K847, module_build=OLD_BUILD), "OVS build 1.10.0, not 1.11.0"),
    (Kernel(K847, module_on_disk=False), "module file missing"),
    (Kernel(K847, vermagic=K835), "built for kernel " + K835),
])
def test_each_missing_part_makes_a_kernel_ineligible(kernel, problem):
    report = inspect_host(facts_of([kernel], pending=K847, running=K847))
    assert not report.ok
    assert any(problem in p for p in report.kernel(K847).problems)


def test_old_build_modules_count_with_any_build_and_say_so():
    facts = facts_of([Kernel(K847, module_build=OLD_BUILD)], pending=K847,
                     running=K847)
    assert inspect_host(facts).kernel(K847).other_build
    report = inspect_host(facts, any_build=True)
    assert report.ok
    assert any("--any-build" in p for p in report.problems)


def test_ineligible_running_kernel_makes_reboot_unsafe():
    report = inspect_host(facts_of([Kernel(K835, module_build=None),
                                    Kernel(K847)], pending=K847, running=K835))
    assert not report.ok


def test_mixed_pair_is_unsafe_even_with_both_kernels_eligible():
    report = inspect_host(facts_of([Kernel(K835), Kernel(K847)], pending=K847,
                                   initrd_pending=K835, running=K847))
    assert not report.ok
    assert any("mixed" in p for p in report.problems)


def test_unknown_running_kernel_is_said_but_not_unsafe():
    report = inspect_host(facts_of([Kernel(K847)], pending=K847))
    assert report.ok
    assert any("running kernel unknown" in p for p in report.problems)


def test_kernels_are_listed_newest_first_by_rpm_order():
    report = inspect_host(facts_of([Kernel(K835), Kernel(K_OLD), Kernel(K847)],
                                   pending=K847, running=K847))
    assert [k.release for k in report.kernels] == [K847, K835, K_OLD]


def test_running_kernel_missing_from_boot_is_listed():
    report = inspect_host(facts_of([Kernel(K847)], pending=K847, running=K835))
    assert report.kernel(K835).image is None
    assert not report.ok



# -- the later generations, from tests/purehosts.py -------------------------

GENERATIONS = [
    ("xs65", pure.xs65, gen.XS65_UNAME, "xs65", True),
    ("xs70", pure.xs70, gen.XS70_UNAME, "xs70", True),
    ("xs8 bios", pure.xs8, gen.XS8_UNAME, "xs8", False),
    ("xs8 uefi", lambda: pure.xs8(firmware="uefi"), gen.XS8_UNAME, "xs8",
     False),
    ("xs8 kernel-alt", lambda: pure.xs8(alt=True), gen.XS8_UNAME, "xs8",
     False),
]


@pytest.mark.parametrize("name, build, release, layout, ours", GENERATIONS,
                         ids=[g[0] for g in GENERATIONS])
def test_a_healthy_host_of_each_later_generation_is_ok(name, build, release,
                                                       layout, ours):
    report = inspect_host(build())
    assert report.ok and report.problems == ()
    assert report.pending == release
    assert report.next_boot.layout.name == layout
    assert report.links_ours is ours


@pytest.mark.parametrize("build, release", [
    (lambda: pure.xs65(module=False), gen.XS65_UNAME),
    (lambda: pure.xs70(module=False), gen.XS70_UNAME),
    (lambda: pure.xs8(module=False), gen.XS8_UNAME),
], ids=["xs65", "xs70", "xs8"])
def test_a_later_kernel_without_the_module_is_not_safe(build, release):
    report = inspect_host(build())
    assert not report.ok
    assert not report.kernel(release).eligible
    assert "no installed package has openvswitch.ko for %s" % release in \
        report.kernel(release).problems[0]


def test_the_grub_entry_decides_which_xs8_kernel_is_pending():
    report = inspect_host(pure.xs8(alt=True, default=4))
    assert report.ok and report.pending == gen.ALT_UNAME
    assert report.kernel(gen.ALT_UNAME).module_package.startswith(
        "kernel-alt-")
    assert not report.kernel(gen.XS8_UNAME).pending
