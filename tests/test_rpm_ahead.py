"""check starts rpm before reading the boot loader (gather.likely_names),
and uses that answer only when it asked for the very names: under Python
3.6 from the zipapp, its processes and files seen by strace."""
import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.hosts import K835, K847, K_OLD, Kernel

pytestmark = pytest.mark.skipif(not shutil.which("strace"),
                                reason="strace is installed by tests/run")


@pytest.fixture
def host(make_host):
    return make_host([Kernel(K_OLD), Kernel(K835), Kernel(K847)],
                     pending=K847)


def traced_check(python36, zipapp, host, tmp_path):
    """(stdout, exit code, the traced lines: rpm's execs, the forks, the
    config's opens, kills) of a check."""
    trace = str(tmp_path / "trace")
    done = subprocess.run(
        ["strace", "-f", "-qq", "-o", trace, "-e",
         "trace=execve,openat,kill,clone,clone3,fork,vfork",
         python36, zipapp, "check", "--root", host, "--running-kernel",
         K835], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=60)
    with open(trace) as lines:
        # (an exec's line may end "<unfinished ...>": its result follows)
        seen = [line for line in lines if "ENOENT" not in line and (
            ('execve("' in line and '/rpm"' in line) or "fork" in line
            or "clone" in line or "extlinux.conf" in line
            or "SIGKILL" in line)]
    return done.stdout, done.returncode, seen


def rpm_started_before_config_read(seen):
    """In the tool's own lines (one process, so in its order): the fork
    that became rpm comes before extlinux.conf is opened. Lines of
    different processes are in strace's order, not the kernel's."""
    rpm_pids = {line.split()[0] for line in seen if "execve" in line}
    config = [line for line in seen if "extlinux.conf" in line]
    tool = config[0].split()[0]
    mine = [line for line in seen if line.split()[0] == tool]
    forked = [i for i, line in enumerate(mine)
              if re.search(r"(fork|clone3?)\b.*= (\d+)\s*$", line) and
              re.search(r"= (\d+)\s*$", line).group(1) in rpm_pids]
    return bool(forked) and forked[0] < mine.index(config[0])


def test_rpm_runs_while_the_boot_loader_is_read(host, python36, zipapp,
                                                tmp_path):
    out, code, seen = traced_check(python36, zipapp, host, tmp_path)
    assert code == 0, out
    assert sum("execve" in line for line in seen) == 1, seen
    assert rpm_started_before_config_read(seen), seen


def test_names_that_mislead_ask_rpm_again_with_the_same_answer(
        host, python36, zipapp, tmp_path):
    """A directory named like a kernel image is not a kernel: the names
    guessed from /boot include it, the decisions do not; the early answer
    is dropped and rpm asked about the right names. The first rpm is let
    end, not killed: a Berkeley DB reader killed mid-read can leave the
    database's locks stale."""
    before, code, _ = traced_check(python36, zipapp, host, tmp_path)
    os.mkdir(os.path.join(host, "boot", "vmlinuz-2.6.32.43-0.4.1.xs9xen"))
    out, again, seen = traced_check(python36, zipapp, host, tmp_path)
    assert (out, again) == (before, code)
    assert sum("execve" in line for line in seen) == 2, seen
    assert not [line for line in seen if "SIGKILL" in line]


def test_rpm_starts_before_the_decisions_modules_are_imported(host):
    """Only what starting rpm needs is imported before it: the facts'
    and the boot links' modules load while it works."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "from rescue.host import rpmdb\n"
        "real = rpmdb.start\n"
        "def start(*args, **kwargs):\n"
        "    sys.stderr.write(' '.join(sorted(m for m in sys.modules\n"
        "                     if m.startswith('rescue.'))) + '\\n')\n"
        "    return real(*args, **kwargs)\n"
        "rpmdb.start = start\n"
        "from rescue.cli import main\n"
        "sys.exit(main(['check', '--root', %r, '--running-kernel', %r]))\n"
        % (repo, host, K835))
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert done.returncode == 0, done.stderr
    at_start = set(done.stderr.split("\n")[0].split())
    assert "rescue.host.rpmdb" in at_start
    assert not at_start & {"rescue.core.hostfacts", "rescue.core.bootlinks",
                           "rescue.core.layouts"}
