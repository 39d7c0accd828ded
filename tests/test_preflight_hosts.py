"""preflight's warnings, other generations, errors, text and old rpm."""
import pytest

from rescue.sample import trees as sample
from tests import generations as gen
from tests.hosts import K835, K847, K_OLD, Rpm, run_cli
from tests.upgrades import (GOOD, K_NEW, built, kernel, kernel_xen_rpm,
                            missing_name, module_candidate, ovs_candidate,
                            on_xs62, preflight, refused_by_both, xs62,
                            xs65_modules)


# -- warnings ---------------------------------------------------------------

def test_tc_cannot_be_told_against_another_root_and_must_be_accepted(
        make_host, rpm_factory, capsys):
    root = xs62(make_host)
    code, doc, _ = preflight(capsys, root, built(rpm_factory, *GOOD()),
                             accept=None)
    assert code == 1
    warning = doc["warnings"][0]
    assert warning["name"] == "tc" and not warning["accepted"]
    assert "cannot be told" in warning["text"]
    assert doc["verdict"] == "NO-GO: warnings not accepted: --accept tc"


@pytest.mark.parametrize("name, path, text", [
    ("bridge", "/etc/xensource/network.conf", "bridge\n"),
    ("ha", "/etc/xensource/xhad.conf", "<xhad-config/>\n"),
])
def test_a_host_warning_is_no_go_until_accepted(make_host, rpm_factory,
                                                capsys, name,
                                                path, text):
    root = xs62(make_host)
    sample.write_file(root, path, text.encode())
    files = built(rpm_factory, *GOOD())
    code, doc, _ = preflight(capsys, root, files)
    assert code == 1
    assert [w["name"] for w in doc["warnings"] if not w["accepted"]] == [name]
    code, doc, _ = preflight(capsys, root, files, accept="tc," + name)
    assert code == 0, doc


