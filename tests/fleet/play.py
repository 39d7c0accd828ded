"""Run ansible-playbook against a fleet as an operator would, and read its
PLAY RECAP."""
import os
import re
import subprocess
import sys
from typing import NamedTuple

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
FLEET_PLAYBOOK = os.path.join(REPO, "ansible", "fleet.yml")
RECAP = re.compile(r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)"
                   r"\s+failed=(\d+)\s+skipped=(\d+)", re.M)


class Recap(NamedTuple):
    """One host's line of the PLAY RECAP."""
    ok: int
    changed: int
    unreachable: int
    failed: int
    skipped: int


def pinned_ansible_playbook():
    """The ansible-playbook of the test venv (tests/requirements.txt)."""
    return os.path.join(os.path.dirname(sys.executable), "ansible-playbook")


def ansible_env(base):
    """An environment that keeps Ansible's files below base, colourless."""
    return dict(os.environ,
                ANSIBLE_LOCAL_TEMP=os.path.join(base, "ansible-local"),
                ANSIBLE_HOME=os.path.join(base, "ansible-home"),
                ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                ANSIBLE_RETRY_FILES_ENABLED="0", TMPDIR=base)


def ansible_2_16():
    """ansible-playbook of ansible-core 2.16 (tests/run makes its venv and
    names it in $OVS_RESCUE_ANSIBLE_2_16), or None."""
    path = os.environ.get("OVS_RESCUE_ANSIBLE_2_16", "")
    return path if path and os.access(path, os.X_OK) else None


def run_playbook(inventory, *extra, playbook=FLEET_PLAYBOOK, base=None,
                 executable=None, env=None, timeout=600):
    """ansible-playbook -i inventory playbook *extra, run in base (the
    inventory's folder by default), with ansible_env(base) updated by env:
    (exit code, console text)."""
    base = base or os.path.dirname(os.path.abspath(str(inventory)))
    done = subprocess.run(
        [executable or pinned_ansible_playbook(), "-i", str(inventory),
         playbook] + list(extra),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, universal_newlines=True,
        env=dict(ansible_env(base), **(env or {})), cwd=base,
        timeout=timeout)
    return done.returncode, done.stdout


def recap(output):
    """{host: Recap} from the PLAY RECAP of a run's console text."""
    return {m.group(1): Recap(*(int(n) for n in m.groups()[1:]))
            for m in RECAP.finditer(output)}
