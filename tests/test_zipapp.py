"""The built zipapp, run for real under Python 3.6, and the 3.6 source floor."""
import json
import os
import subprocess
import sys

from tests.conftest import REPO
from tests.hosts import K835, K847, Kernel


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
