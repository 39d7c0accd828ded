"""preflight against real roots and real candidate RPMs, beside rpm --test."""
import json
import os

import pytest

from rescue import naming, sample
from tests import generations as gen
from tests.hosts import (K835, K847, K_OLD, OVS_BUILD, Kernel, Rpm,
                         module_rpm, ovs_rpm, run_cli, tree_state)

NEW = "1.12.0"
# A kernel a later hotfix brings, newer than every module package.
K_NEW = "2.6.32.43-0.4.1.xs1.8.0.853.170791xen"


def kernel_xen_rpm(release, arch="i686"):
    """The kernel-xen package of a 5.6-6.2 kernel (no files needed)."""
    version, _, rest = release[:-len("xen")].partition("-")
    return Rpm("kernel-xen", version, rest, arch=arch)


def module_candidate(release, build=NEW, arch="i386", legacy=False):
    """openvswitch-modules-xen-<kernel> as upstream builds it."""
    base = module_rpm(release, build)
    return base._replace(requires=("kernel-xen = %s" % release[:-3],),
                         arch=arch, legacy=legacy)


def ovs_candidate(build=NEW, arch="i386", legacy=False):
    return ovs_rpm(build)._replace(arch=arch, legacy=legacy)


@pytest.fixture
def host(make_host):
    """A 6.2 host after a service pack: running K835, next boot K847,
    both with their module package of the installed build, plus an old
    eligible kernel."""
    def make(kernels=(K_OLD, K835, K847), pending=K847, name="host"):
        root = make_host([Kernel(k) for k in kernels if k != K_NEW]
                         + [Kernel(k, module_build=None) for k in kernels
                            if k == K_NEW],
                         pending=pending, name=name,
                         extra_rpms=[kernel_xen_rpm(k) for k in kernels])
        return root
    return make


@pytest.fixture
def build(rpm_factory):
    return lambda *rpms: [rpm_factory.build(r) for r in rpms]


def preflight(capsys, root, files, *extra, running=K835, accept="tc"):
    argv = ["preflight", "--json", "--root", root] + list(files)
    if running:
        argv += ["--running-kernel", running]
    if accept:
        argv += ["--accept", accept]
    code, out, err = run_cli(capsys, *(argv + list(extra)))
    return code, (json.loads(out) if out.startswith("{") else out), err


def kernel(doc, release):
    return [k for k in doc["after"] if k["release"] == release][0]


def missing_name(release, build=NEW):
    return "%s-%s" % (naming.module_package_name(release), build)


# -- go and no-go for the running and the pending kernel ---------------------

def test_userspace_and_both_kernels_modules_is_a_go(host, build, capsys):
    root = host()
    code, doc, err = preflight(capsys, root, build(
        ovs_candidate(), module_candidate(K835), module_candidate(K847)))
    assert (code, err) == (0, ""), doc
    assert doc["ok"] and doc["new_build"] == NEW
    assert doc["installed_build"] == OVS_BUILD
    assert [k["ok"] for k in doc["after"]] == [True, True]
    assert kernel(doc, K847)["source"] == "candidate"
    assert doc["rpm_test"]["exit"] == 0 and doc["rpm_test"]["ok"]
    assert doc["missing"] == []


def test_an_eligible_kernel_left_without_a_new_module_falls_out(
        host, build, capsys):
    root = host()
    code, doc, _ = preflight(capsys, root, build(
        ovs_candidate(), module_candidate(K835), module_candidate(K847)))
    assert code == 0
    assert [k["release"] for k in doc["falls_out"]] == [K_OLD]
    assert doc["falls_out"][0]["missing"] == missing_name(K_OLD)


def test_the_pending_kernel_without_its_module_is_a_no_go_rpm_cannot_see(
        host, build, capsys):
    root = host()
    code, doc, _ = preflight(capsys, root, build(
        ovs_candidate(), module_candidate(K835)))
    assert code == 1 and not doc["ok"]
    assert doc["missing"] == [missing_name(K847)]
    assert kernel(doc, K835)["ok"] and not kernel(doc, K847)["ok"]
    assert doc["verdict"].startswith("NO-GO: the next kernel")
    # rpm's transaction is sound: only the tool sees the next boot
    assert doc["rpm_test"]["exit"] == 0


def test_after_a_service_pack_the_running_kernel_needs_its_module_too(
        host, build, capsys):
    root = host()
    code, doc, _ = preflight(capsys, root, build(
        ovs_candidate(), module_candidate(K847)))
    assert code == 1
    assert doc["missing"] == [missing_name(K835)]
    assert doc["verdict"].startswith("NO-GO: the running kernel")


