"""The pure parts of preflight: headers, rpm's dependency rules, qdiscs."""
import os
import subprocess

import pytest
from hypothesis import given, settings, strategies as st

from rescue.core import rpmheaders as rh
from rescue.host.reloadfacts import parse_qdiscs
from tests.conftest import REPO
from tests.hosts import run_cli

D = rh.Dependency


def rpm_vercmp_evr(left, right):
    """rpm's own answer, the oracle: rpm.vercmp of two [E:]V-R strings."""
    script = 'print(rpm.vercmp("%s", "%s"))' % (left, right)
    done = subprocess.run(["rpm", "--eval", "%%{lua: %s}" % script],
                          stdout=subprocess.PIPE, universal_newlines=True,
                          check=True)
    return int(done.stdout.strip())


@pytest.mark.parametrize("left, right", [
    ("1.11.0-1", "1.11.0-1"), ("1.11.0-1", "1.12.0-1"),
    ("1:1.0-1", "2.0-1"), ("2.6.32.43-0.4.1.xs1.8.0.847.170785",
                            "2.6.32.43-0.4.1.xs1.8.0.835.170778"),
    ("1.4.6-143.9926", "1.4.6-141.9924"), ("1.0a-1", "1.0-1"),
])
def test_evr_order_is_rpms(left, right):
    assert rh.compare_evr(left, right) == rpm_vercmp_evr(left, right)


segment = st.text("0123456789abc.", min_size=1, max_size=6).filter(
    lambda s: s[0] != "." and s[-1] != ".")


@settings(max_examples=25, deadline=None)
@given(st.tuples(segment, segment), st.tuples(segment, segment))
def test_evr_order_agrees_with_rpm_on_generated_versions(left, right):
    a, b = "%s-%s" % left, "%s-%s" % right
    assert rh.compare_evr(a, b) == rpm_vercmp_evr(a, b)


@pytest.mark.parametrize("provide, require, met", [
    (D("kernel-xen", "=", "2.6.32.43-0.4.1"), D("kernel-xen", "=",
                                                 "2.6.32.43-0.4.1"), True),
    (D("kernel-xen", "=", "2.6.32.43-0.4.2"), D("kernel-xen", "=",
                                                 "2.6.32.43-0.4.1"), False),
    (D("kernel-xen", "=", "2.6.32.43-0.4.1"), D("kernel-xen", "=",
                                                 "2.6.32.43"), True),
    (D("kernel-uname-r", "=", "4.19.0+1"), D("kernel-uname-r", "=",
                                              "4.19.0+1"), True),
    (D("kernel-xen", "=", "2.6.32.43-1"), D("kernel-xen", ">=", "2.6.32"),
     True),
    (D("kernel-xen", "=", "2.6.18-1"), D("kernel-xen", ">=", "2.6.32"),
     False),
    (D("kernel", "=", "1-1"), D("kernel-xen", "", ""), False),
    (D("kernel-xen", "", ""), D("kernel-xen", "=", "1-1"), True),
])
def test_a_provide_meets_a_require_as_rpm_has_it(provide, require, met):
    assert rh.provides(provide, require) is met


def test_a_package_provides_its_own_name_at_its_own_version():
    kernel = rh.Header("kernel-xen", None, "2.6.32.43", "0.4.1", "i686", (),
                       (), (), None)
    assert rh.satisfied(D("kernel-xen", "=", "2.6.32.43-0.4.1"), [kernel])
    assert not rh.satisfied(D("kernel-xen", "=", "2.6.32.43-0.4.2"),
                            [kernel])


def test_headers_are_parsed_with_their_dependencies_and_files():
    text = ("P\tovs\t(none)\t1.0\t1\ti386\nR\t/bin/sh\t\t\n"
            "R\tkernel-xen\t=\t2.6-1\nV\tovs\t=\t1.0-1\nF\t/a\nF\t/b c\n"
            "P\tgpg-pubkey\t(none)\t1\t2\t(none)\n")
    first, second = rh.parse_headers(text, lambda i: "f%d" % i)
    assert first.requires == (D("/bin/sh", "", ""), D("kernel-xen", "=",
                                                       "2.6-1"))
    assert first.files == ("/a", "/b c") and first.path == "f0"
    assert first.nvra == "ovs-1.0-1.i386" and first.epoch is None
    assert second.arch is None and second.files == ()


