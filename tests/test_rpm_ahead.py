"""check starts rpm before reading the boot loader (gather.likely_names),
and uses that answer only when it asked for the very names: under Python
3.6 from the zipapp, its processes and files seen by strace."""
import os
import shutil
import subprocess

import pytest

from tests.hosts import K835, K847, K_OLD, Kernel

pytestmark = pytest.mark.skipif(not shutil.which("strace"),
                                reason="strace is installed by tests/run")


@pytest.fixture
def host(make_host):
    return make_host([Kernel(K_OLD), Kernel(K835), Kernel(K847)],
                     pending=K847)


def traced_check(python36, zipapp, host, tmp_path):
    """(stdout, exit code, the traced lines: rpm's execs, the config's
    opens) of a check."""
    trace = str(tmp_path / "trace")
    done = subprocess.run(
        ["strace", "-f", "-qq", "-o", trace, "-e", "trace=execve,openat,kill",
         python36, zipapp, "check", "--root", host, "--running-kernel",
         K835], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=60)
    with open(trace) as lines:
        # (an exec's line may end "<unfinished ...>": its result follows)
        seen = [line for line in lines if "ENOENT" not in line and (
            ('execve("' in line and '/rpm"' in line)
            or "extlinux.conf" in line or "SIGKILL" in line)]
    return done.stdout, done.returncode, seen


def test_rpm_runs_while_the_boot_loader_is_read(host, python36, zipapp,
                                                tmp_path):
    out, code, seen = traced_check(python36, zipapp, host, tmp_path)
    assert code == 0, out
    assert "execve" in seen[0], seen             # rpm first, then the config
    assert sum("execve" in line for line in seen) == 1
    assert any("extlinux.conf" in line for line in seen[1:])


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
    assert sum("execve" in line for line in seen) == 2
    assert not [line for line in seen if "SIGKILL" in line]
