"""The Ansible play, for real with ansible-core, against five fake-root hosts."""
import os
import re
import shutil
import subprocess
import sys

import pytest

from bench.standin import standin_runtime
from tests.conftest import REPO
from tests.hosts import K835, K847, Kernel

PLAYBOOK = os.path.join(REPO, "ansible", "fleet.yml")
HOSTS = ["xs01", "xs02", "xs03", "xs04", "xs05"]
BROKEN = "xs03"
# How each host's interpreter is chosen: the arch Ansible would report on a
# 32-bit dom0 (i386), i686 as uname -m says it, this machine's own fact
# (x86_64), or a Python of the host's own (XenServer 8): no runtime then.
HOST_VARS = {"xs01": "ovs_rescue_arch=i386", "xs02": "ovs_rescue_arch=i686",
             "xs03": "", "xs04": "", "xs05": "ovs_rescue_python=%(python36)s"}
STAGED = {"xs01": "i686", "xs02": "i686", "xs03": "x86_64", "xs04": "x86_64",
          "xs05": None}


@pytest.fixture
def fleet(make_host, tmp_path, zipapp, python36):
    """An inventory of five local hosts, each its own root; xs03 broken."""
    lines = ["[xenservers]"]
    for name in HOSTS:
        if name == BROKEN:
            root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                             pending=K847, name=name)
        else:
            root = make_host([Kernel(K835), Kernel(K847)], pending=K847,
                             name=name)
        lines.append("%s ovs_rescue_root=%s %s" % (
            name, root, HOST_VARS[name] % {"python36": python36}))
    runtime = standin_runtime(tmp_path / "runtime", python36)
    lines += ["", "[xenservers:vars]", "ansible_connection=local",
              "ansible_python_interpreter=%s" % sys.executable,
              "ovs_rescue_runtime=%s" % runtime,
              "ovs_rescue_pyz=%s" % zipapp,
              "ovs_rescue_running_kernel=%s" % K835]
    inventory = tmp_path / "inventory"
    inventory.write_text("\n".join(lines) + "\n")
    return str(inventory)


def play(inventory, tmp_path, *extra):
    """Run the play as an operator would: (exit code, console text)."""
    env = dict(os.environ, ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"),
               ANSIBLE_REMOTE_TMP=str(tmp_path / "ansible-remote"),
               ANSIBLE_HOME=str(tmp_path / "ansible-home"),
               ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
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
    assert code == 2, output              # some host failed
    stats = recap(output)
    assert set(stats) == set(HOSTS), output
    assert {h for h, s in stats.items() if s[3]} == {BROKEN}
    assert all(s[2] == 0 for s in stats.values())
    fatal = [l for l in output.splitlines() if l.startswith("fatal: ")]
    assert len(fatal) == 1 and fatal[0].startswith("fatal: [%s]" % BROKEN)
    assert "UNSAFE to reboot: pending kernel %s" % K847 in fatal[0]
    assert all(s[1] >= 1 for s in stats.values())   # staged everywhere


def roots_of(inventory):
    return dict(re.findall(r"^(xs\d+) ovs_rescue_root=(\S+)",
                           open(inventory).read(), re.M))


def man_page(root):
    return os.path.join(root, "usr", "local", "share", "man", "man8",
                        "ovs-rescue.8")


def test_each_host_gets_the_runtime_of_its_arch_or_its_own_python(
        fleet, tmp_path, python36, zipapp):
    play(fleet, tmp_path)
    with open(os.path.join(os.path.dirname(zipapp), "ovs-rescue.8"),
              "rb") as built:
        page = built.read()
    for name, root in roots_of(fleet).items():
        with open(man_page(root), "rb") as installed:
            assert installed.read() == page, name
        runtime = os.path.join(root, "boot", "ovs-rescue", "runtime")
        launcher = open(os.path.join(root, "usr", "local", "sbin",
                                     "ovs-rescue")).read()
        if STAGED[name] is None:
            assert not os.path.lexists(runtime)
            assert "\npython=%s\n" % python36 in launcher
        else:
            with open(os.path.join(runtime, "python311.zip")) as stdlib:
                assert stdlib.read().split()[-1] == STAGED[name], name
            assert "\npython=/boot/ovs-rescue/runtime/python3\n" in launcher


def test_a_second_play_changes_nothing(fleet, tmp_path):
    play(fleet, tmp_path)
    code, output = play(fleet, tmp_path)
    assert code == 2
    assert all(s[1] == 0 for s in recap(output).values()), output


def test_dry_run_shows_the_rollback_plan_of_the_broken_host_only(
        fleet, tmp_path):
    code, output = play(fleet, tmp_path, "-e", "ovs_rescue_dry_run=true")
    shown = re.findall(r"^ok: \[(\S+)\] => \{\s*\n\s*\"ovs_rescue_plan.stdout_lines",
                       output, re.M)
    assert shown == [BROKEN], output
    assert '"Would roll back: boot pair would be %s"' % K835 in output


def test_check_mode_installs_nothing_says_what_would_change_and_checks(
        fleet, tmp_path):
    code, output = play(fleet, tmp_path, "--check")
    stats = recap(output)
    assert code == 2, output
    assert {h for h, s in stats.items() if s[3]} == {BROKEN}
    assert all(s[1] == 1 for s in stats.values()), output   # would install
    roots = re.findall(r"ovs_rescue_root=(\S+)", open(fleet).read())
    assert not [r for r in roots if os.path.exists(os.path.join(r, "boot",
                                                                "ovs-rescue"))]
    play(fleet, tmp_path)
    code, output = play(fleet, tmp_path, "--check")
    assert code == 2 and all(s[1] == 0 for s in recap(output).values())


def test_a_zipapp_without_a_man_page_beside_it_is_staged_without_one(
        fleet, tmp_path, zipapp):
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy(zipapp, str(lone / "ovs-rescue.pyz"))
    code, output = play(fleet, tmp_path, "-l", "xs01", "-e",
                        "ovs_rescue_pyz=%s" % (lone / "ovs-rescue.pyz"))
    assert code == 0 and recap(output)["xs01"][3] == 0, output
    root = roots_of(fleet)["xs01"]
    assert os.path.exists(os.path.join(root, "usr", "local", "sbin",
                                       "ovs-rescue"))
    assert not os.path.exists(man_page(root))