@pytest.mark.parametrize("arch, machine, fits", [
    ("i386", "i686", True), ("i686", "i386", True), ("x86_64", "i686", False),
    ("i386", "x86_64", False), ("noarch", "i686", True), ("x86_64", None,
                                                          True),
])
def test_arch_fits_by_machine_family(arch, machine, fits):
    assert rh.arch_fits(arch, machine) is fits


def test_qdiscs_other_than_the_defaults_are_listed_once():
    text = ("qdisc noqueue 0: dev lo root refcnt 2\n"
            "qdisc pfifo_fast 0: dev eth0 root refcnt 2 bands 3\n"
            "qdisc htb 1: dev vif3.0 root refcnt 2 r2q 10 default 0\n"
            "qdisc ingress ffff: dev vif3.0 parent ffff:fff1 -------\n"
            "qdisc htb 1: dev vif3.0 root refcnt 2\n"
            "garbage\n")
    assert parse_qdiscs(text) == ("vif3.0 (htb)", "vif3.0 (ingress)")


# -- the field's misspelt reload never reaches a host ----------------------

MISSPELT = "force-kmod-" + "reload"


def product_files():
    """Everything the product ships or runs: the package, the installer,
    the Ansible role; not the docs that warn against the spelling."""
    for top in ("rescue", "ansible", "install.sh", "build_pyz.py",
                "runtime-src"):
        path = os.path.join(REPO, top)
        if os.path.isfile(path):
            yield path
        for directory, _, names in os.walk(path):
            for name in names:
                yield os.path.join(directory, name)


def test_the_misspelt_reload_command_appears_in_nothing_the_product_runs():
    found = []
    for path in product_files():
        with open(path, "rb") as handle:
            if MISSPELT.encode() in handle.read():
                found.append(os.path.relpath(path, REPO))
    assert found == []


def test_the_upgrade_doc_names_the_real_reload_and_warns_of_the_other():
    text = open(os.path.join(REPO, "docs", "upgrade.md")).read()
    assert "/etc/init.d/openvswitch force-reload-kmod" in text
    for line in text.splitlines():
        if MISSPELT in line:
            assert "does nothing" in line or "Unknown command" in line, line


def test_help_preflight_is_a_topic(capsys):
    code, out, _ = run_cli(capsys, "help", "preflight")
    assert code == 0 and "--accept" in out
    assert max(len(line) for line in out.splitlines()) <= 79


# -- what the reload would disturb, read on a live host ---------------------

def test_qdiscs_are_read_from_the_tc_on_path(tmp_path, monkeypatch):
    from rescue.host.reloadfacts import read_qdiscs
    tc = tmp_path / "tc"
    tc.write_text("#!/bin/sh\n[ \"$*\" = 'qdisc show' ] || exit 9\n"
                  "echo 'qdisc htb 1: dev eth1 root refcnt 2'\n")
    tc.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert read_qdiscs(5) == (("eth1 (htb)",), None)


def test_without_tc_the_qdiscs_cannot_be_told(tmp_path, monkeypatch):
    from rescue.host.reloadfacts import read_qdiscs
    monkeypatch.setenv("PATH", str(tmp_path))
    qdiscs, why = read_qdiscs(5)
    assert qdiscs is None and "tc is not on PATH" in why


def test_a_running_xhad_is_seen_on_a_live_host(tmp_path):
    import shutil
    from rescue.host.reloadfacts import read_ha
    xhad = tmp_path / "xhad"
    shutil.copy(shutil.which("sleep"), str(xhad))
    process = subprocess.Popen([str(xhad), "30"])
    try:
        assert read_ha(str(tmp_path), live=True) == ("xhad is running",)
        assert read_ha(str(tmp_path), live=False) == ()
    finally:
        process.kill()
        process.wait()