def test_running_and_pending_both_missing_are_both_named(host, build,
                                                         capsys):
    root = host()
    code, doc, _ = preflight(capsys, root, build(ovs_candidate()))
    assert code == 1
    assert doc["missing"] == sorted([missing_name(K835), missing_name(K847)])


@pytest.mark.parametrize("wrong, said", [
    (dict(build="1.12.1"), "is OVS build 1.12.1, not 1.12.0"),
    (dict(arch="x86_64"), "is for x86_64, the host's are i686"),
], ids=["another build", "wrong arch"])
def test_a_wrong_module_package_for_the_next_kernel_is_no_go(
        host, build, capsys, wrong, said):
    root = host()
    code, doc, _ = preflight(capsys, root, build(
        ovs_candidate(), module_candidate(K835),
        module_candidate(K847, **wrong)))
    assert code == 1 and not kernel(doc, K847)["ok"]
    assert any(said in p for p in kernel(doc, K847)["problems"])


def test_a_module_package_whose_kernel_is_not_installed_agrees_with_rpm(
        host, build, capsys):
    root = host()
    code, doc, _ = preflight(capsys, root, build(
        ovs_candidate(), module_candidate(K835), module_candidate(K847),
        module_candidate(K_NEW)))
    assert code == 1
    assert any("requires kernel-xen = %s" % K_NEW[:-3] in p
               and "not installed" in p for p in doc["problems"])
    assert doc["rpm_test"]["exit"] != 0
    assert any("kernel-xen = %s is needed by" % K_NEW[:-3] in line
               for line in doc["rpm_test"]["lines"])


def test_a_pending_kernel_newer_than_every_module_package_is_no_go(
        host, build, capsys):
    root = host(kernels=(K835, K847, K_NEW), pending=K_NEW)
    code, doc, _ = preflight(capsys, root, build(
        ovs_candidate(), module_candidate(K835), module_candidate(K847)))
    assert code == 1
    assert doc["pending"] == K_NEW
    assert doc["missing"] == [missing_name(K_NEW)]


def test_adding_the_missing_package_makes_it_a_go(host, build, capsys):
    root = host(kernels=(K835, K847, K_NEW), pending=K_NEW)
    code, doc, _ = preflight(capsys, root, build(
        ovs_candidate(), module_candidate(K835), module_candidate(K847),
        module_candidate(K_NEW)))
    assert code == 0, doc
    assert doc["rpm_test"]["exit"] == 0


def test_a_directory_of_rpms_is_read_whole(host, build, capsys, tmp_path):
    root = host()
    folder = tmp_path / "packs"
    folder.mkdir()
    for path in build(ovs_candidate(), module_candidate(K835),
                      module_candidate(K847)):
        os.symlink(path, str(folder / os.path.basename(path)))
    (folder / "README").write_text("not a package\n")
    code, doc, _ = preflight(capsys, root, [str(folder)])
    assert code == 0 and len(doc["candidates"]) == 3


def test_module_packages_only_keep_the_installed_build(host, build, capsys):
    root = host(kernels=(K835, K847, K_NEW), pending=K_NEW)
    code, doc, _ = preflight(capsys, root, build(
        module_candidate(K_NEW, build=OVS_BUILD)))
    assert code == 0, doc
    assert doc["new_build"] == OVS_BUILD and doc["falls_out"] == []
    assert kernel(doc, K835)["source"] == "installed"


# -- rpm's answer beside the tool's ------------------------------------------

def test_a_package_already_installed_is_refused_by_both(host, build, capsys):
    root = host()
    installed = module_rpm(K847, OVS_BUILD)
    code, doc, _ = preflight(capsys, root, build(installed))
    assert code == 1
    assert any("already installed" in p for p in doc["problems"])
    assert any("already installed" in line
               for line in doc["rpm_test"]["lines"])


def test_a_downgrade_needs_accepting_and_then_passes_oldpackage(
        host, build, capsys):
    root = host()
    files = build(ovs_candidate("1.10.0"), module_candidate(K835, "1.10.0"),
                  module_candidate(K847, "1.10.0"))
    code, doc, _ = preflight(capsys, root, files)
    assert code == 1
    assert [w["name"] for w in doc["warnings"] if not w["accepted"]] == [
        "downgrade"]
    assert doc["rpm_test"]["exit"] != 0            # rpm: newer is installed
    code, doc, _ = preflight(capsys, root, files, accept="tc,downgrade")
    assert code == 0, doc
    assert "--oldpackage" in doc["rpm_test"]["argv"]


