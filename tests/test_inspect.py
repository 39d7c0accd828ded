"""status and check on real fixture hosts with the real rpm."""
import json
import os
import subprocess

import pytest

from tests.hosts import (K835, K847, K_OLD, OLD_BUILD, Kernel, run_cli,
                         tree_state)


def check_json(capsys, root, running, *extra):
    code, out, err = run_cli(capsys, "check", "--json", "--root", root,
                             "--running-kernel", running, *extra)
    return code, json.loads(out)


def test_healthy_host_checks_ok(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847)], pending=K847)
    code, doc = check_json(capsys, root, K847)
    assert code == 0
    assert doc["ok"] and doc["schema_version"] == 1
    assert doc["ovs_build"] == "1.11.0"
    assert doc["pending"] == doc["running"] == K847


def test_status_json_lists_every_kernel_with_its_parts(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    code, out, _ = run_cli(capsys, "status", "--json", "--root", root,
                           "--running-kernel", K835)
    doc = json.loads(out)
    assert code == 0 and doc["ok"] is False
    k847, k835 = doc["kernels"]
    assert (k847["release"], k847["pending"], k847["eligible"]) == (K847, True, False)
    assert k835 == {
        "release": K835, "eligible": True, "running": True, "pending": False,
        "image": "/boot/vmlinuz-" + K835,
        "initrd": "/boot/initrd-%s.img" % K835,
        "module_package": "openvswitch-modules-xen-%s-1.11.0-1" % K835[:-3],
        "module_file": "/lib/modules/%s/extra/openvswitch/openvswitch.ko" % K835,
        "problems": [], "fix": None}


def test_pending_kernel_without_module_fails_check_naming_the_package(
        make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    code, out, _ = run_cli(capsys, "check", "--root", root,
                           "--running-kernel", K835)
    assert code == 1
    assert out.startswith("UNSAFE to reboot")
    assert "openvswitch-modules-xen-%s version" % K847[:-3] in out
    assert all(len(line) <= 80 for line in out.splitlines())


@pytest.mark.parametrize("kernels, problem", [
    ([Kernel(K847, module_build=OLD_BUILD)], "OVS build 1.10.0, not 1.11.0"),
    ([Kernel(K847, initrd=False)], "no initrd"),
    ([Kernel(K847, module_on_disk=False)], "missing from /lib/modules/" + K847),
    ([Kernel(K847, vermagic=K835)], "built for kernel " + K835),
])
def test_broken_pending_kernel_fails_check(make_host, capsys, kernels, problem):
    root = make_host(kernels, pending=K847)
    code, doc = check_json(capsys, root, K847)
    assert code == 1 and not doc["ok"]
    assert any(problem in p for p in doc["kernels"][0]["problems"])


def test_several_eligible_kernels_are_all_reported(make_host, capsys):
    root = make_host([Kernel(K_OLD), Kernel(K835), Kernel(K847)], pending=K847)
    code, doc = check_json(capsys, root, K835)
    assert code == 0
    assert [k["release"] for k in doc["kernels"] if k["eligible"]] == [
        K847, K835, K_OLD]


def test_old_build_module_passes_only_with_any_build(make_host, capsys):
    root = make_host([Kernel(K847, module_build=OLD_BUILD)], pending=K847)
    assert check_json(capsys, root, K847)[0] == 1
    code, doc = check_json(capsys, root, K847, "--any-build")
    assert code == 0
    assert any("--any-build" in p for p in doc["problems"])


def test_dangling_boot_link_fails_check(make_host, capsys):
    root = make_host([Kernel(K847)], pending=K847)
    os.unlink(os.path.join(root, "boot", "vmlinuz-" + K847))
    code, doc = check_json(capsys, root, K847)
    assert code == 1 and doc["pending"] is None
    assert any("dangling" in p for p in doc["problems"])


def test_absolute_boot_links_pass_with_a_warning(make_host, capsys):
    root = make_host([Kernel(K847)], pending=K847)
    boot = os.path.join(root, "boot")
    for name, target in (("vmlinuz-2.6-xen", "vmlinuz-" + K847),
                         ("initrd-2.6-xen.img", "initrd-%s.img" % K847)):
        os.unlink(os.path.join(boot, name))
        os.symlink("/boot/" + target, os.path.join(boot, name))
    code, doc = check_json(capsys, root, K847)
    assert code == 0
    assert any("absolute target" in p for p in doc["problems"])


def test_junk_in_boot_is_ignored(make_host, capsys):
    root = make_host([Kernel(K847)], pending=K847)
    boot = os.path.join(root, "boot")
    for junk in ("vmlinuz-%s.bak" % K847 + " old", "vmlinuz-new\nline",
                 "initrd-.img", "README"):
        with open(os.path.join(boot, junk), "w") as handle:
            handle.write("junk")
    os.mkdir(os.path.join(boot, "vmlinuz-9.9.9xen"))
    code, doc = check_json(capsys, root, K847)
    assert code == 0
    assert [k["release"] for k in doc["kernels"]] == [K847]


def test_corrupt_database_cannot_be_inspected(make_host, capsys):
    root = make_host([Kernel(K847)], pending=K847)
    with open(os.path.join(root, "var/lib/rpm/rpmdb.sqlite"), "wb") as db:
        db.write(b"this is not a database" * 100)
    for name in ("rpmdb.sqlite-shm", "rpmdb.sqlite-wal"):
        path = os.path.join(root, "var/lib/rpm", name)
        if os.path.exists(path):
            os.unlink(path)
    code, out, err = run_cli(capsys, "check", "--root", root)
    assert code == 3 and out == ""
    assert err.startswith("ovs-rescue: error: rpm failed on the database at")
    assert len(err.splitlines()) == 1


def test_missing_database_is_never_created(make_host, capsys):
    root = make_host([Kernel(K847)], pending=K847)
    before = tree_state(root)
    code, _, err = run_cli(capsys, "status", "--root", root,
                           "--dbpath", "/nowhere/rpm")
    assert code == 3
    assert "no RPM database at" in err and "--dbpath" in err
    assert tree_state(root) == before


def test_empty_root_cannot_be_inspected(tmp_path, capsys):
    code, out, err = run_cli(capsys, "check", "--root", tmp_path)
    assert (code, out) == (3, "")
    assert "boot" in err and len(err.splitlines()) == 1


def test_missing_root_cannot_be_inspected(tmp_path, capsys):
    code, _, err = run_cli(capsys, "status", "--root", tmp_path / "absent")
    assert code == 3 and "--root" in err


def test_host_without_openvswitch_cannot_be_inspected(make_host, capsys):
    root = make_host([Kernel(K847, module_build=None)], pending=K847,
                     ovs_build=None)
    code, _, err = run_cli(capsys, "check", "--root", root)
    assert code == 3 and "openvswitch is not installed" in err


def test_missing_rpm_binary_cannot_be_inspected(make_host, capsys,
                                                monkeypatch, tmp_path):
    root = make_host([Kernel(K847)], pending=K847)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, _, err = run_cli(capsys, "check", "--root", root)
    assert code == 3 and "rpm not found" in err


def test_inspection_writes_nothing_to_boot(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    before = tree_state(os.path.join(root, "boot"))
    run_cli(capsys, "status", "--root", root)
    run_cli(capsys, "check", "--root", root)
    assert tree_state(os.path.join(root, "boot")) == before


def test_status_text_fits_a_serial_console(make_host, capsys):
    root = make_host([Kernel(K_OLD, initrd=False), Kernel(K835),
                      Kernel(K847, module_on_disk=False)], pending=K847)
    code, out, _ = run_cli(capsys, "status", "--root", root,
                           "--running-kernel", K835)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("UNSAFE to reboot")
    assert all(len(line) <= 80 and line.isascii() for line in lines)
    assert "\033" not in out


def test_saved_package_listing_stands_in_for_rpm(make_host, capsys, tmp_path):
    root = make_host([Kernel(K847)], pending=K847)
    listing = subprocess.run(
        ["rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-qa", "--qf",
         "P\\t%{NAME}\\t%{VERSION}\\t%{RELEASE}\\n[F\\t%{FILENAMES}\\n]"],
        stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    (tmp_path / "packages.txt").write_text(listing)
    code, doc = check_json(capsys, root, K847, "--packages",
                           tmp_path / "packages.txt", "--dbpath", "/absent")
    assert code == 0 and doc["ok"]


@pytest.mark.parametrize("content", [None, "garbage\n"])
def test_unusable_package_listing_cannot_be_inspected(make_host, capsys,
                                                      tmp_path, content):
    root = make_host([Kernel(K847)], pending=K847)
    listing = tmp_path / "packages.txt"
    if content is not None:
        listing.write_text(content)
    code, _, err = run_cli(capsys, "check", "--root", root, "--packages",
                           listing)
    assert code == 3 and "package list" in err
