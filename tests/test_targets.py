"""The console's words: forgiving --to, true headlines, odd names ignored."""
import json
import os

import pytest

from tests.hosts import K835, K847, K_OLD, OLD_BUILD, Kernel, run_cli

K848 = "2.6.32.43-0.4.1.xs1.8.0.848.170800xen"


@pytest.fixture
def host(make_host):
    return make_host([Kernel(K_OLD), Kernel(K835),
                      Kernel(K847, module_build=None)], pending=K847)


@pytest.mark.parametrize("to", [
    K835, K835[:-3], "/boot/vmlinuz-" + K835, "vmlinuz-" + K835, "835",
    "xs1.8.0.835",
])
def test_to_takes_every_form_an_operator_types(host, capsys, to):
    code, out, err = run_cli(capsys, "rollback", "--json", "--dry-run",
                             "--to", to, "--root", host,
                             "--running-kernel", K835)
    assert code == 0, err
    assert json.loads(out)["to"] == K835


@pytest.mark.parametrize("to, message", [
    ("2.6.32.43", "matches 2 kernels"), ("999", "no kernel 999 in /boot"),
])
def test_a_to_that_names_no_single_kernel_lists_the_choices(host, capsys, to,
                                                            message):
    code, out, _ = run_cli(capsys, "rollback", "--to", to, "--root", host,
                           "--running-kernel", K835)
    assert code == 1 and message in out
    assert "ovs-rescue rollback --to %s" % K835 in out
    assert "%s: NOT SAFE" % K847 in out


def test_a_to_naming_an_unsafe_kernel_lists_the_safe_ones(host, capsys):
    code, out, _ = run_cli(capsys, "rollback", "--to", "847", "--root", host,
                           "--running-kernel", K835)
    assert code == 1 and "is not safe to boot" in " ".join(out.split())
    assert "ovs-rescue rollback --to %s" % K_OLD in out


def test_a_missing_initrd_is_headlined_as_such(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, initrd=False)],
                     pending=K847)
    code, out, _ = run_cli(capsys, "check", "--root", root,
                           "--running-kernel", K835)
    assert code == 1
    assert out.splitlines()[0] == ("UNSAFE to reboot: the kernel that boots "
                                   "next has no initrd")


def test_fix_never_starts_with_a_dangling_or(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, initrd=False)],
                     pending=K847)
    _, out, _ = run_cli(capsys, "check", "--root", root,
                        "--running-kernel", K835)
    fix = out.split("Fix:\n", 1)[1].splitlines()
    assert fix[0].startswith("  - point the boot pair at a safe kernel")


def test_any_build_names_the_build_the_kernel_loads(make_host, capsys):
    root = make_host([Kernel(K847, module_build=OLD_BUILD)], pending=K847)
    code, out, _ = run_cli(capsys, "check", "--any-build", "--root", root,
                           "--running-kernel", K847)
    assert code == 0
    assert out.splitlines()[0] == (
        "OK: safe to reboot with --any-build: the kernel loads OVS module "
        "build 1.10.0, userspace is 1.11.0")


@pytest.mark.parametrize("name", ["vmlinuz-2.6-xen.orig",
                                  "vmlinuz-%s.bak" % K835])
def test_odd_names_in_boot_are_ignored_not_kernels(make_host, capsys, name):
    root = make_host([Kernel(K835)], pending=K835)
    open(os.path.join(root, "boot", name), "w").close()
    code, out, _ = run_cli(capsys, "status", "--json", "--root", root,
                           "--running-kernel", K835)
    doc = json.loads(out)
    assert [k["release"] for k in doc["kernels"]] == [K835]
    assert doc["ignored_files"] == [name]
    _, out, _ = run_cli(capsys, "check", "--nagios", "--root", root,
                        "--running-kernel", K835)
    assert "kernels=1;" in out and out.startswith("OVS-RESCUE OK")


@pytest.fixture
def plus_host(make_host):
    """Kernels whose releases are one digit apart: 3.10.0+2 is not there."""
    return make_host([Kernel("3.10.0+21xen"), Kernel("3.10.0+10xen")],
                     pending="3.10.0+10xen", name="plus")


@pytest.mark.parametrize("to", ["3.10.0+2", "vmlinuz-3.10.0+2", "3.10.0+1",
                                "3.10.0+2xen"])
def test_a_whole_release_with_no_image_is_no_kernel_not_a_fragment(
        plus_host, capsys, to):
    code, out, err = run_cli(capsys, "rollback", "--json", "--dry-run",
                             "--to", to, "--root", plus_host,
                             "--running-kernel", "3.10.0+10xen")
    document = json.loads(out)
    assert (code, document["to"]) == (1, None), err
    assert document["error"] == "no kernel %s in /boot" % to


@pytest.mark.parametrize("to, release", [
    ("3.10.0+21", "3.10.0+21xen"), ("21", "3.10.0+21xen"),
    ("+21xen", "3.10.0+21xen"),
])
def test_a_fragment_that_stands_alone_in_one_release_names_it(
        plus_host, capsys, to, release):
    code, out, err = run_cli(capsys, "rollback", "--json", "--dry-run",
                             "--to", to, "--root", plus_host,
                             "--running-kernel", "3.10.0+10xen")
    assert json.loads(out)["to"] == release, err