def test_an_in_kernel_datapath_generation_is_a_warning(rpm_factory,
                                                       capsys, tmp_path):
    root = gen.xs8_host(str(tmp_path / "xs8"), rpm_factory)
    files = built(rpm_factory, Rpm("openvswitch", "2.17.8", "1", (
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

def test_an_unreadable_package_is_exit_3(make_host, capsys, tmp_path):
    root = xs62(make_host)
    bogus = tmp_path / "openvswitch-9.rpm"
    bogus.write_text("not an rpm\n")
    code, out, err = run_cli(capsys, "preflight", "--root", root, str(bogus))
    assert code == 3 and out == ""
    assert "openvswitch-9.rpm" in err and len(err.splitlines()) == 1


def test_a_missing_package_is_exit_3(make_host, capsys, tmp_path):
    code, _, err = run_cli(capsys, "preflight", "--root", xs62(make_host),
                           str(tmp_path / "nope.rpm"))
    assert code == 3 and "nope.rpm" in err


@pytest.mark.parametrize("argv", [
    ["preflight"], ["preflight", "--accept", "tcp", "x.rpm"],
])
def test_usage_errors_are_exit_2(capsys, argv):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and err.count("\n") == 1


def test_an_empty_directory_is_a_usage_error(make_host, capsys, tmp_path):
    code, _, err = run_cli(capsys, "preflight", "--root", xs62(make_host),
                           str(tmp_path))
    assert code == 2 and "no .rpm files" in err


def test_a_root_without_a_database_is_exit_3_and_none_is_made(
        rpm_factory, capsys, tmp_path):
    root = tmp_path / "empty"
    (root / "boot").mkdir(parents=True)
    code, _, err = run_cli(capsys, "preflight", "--root", str(root),
                           *built(rpm_factory, ovs_candidate()))
    assert code == 3
    assert not (root / "var").exists()


# -- text ------------------------------------------------------------------

def test_the_text_fits_80_columns_verdict_first(
        make_host, rpm_factory, capsys):
    root = xs62(make_host)
    code, out, _ = run_cli(capsys, "preflight", "--root", root,
                           "--running-kernel", K835,
                           *built(rpm_factory, ovs_candidate(),
                                  module_candidate(K835),
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

def test_the_header_reader_reads_gzip_md5_packages(
        make_host, rpm_factory, capsys):
    import subprocess
    files = built(rpm_factory, ovs_candidate(legacy=True),
                  module_candidate(K835, legacy=True),
                  module_candidate(K847, legacy=True))
    for path in files:
        needs = subprocess.run(["rpm", "-qp", "--requires", path],
                               stdout=subprocess.PIPE,
                               universal_newlines=True).stdout
        assert "FileDigests" not in needs and "PayloadIsXz" not in needs
        assert "PayloadIsZstd" not in needs
    code, doc, _ = preflight(capsys, xs62(make_host), files)
    assert code == 0, doc
    assert {c["arch"] for c in doc["candidates"]} == {"i386"}


def test_the_zipapp_answers_under_the_oldest_python(
        make_host, rpm_factory, run_pyz):
    root = xs62(make_host)
    done = run_pyz("preflight", "--root", root, "--running-kernel", K835,
                   "--accept", "tc", *built(rpm_factory, ovs_candidate(),
                                            module_candidate(K835),
                                            module_candidate(K847)))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("GO: after rpm -U the running and the next "
                                  "kernel have OVS 1.12.0\n")


# -- 6.5: an out-of-tree module package, Requires: kernel-uname-r ---------

@pytest.mark.parametrize("with_modules, code", [(True, 0), (False, 1)])
def test_on_65_the_out_of_tree_module_of_the_new_build_is_needed(
        rpm_factory, capsys, tmp_path, with_modules, code):
    root = gen.xs65_host(str(tmp_path / "xs65"), rpm_factory)
    rpms = [ovs_candidate("2.1.4", arch="x86_64")]
    rpms += [xs65_modules("2.1.4")] if with_modules else []
    got, doc, _ = preflight(capsys, root, built(rpm_factory, *rpms),
                            running=gen.XS65_UNAME)
    assert got == code, doc
    assert doc["layout"] == "xs65" and doc["rpm_test"]["exit"] == 0
    if not with_modules:
        assert doc["missing"] == ["an openvswitch-modules package of build "
                                  "2.1.4 for %s" % gen.XS65_UNAME]


def test_on_65_a_module_for_another_uname_fails_both_ways(
        rpm_factory, capsys, tmp_path):
    root = gen.xs65_host(str(tmp_path / "xs65"), rpm_factory)
    got, doc, _ = preflight(capsys, root, built(
        rpm_factory, ovs_candidate("2.1.4", arch="x86_64"),
        xs65_modules("2.1.4"),
        xs65_modules("2.1.4", uname="3.10.0+9")._replace(
            name="openvswitch-modules-3.10.0+9")), running=gen.XS65_UNAME)
    assert got == 1
    assert refused_by_both(doc, "kernel-uname-r = 3.10.0+9",
                           "kernel-uname-r = 3.10.0+9 is needed by")


def test_a_kernel_among_the_candidates_is_refused(
        make_host, rpm_factory, capsys):
    code, doc, _ = on_xs62(make_host, rpm_factory, capsys, *GOOD(),
                           kernel_xen_rpm(K_NEW))
    assert code == 1
    assert any("rpm -U would erase every other installed kernel-xen" in p
               for p in doc["problems"])


def test_without_boot_links_it_cannot_tell_and_is_no_go(
        make_host, rpm_factory, capsys):
    root = xs62(make_host)
    sample.point_boot_links(root, None, None)
    code, doc, _ = preflight(capsys, root, built(rpm_factory, *GOOD()))
    assert code == 1 and doc["pending"] is None
    assert doc["verdict"] == "NO-GO: cannot tell which kernel boots next"


def test_an_upgrade_entry_booting_next_is_no_go(rpm_factory, capsys,
                                                tmp_path):
    root = gen.xs8_host(str(tmp_path / "xs8"), rpm_factory, upgrade=True,
                        override_entry=4)
    code, doc, _ = preflight(capsys, root, built(rpm_factory, Rpm(
        "openvswitch", "2.17.8", "1", (("/usr/share/openvswitch/build",
                                        b"2.17.8\n"),))),
        running=gen.XS8_UNAME, accept="tc,in-kernel")
    assert code == 1
    assert doc["verdict"] == ("NO-GO: the boot loader's next entry is not "
                              "the host's")


def test_a_damaged_package_is_exit_3_naming_it(make_host, rpm_factory,
                                               capsys, tmp_path):
    good = built(rpm_factory, ovs_candidate())[0]
    damaged = tmp_path / "openvswitch-1.12.0-1.i386.rpm"
    damaged.write_bytes(open(good, "rb").read()[:300])
    code, out, err = run_cli(capsys, "preflight", "--root", xs62(make_host),
                             str(damaged))
    assert code == 3 and out == ""
    assert err.startswith("ovs-rescue: error: rpm cannot read a package")
    assert str(damaged) in err


def test_a_candidate_problem_is_said_once_under_its_kernel(
        make_host, rpm_factory, capsys):
    code, out, _ = run_cli(capsys, "preflight", "--root", xs62(make_host),
                           "--running-kernel", K835, "--accept", "tc",
                           *built(rpm_factory, ovs_candidate(),
                                  module_candidate(K835),
                                  module_candidate(K847, arch="x86_64")))
    assert code == 1 and out.count("is for x86_64") == 1
    assert "\nProblems:" not in out


def test_with_the_running_kernel_unknown_the_next_is_answered_alone(
        make_host, rpm_factory, capsys):
    code, doc, _ = preflight(capsys, xs62(make_host),
                             built(rpm_factory, *GOOD()), running=None)
    assert code == 0, doc
    assert [k["release"] for k in doc["after"]] == [K847]
    assert any("running kernel unknown" in note for note in doc["notes"])


def test_unknown_running_kernel_and_no_boot_links_is_no_go(
        make_host, rpm_factory, capsys):
    root = xs62(make_host)
    sample.point_boot_links(root, None, None)
    code, doc, _ = preflight(capsys, root, built(rpm_factory, *GOOD()),
                             running=None)
    assert code == 1 and doc["after"] == []


def test_a_wrong_package_for_another_kernel_still_blocks_the_transaction(
        make_host, rpm_factory, capsys):
    code, doc, _ = on_xs62(make_host, rpm_factory, capsys, *GOOD(),
                           module_candidate(K_OLD, arch="x86_64"))
    assert code == 1 and all(k["ok"] for k in doc["after"])
    assert [k["release"] for k in doc["falls_out"]] == [K_OLD]
    assert any("is for x86_64" in p for p in doc["problems"])
