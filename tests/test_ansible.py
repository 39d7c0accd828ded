"""The Ansible play, for real with ansible-core, against local fake-root
hosts (ansible_connection=local): what a fleet over SSH does not cover here
yet, several hosts on one machine, each its own ovs_rescue_root."""
import json
import os
import re
import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.hosts import K835, K847, Kernel
from tests.test_bundle import bundle  # noqa: F401  (the fixture)

PLAYBOOK = os.path.join(REPO, "ansible", "fleet.yml")
HOSTS = ["xs01", "xs02", "xs03"]
BROKEN = "xs03"


@pytest.fixture
def fleet(make_host, tmp_path, bundle):  # noqa: F811
    """An inventory of three local hosts, each its own root; xs03 broken;
    xs02 named i686 as a 32-bit dom0's uname -m says."""
    path, _ = bundle
    lines = ["[xenservers]"]
    for name in HOSTS:
        pending = Kernel(K847, module_build=None if name == BROKEN
                         else "1.11.0")
        root = make_host([Kernel(K835), pending], pending=K847, name=name)
        lines.append("%s ovs_rescue_root=%s%s" % (
            name, root, " ovs_rescue_arch=i686" if name == "xs02" else ""))
    lines += ["", "[xenservers:vars]", "ansible_connection=local",
              "ansible_python_interpreter=%s" % sys.executable,
              "ovs_rescue_bundle=%s" % path,
              "ovs_rescue_summary=%s" % (tmp_path / "summary.json"),
              "ovs_rescue_running_kernel=%s" % K835]
    inventory = tmp_path / "inventory"
    inventory.write_text("\n".join(lines) + "\n")
    return str(inventory)


def play(inventory, tmp_path, *extra):
    """Run the play as an operator would: (exit code, console text)."""
    env = dict(os.environ, ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"),
               ANSIBLE_REMOTE_TMP=str(tmp_path / "ansible-remote"),
               ANSIBLE_HOME=str(tmp_path / "ansible-home"),
               ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               TMPDIR=str(tmp_path))
    playbook = os.path.join(os.path.dirname(sys.executable),
                            "ansible-playbook")
    done = subprocess.run([playbook, "-i", inventory, PLAYBOOK] + list(extra),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, env=env, cwd=str(tmp_path))
    return done.returncode, done.stdout


RECAP = re.compile(r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)"
                   r"\s+failed=(\d+)", re.M)


def recap(output):
    """{host: (ok, changed, unreachable, failed)} from the PLAY RECAP."""
    return {m.group(1): tuple(int(n) for n in m.groups()[1:])
            for m in RECAP.finditer(output)}


def test_play_fails_exactly_the_host_that_would_boot_without_ovs(
        fleet, tmp_path):
    code, output = play(fleet, tmp_path)
    assert code == 2, output
    stats = recap(output)
    assert {h for h, s in stats.items() if s[3]} == {BROKEN}, output
    assert all(s[1] == 1 for s in stats.values()), output   # staged
    fatal = [l for l in output.splitlines() if l.startswith("fatal: ")]
    assert len(fatal) == 1 and fatal[0].startswith("fatal: [%s]" % BROKEN)
    assert "UNSAFE to reboot: pending kernel %s" % K847 in fatal[0]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert [u["host"] for u in summary["unsafe"]] == [BROKEN]
    assert summary["unsafe"][0]["package"].startswith(
        "openvswitch-modules-xen-")


def test_a_second_play_changes_nothing_and_sends_no_bundle(fleet, tmp_path):
    play(fleet, tmp_path)
    code, output = play(fleet, tmp_path)
    assert code == 2
    assert all(s[1] == 0 for s in recap(output).values()), output
    sent = output.split("TASK [ovs_rescue : Send the bundle")[1] \
        .split("TASK [")[0]
    assert sent.count("skipping: [") == len(HOSTS), sent
    assert output.count("[up to date]") == len(HOSTS)


def test_check_mode_installs_nothing_and_still_fails_the_broken_host(
        fleet, tmp_path):
    code, output = play(fleet, tmp_path, "--check")
    stats = recap(output)
    assert code == 2 and {h for h, s in stats.items() if s[3]} == {BROKEN}
    assert all(s[1] == 1 for s in stats.values()), output   # would stage
    assert "would stage ovs-rescue.pyz" in output
    roots = re.findall(r"ovs_rescue_root=(\S+)", open(fleet).read())
    assert not [r for r in roots
                if os.path.exists(os.path.join(r, "boot", "ovs-rescue"))]


def test_dry_run_shows_the_rollback_plan_of_the_broken_host_only(
        fleet, tmp_path):
    code, output = play(fleet, tmp_path, "-e", "ovs_rescue_dry_run=true")
    shown = re.findall(r"^ok: \[(\S+)\] => \{\s*\n\s*\"msg\": \[\s*\n\s*"
                       r"\"Would roll back", output, re.M)
    assert shown == [BROKEN], output