def test_rpm_test_changes_nothing_in_the_root(host, build, capsys):
    root = host()
    files = build(ovs_candidate(), module_candidate(K835),
                  module_candidate(K_NEW))
    before = tree_state(root)
    code, doc, _ = preflight(capsys, root, files)
    assert doc["rpm_test"]["exit"] != 0 and code == 1
    assert tree_state(root) == before


# -- warnings ---------------------------------------------------------------

GOOD = (lambda: (ovs_candidate(), module_candidate(K835),
                 module_candidate(K847)))


def test_tc_cannot_be_told_against_another_root_and_must_be_accepted(
        host, build, capsys):
    root = host()
    code, doc, _ = preflight(capsys, root, build(*GOOD()), accept=None)
    assert code == 1
    warning = doc["warnings"][0]
    assert warning["name"] == "tc" and not warning["accepted"]
    assert "cannot be told" in warning["text"]
    assert doc["verdict"] == "NO-GO: warnings not accepted: --accept tc"


@pytest.mark.parametrize("name, path, text", [
    ("bridge", "/etc/xensource/network.conf", "bridge\n"),
    ("ha", "/etc/xensource/xhad.conf", "<xhad-config/>\n"),
])
def test_a_host_warning_is_no_go_until_accepted(host, build, capsys, name,
                                                path, text):
    root = host()
    sample.write_file(root, path, text.encode())
    files = build(*GOOD())
    code, doc, _ = preflight(capsys, root, files)
    assert code == 1
    assert [w["name"] for w in doc["warnings"] if not w["accepted"]] == [name]
    code, doc, _ = preflight(capsys, root, files, accept="tc," + name)
    assert code == 0, doc


def test_an_in_kernel_datapath_generation_is_a_warning(rpm_factory, build,
                                                       capsys, tmp_path):
    root = gen.xs8_host(str(tmp_path / "xs8"), rpm_factory)
    files = build(Rpm("openvswitch", "2.17.8", "1", (
        ("/usr/share/openvswitch/build", b"2.17.8\n"),)))
    code, doc, _ = preflight(capsys, root, files, running=gen.XS8_UNAME)
    assert code == 1
    assert [w["name"] for w in doc["warnings"] if not w["accepted"]] == [
        "in-kernel"]
    assert kernel(doc, gen.XS8_UNAME)["source"] == "kernel"
    code, doc, _ = preflight(capsys, root, files, running=gen.XS8_UNAME,
                             accept="tc,in-kernel")
    assert code == 0, doc


# -- cannot inspect, usage --------------------------------------------------

def test_an_unreadable_package_is_exit_3(host, capsys, tmp_path):
    root = host()
    bogus = tmp_path / "openvswitch-9.rpm"
    bogus.write_text("not an rpm\n")
    code, out, err = run_cli(capsys, "preflight", "--root", root, str(bogus))
    assert code == 3 and out == ""
    assert "openvswitch-9.rpm" in err and len(err.splitlines()) == 1


def test_a_missing_package_is_exit_3(host, capsys, tmp_path):
    code, _, err = run_cli(capsys, "preflight", "--root", host(),
                           str(tmp_path / "nope.rpm"))
    assert code == 3 and "nope.rpm" in err


@pytest.mark.parametrize("argv", [
    ["preflight"], ["preflight", "--accept", "tcp", "x.rpm"],
])
def test_usage_errors_are_exit_2(capsys, argv):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and err.count("\n") == 1


def test_an_empty_directory_is_a_usage_error(host, capsys, tmp_path):
    code, _, err = run_cli(capsys, "preflight", "--root", host(),
                           str(tmp_path))
    assert code == 2 and "no .rpm files" in err


def test_a_root_without_a_database_is_exit_3_and_none_is_made(
        build, capsys, tmp_path):
    root = tmp_path / "empty"
    (root / "boot").mkdir(parents=True)
    code, _, err = run_cli(capsys, "preflight", "--root", str(root),
                           *build(ovs_candidate()))
    assert code == 3
    assert not (root / "var").exists()


# -- text ------------------------------------------------------------------

def test_the_text_fits_80_columns_verdict_first(host, build, capsys):
    root = host()
    code, out, _ = run_cli(capsys, "preflight", "--root", root,
                           "--running-kernel", K835,
                           *build(ovs_candidate(), module_candidate(K835),
                                  module_candidate(K_NEW)))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("NO-GO: the next kernel")
    assert max(len(line) for line in lines) <= 80
    assert "  " + missing_name(K847) in lines
    assert any("is needed by" in line for line in lines)
    assert any("--accept tc" in line or "tc (accepted)" in line
               for line in lines)


