"""The built zipapp, run for real under Python 3.6, and the 3.6 source floor."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.hosts import K835, K847, Kernel, tree_state
from tests.zipdamage import DAMAGE, python_tag


def test_runtime_source_targets_python_36_by_vermin():
    done = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "vermin"), "-t=3.6-", "--no-tips",
         "--violations", "--eval-annotations", os.path.join(REPO, "rescue")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        universal_newlines=True)
    assert done.returncode == 0, done.stdout


def test_zipapp_checks_a_healthy_host_under_python36(make_host, run_pyz):
    root = make_host([Kernel(K847)], pending=K847)
    done = run_pyz("check", "--root", root, "--running-kernel", K847)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK: safe to reboot")


def test_zipapp_reports_unsafe_host_as_json_under_python36(make_host, run_pyz):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    done = run_pyz("--root", root, "--json", "status",
                   "--running-kernel", K835)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["pending"] == K847 and doc["ok"] is False
    done = run_pyz("check", "--root", root, "--running-kernel", K835)
    assert done.returncode == 1


def test_zipapp_cannot_inspect_a_missing_root_without_a_traceback(run_pyz,
                                                                  tmp_path):
    done = run_pyz("check", "--root", tmp_path / "absent")
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_zipapp_help_lists_exit_codes(run_pyz):
    done = run_pyz("--help")
    assert done.returncode == 0 and "exit codes:" in done.stdout


def test_demo_runs_from_the_zipapp_under_python36_without_rpm(run_pyz):
    done = run_pyz("demo", env={"PATH": "/nonexistent"})
    assert done.returncode == 0, done.stderr
    assert "$ ovs-rescue check\nUNSAFE to reboot" in done.stdout
    assert "$ ovs-rescue rollback\nRolled back: boot pair now" in done.stdout
    assert "$ ovs-rescue check\nOK: safe to reboot" in done.stdout
    assert "$ ovs-rescue undo\nUndone: boot pair now" in done.stdout
    assert all(len(line) <= 80 for line in done.stdout.splitlines())


def test_python27_is_told_plainly_that_it_is_too_old(zipapp, python36):
    python27 = os.path.join(os.path.dirname(os.path.dirname(
        os.path.dirname(python36))), "2.7.18", "bin", "python2.7")
    if not os.access(python27, os.X_OK):
        pytest.skip("no Python 2.7 beside the 3.6 one")
    done = subprocess.run([python27, zipapp, "check"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    assert done.returncode == 3 and done.stdout == ""
    assert done.stderr == ("ovs-rescue: error: needs Python 3.6 or newer, "
                           "not 2.7.18; run it with a staged python3 "
                           "(install.sh --python PATH)\n")


def placed(zipapp, tmp_path, mode=0o755, owner=0, link=False):
    """A copy of the zipapp in a directory of that mode and owner."""
    where = tmp_path / "place"
    where.mkdir()
    copy = where / "ovs-rescue.pyz"
    shutil.copy(zipapp, str(copy))
    os.chown(str(where), owner, -1)
    where.chmod(mode)
    if link:                   # named from a safe directory, kept elsewhere
        (tmp_path / "safe").mkdir()
        (tmp_path / "safe" / "ovs-rescue.pyz").symlink_to(copy)
        return str(tmp_path / "safe" / "ovs-rescue.pyz")
    return str(copy)


@pytest.mark.skipif(os.geteuid() != 0, reason="the check is made as root")
@pytest.mark.parametrize("mode, owner, link, why", [
    (0o777, 0, False, "place is writable by group or others (mode 777)"),
    (0o775, 0, False, "place is writable by group or others (mode 775)"),
    (0o755, 65534, False, "place is owned by uid 65534, not root"),
    (0o777, 0, True, "place is writable by group or others (mode 777)"),
])
def test_root_refuses_a_zipapp_others_could_swap_before_importing_it(
        zipapp, python36, tmp_path, mode, owner, link, why):
    path = placed(zipapp, tmp_path, mode, owner, link)
    done = subprocess.run([python36, path, "--version"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert done.returncode == 3 and done.stdout == ""
    assert done.stderr.startswith("ovs-rescue: error: refusing to run ")
    assert why in done.stderr and done.stderr.count("\n") == 1


@pytest.mark.skipif(os.geteuid() != 0, reason="the check is made as root")
def test_root_runs_a_zipapp_in_a_sticky_directory_like_tmp(zipapp, python36,
                                                           tmp_path):
    path = placed(zipapp, tmp_path, mode=0o1777)
    done = subprocess.run([python36, path, "--version"],
                          stdout=subprocess.PIPE, universal_newlines=True)
    assert done.returncode == 0 and done.stdout.startswith("ovs-rescue 0.1.0")


@pytest.mark.parametrize("damage", [d for _, d in DAMAGE],
                         ids=[label for label, _ in DAMAGE])
def test_a_damaged_zipapp_says_so_in_one_line_and_exits_3(
        zipapp, pyz_python, make_host, tmp_path, damage):
    """Not a traceback and exit 1 (UNSAFE, or WARNING to a monitor), nor
    damaged bytecode run (zipimport checks no CRC); nothing changed."""
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    with open(zipapp, "rb") as handle:
        data = damage(handle.read(), python_tag(pyz_python))
    damaged = tmp_path / "ovs-rescue.pyz"
    damaged.write_bytes(data)
    before = tree_state(root)
    done = subprocess.run([pyz_python, str(damaged), "rollback", "--root",
                           root, "--running-kernel", K835],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert_damage_said(done, damaged)
    assert tree_state(root) == before


def assert_damage_said(done, archive):
    """One line naming archive as damaged, exit 3."""
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith("ovs-rescue: error: %s is damaged ("
                                  % archive), done.stderr
    assert done.stderr.endswith("): reinstall it\n")
    assert done.stderr.count("\n") == 1


def test_a_damaged_zipapp_is_unknown_to_a_monitor(zipapp, pyz_python,
                                                  tmp_path):
    """--nagios: the plugin line on stdout, not an empty one."""
    with open(zipapp, "rb") as handle:
        data = dict(DAMAGE)["flipped bits in cli"](handle.read(),
                                                   python_tag(pyz_python))
    damaged = tmp_path / "ovs-rescue.pyz"
    damaged.write_bytes(data)
    done = subprocess.run([pyz_python, str(damaged), "check", "--nagios"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert (done.returncode, done.stderr) == (3, "")
    assert done.stdout.startswith("OVS-RESCUE UNKNOWN - %s is damaged ("
                                  % damaged) and done.stdout.count("\n") == 1
    assert "|" not in done.stdout


def test_python27_running_the_package_by_name_is_told_it_is_too_old(
        python36):
    """python -m rescue runs the zipapp's startup too (rescue/zipmain.py)."""
    python27 = os.path.join(os.path.dirname(os.path.dirname(
        os.path.dirname(python36))), "2.7.18", "bin", "python2.7")
    if not os.access(python27, os.X_OK):
        pytest.skip("no Python 2.7 beside the 3.6 one")
    done = subprocess.run([python27, "-m", "rescue", "check"], cwd=REPO,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert done.returncode == 3 and done.stdout == ""
    assert done.stderr == ("ovs-rescue: error: needs Python 3.6 or newer, "
                           "not 2.7.18; run it with a staged python3 "
                           "(install.sh --python PATH)\n")


def test_a_direct_run_leaves_only_the_packages_init_to_zipimport(
        zipapp, python36):
    """zipimport checks no CRC: preload is run from the bytes the startup
    checked, the rest through preload, and the archive's __main__.py serves
    as rescue.zipmain (not read again)."""
    done = subprocess.run([python36, "-v", zipapp, "--version"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert done.returncode == 0 and done.stdout.startswith("ovs-rescue ")
    zipped = [line.split()[1] for line in done.stderr.splitlines()
              if " # loaded from Zip " in line]
    assert zipped == ["rescue"]
