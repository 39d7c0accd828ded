"""preflight on 6.2 hosts with real candidate RPMs: go, no-go, rpm --test."""
import os

import pytest

from tests.hosts import K835, K847, K_OLD, OVS_BUILD, module_rpm, tree_state
from tests.upgrades import (GOOD, K_NEW, NEW, built, kernel, missing_name,
                            module_candidate, on_xs62, ovs_candidate,
                            preflight, refused_by_both, xs62)


# -- go and no-go for the running and the pending kernel ---------------------

def test_userspace_and_both_kernels_modules_is_a_go(
        make_host, rpm_factory, capsys):
    code, doc, err = on_xs62(make_host, rpm_factory, capsys, *GOOD())
    assert (code, err) == (0, ""), doc
    assert doc["ok"] and doc["new_build"] == NEW
    assert doc["installed_build"] == OVS_BUILD
    assert [k["ok"] for k in doc["after"]] == [True, True]
    assert kernel(doc, K847)["source"] == "candidate"
    assert doc["rpm_test"]["exit"] == 0 and doc["rpm_test"]["ok"]
    assert doc["missing"] == []


def test_an_eligible_kernel_left_without_a_new_module_falls_out(
        make_host, rpm_factory, capsys):
    code, doc, _ = on_xs62(make_host, rpm_factory, capsys, *GOOD())
    assert code == 0
    assert [k["release"] for k in doc["falls_out"]] == [K_OLD]
    assert doc["falls_out"][0]["missing"] == missing_name(K_OLD)


def test_the_pending_kernel_without_its_module_is_a_no_go_rpm_cannot_see(
        make_host, rpm_factory, capsys):
    code, doc, _ = on_xs62(make_host, rpm_factory, capsys,
                           ovs_candidate(), module_candidate(K835))
    assert code == 1 and not doc["ok"]
    assert doc["missing"] == [missing_name(K847)]
    assert kernel(doc, K835)["ok"] and not kernel(doc, K847)["ok"]
    assert doc["verdict"].startswith("NO-GO: the next kernel")
    # rpm's transaction is sound: only the tool sees the next boot
    assert doc["rpm_test"]["exit"] == 0


def test_after_a_service_pack_the_running_kernel_needs_its_module_too(
        make_host, rpm_factory, capsys):
    code, doc, _ = on_xs62(make_host, rpm_factory, capsys,
                           ovs_candidate(), module_candidate(K847))
    assert code == 1
    assert doc["missing"] == [missing_name(K835)]
    assert doc["verdict"].startswith("NO-GO: the running kernel")


def test_running_and_pending_both_missing_are_both_named(
        make_host, rpm_factory, capsys):
    root = xs62(make_host)
    code, doc, _ = preflight(capsys, root, built(rpm_factory, ovs_candidate()))
    assert code == 1
    assert doc["missing"] == sorted([missing_name(K835), missing_name(K847)])


@pytest.mark.parametrize("wrong, said", [
    (dict(build="1.12.1"), "is OVS build 1.12.1, not 1.12.0"),
    (dict(arch="x86_64"), "is for x86_64, the host's are i686"),
], ids=["another build", "wrong arch"])
def test_a_wrong_module_package_for_the_next_kernel_is_no_go(
        make_host, rpm_factory, capsys, wrong, said):
    code, doc, _ = on_xs62(make_host, rpm_factory, capsys,
                           ovs_candidate(), module_candidate(K835),
                           module_candidate(K847, **wrong))
    assert code == 1 and not kernel(doc, K847)["ok"]
    assert any(said in p for p in kernel(doc, K847)["problems"])


def test_a_module_package_whose_kernel_is_not_installed_agrees_with_rpm(
        make_host, rpm_factory, capsys):
    code, doc, _ = on_xs62(make_host, rpm_factory, capsys, *GOOD(),
                           module_candidate(K_NEW))
    assert code == 1
    wanted = "kernel-xen = %s" % K_NEW[:-3]
    assert refused_by_both(doc, "requires %s, which nothing installed"
                           % wanted, wanted + " is needed by")


def test_a_pending_kernel_newer_than_every_module_package_is_no_go(
        make_host, rpm_factory, capsys):
    root = xs62(make_host, kernels=(K835, K847, K_NEW), pending=K_NEW)
    code, doc, _ = preflight(capsys, root, built(rpm_factory, *GOOD()))
    assert code == 1
    assert doc["pending"] == K_NEW
    assert doc["missing"] == [missing_name(K_NEW)]


def test_adding_the_missing_package_makes_it_a_go(
        make_host, rpm_factory, capsys):
    root = xs62(make_host, kernels=(K835, K847, K_NEW), pending=K_NEW)
    code, doc, _ = preflight(capsys, root, built(
        rpm_factory, *GOOD(), module_candidate(K_NEW)))
    assert code == 0, doc
    assert doc["rpm_test"]["exit"] == 0


def test_a_directory_of_rpms_is_read_whole(
        make_host, rpm_factory, capsys, tmp_path):
    root = xs62(make_host)
    folder = tmp_path / "packs"
    folder.mkdir()
    for path in built(rpm_factory, ovs_candidate(), module_candidate(K835),
                      module_candidate(K847)):
        os.symlink(path, str(folder / os.path.basename(path)))
    (folder / "README").write_text("not a package\n")
    code, doc, _ = preflight(capsys, root, [str(folder)])
    assert code == 0 and len(doc["candidates"]) == 3


def test_module_packages_only_keep_the_installed_build(
        make_host, rpm_factory, capsys):
    root = xs62(make_host, kernels=(K835, K847, K_NEW), pending=K_NEW)
    code, doc, _ = preflight(capsys, root, built(
        rpm_factory, module_candidate(K_NEW, build=OVS_BUILD)))
    assert code == 0, doc
    assert doc["new_build"] == OVS_BUILD and doc["falls_out"] == []
    assert kernel(doc, K835)["source"] == "installed"


# -- rpm's answer beside the tool's ------------------------------------------

def test_a_package_already_installed_is_refused_by_both(
        make_host, rpm_factory, capsys):
    root = xs62(make_host)
    installed = module_rpm(K847, OVS_BUILD)
    code, doc, _ = preflight(capsys, root, built(rpm_factory, installed))
    assert code == 1
    assert refused_by_both(doc, "already installed", "already installed")


def test_a_downgrade_needs_accepting_and_then_passes_oldpackage(
        make_host, rpm_factory, capsys):
    root = xs62(make_host)
    files = built(rpm_factory, ovs_candidate("1.10.0"),
                  module_candidate(K835, "1.10.0"),
                  module_candidate(K847, "1.10.0"))
    code, doc, _ = preflight(capsys, root, files)
    assert code == 1
    assert [w["name"] for w in doc["warnings"] if not w["accepted"]] == [
        "downgrade"]
    assert doc["rpm_test"]["exit"] != 0            # rpm: newer is installed
    code, doc, _ = preflight(capsys, root, files, accept="tc,downgrade")
    assert code == 0, doc
    assert "--oldpackage" in doc["rpm_test"]["argv"]


def test_rpm_test_changes_nothing_in_the_root(make_host, rpm_factory, capsys):
    root = xs62(make_host)
    files = built(rpm_factory, ovs_candidate(), module_candidate(K835),
                  module_candidate(K_NEW))
    before = tree_state(root)
    code, doc, _ = preflight(capsys, root, files)
    assert doc["rpm_test"]["exit"] != 0 and code == 1
    assert tree_state(root) == before