# -- packages CentOS 5's rpm can install ------------------------------------

def test_the_header_reader_reads_gzip_md5_packages(host, build, capsys):
    import subprocess
    files = build(ovs_candidate(legacy=True),
                  module_candidate(K835, legacy=True),
                  module_candidate(K847, legacy=True))
    for path in files:
        needs = subprocess.run(["rpm", "-qp", "--requires", path],
                               stdout=subprocess.PIPE,
                               universal_newlines=True).stdout
        assert "FileDigests" not in needs and "PayloadIsXz" not in needs
        assert "PayloadIsZstd" not in needs
    code, doc, _ = preflight(capsys, host(), files)
    assert code == 0, doc
    assert {c["arch"] for c in doc["candidates"]} == {"i386"}


def test_the_zipapp_answers_under_the_oldest_python(host, build, run_pyz):
    root = host()
    done = run_pyz("preflight", "--root", root, "--running-kernel", K835,
                   "--accept", "tc", *build(ovs_candidate(),
                                            module_candidate(K835),
                                            module_candidate(K847)))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("GO: after rpm -U the running and the next "
                                  "kernel have OVS 1.12.0\n")


# -- 6.5: an out-of-tree module package, Requires: kernel-uname-r ---------

def xs65_modules(build, uname=gen.XS65_UNAME):
    return Rpm("openvswitch-modules", build, "1", ((
        "/lib/modules/%s/extra/openvswitch/openvswitch.ko" % uname,
        sample.module_elf(uname)),), requires=("kernel-uname-r = %s" % uname,),
        arch="x86_64")


@pytest.mark.parametrize("with_modules, code", [(True, 0), (False, 1)])
def test_on_65_the_out_of_tree_module_of_the_new_build_is_needed(
        rpm_factory, build, capsys, tmp_path, with_modules, code):
    root = gen.xs65_host(str(tmp_path / "xs65"), rpm_factory)
    rpms = [ovs_candidate("2.1.4", arch="x86_64")]
    rpms += [xs65_modules("2.1.4")] if with_modules else []
    got, doc, _ = preflight(capsys, root, build(*rpms),
                            running=gen.XS65_UNAME)
    assert got == code, doc
    assert doc["layout"] == "xs65" and doc["rpm_test"]["exit"] == 0
    if not with_modules:
        assert doc["missing"] == ["an openvswitch-modules package of build "
                                  "2.1.4 for %s" % gen.XS65_UNAME]


def test_on_65_a_module_for_another_uname_fails_both_ways(
        rpm_factory, build, capsys, tmp_path):
    root = gen.xs65_host(str(tmp_path / "xs65"), rpm_factory)
    got, doc, _ = preflight(capsys, root, build(
        ovs_candidate("2.1.4", arch="x86_64"), xs65_modules("2.1.4"),
        xs65_modules("2.1.4", uname="3.10.0+9")._replace(
            name="openvswitch-modules-3.10.0+9")), running=gen.XS65_UNAME)
    assert got == 1
    assert any("kernel-uname-r = 3.10.0+9" in p for p in doc["problems"])
    assert any("kernel-uname-r = 3.10.0+9 is needed by" in line
               for line in doc["rpm_test"]["lines"])


def test_a_kernel_among_the_candidates_is_refused(host, build, capsys):
    root = host()
    code, doc, _ = preflight(capsys, root, build(
        ovs_candidate(), module_candidate(K835), module_candidate(K847),
        kernel_xen_rpm(K_NEW)))
    assert code == 1
    assert any("rpm -U would erase every other installed kernel-xen" in p
               for p in doc["problems"])


def test_without_boot_links_it_cannot_tell_and_is_no_go(host, build, capsys):
    root = host()
    sample.point_boot_links(root, None, None)
    code, doc, _ = preflight(capsys, root, build(*GOOD()))
    assert code == 1 and doc["pending"] is None
    assert doc["verdict"] == "NO-GO: cannot tell which kernel boots next"


def test_an_upgrade_entry_booting_next_is_no_go(rpm_factory, build, capsys,
                                                tmp_path):
    root = gen.xs8_host(str(tmp_path / "xs8"), rpm_factory, upgrade=True,
                        override_entry=4)
    code, doc, _ = preflight(capsys, root, build(Rpm(
        "openvswitch", "2.17.8", "1", (("/usr/share/openvswitch/build",
                                        b"2.17.8\n"),))),
        running=gen.XS8_UNAME, accept="tc,in-kernel")
    assert code == 1
    assert doc["verdict"] == ("NO-GO: the boot loader's next entry is not "
                              "the host's")
