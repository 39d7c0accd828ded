"""Crash consistency: SIGKILL before every mutating syscall, via strace.

One traced run counts the mutating syscalls of a rollback (and an undo);
then, on a fresh copy of the host each time, the process is killed just
before the Nth call of each. After every crash each link is its old or its
new target, a mixed pair fails `check`, and a rerun finishes the change.
"""
import collections
import os
import re
import shutil
import subprocess

import pytest

from tests.hosts import K835, K847, Kernel

MUTATING = ("symlink", "symlinkat", "rename", "renameat", "renameat2",
            "unlink", "unlinkat", "mkdir", "mkdirat")
CALL = re.compile(r"^(?:\d+ +)?(\w+)\(")

pytestmark = pytest.mark.skipif(not shutil.which("strace"),
                                reason="strace is installed by tests/run")


def mutating_calls(python36, zipapp, env, argv):
    """How often the tool's own process makes each mutating syscall."""
    done = subprocess.run(
        ["strace", "-qq", "-e", "trace=" + ",".join(MUTATING), "-o",
         "/dev/stderr", python36, zipapp] + argv,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        universal_newlines=True, env=env)
    counts = collections.Counter()
    for line in done.stderr.splitlines():
        match = CALL.match(line)
        if match and match.group(1) in MUTATING:
            counts[match.group(1)] += 1
    return counts


def crash_at(python36, zipapp, env, argv, syscall, nth):
    subprocess.run(
        ["strace", "-qq", "-o", "/dev/null", "-e", "trace=" + syscall,
         "-e", "inject=%s:signal=KILL:when=%d" % (syscall, nth),
         python36, zipapp] + argv,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def boot_links(root):
    boot = os.path.join(root, "boot")
    return tuple(os.readlink(os.path.join(boot, name))
                 if os.path.islink(os.path.join(boot, name)) else None
                 for name in ("vmlinuz-2.6-xen", "initrd-2.6-xen.img"))


def pair(release):
    return ("vmlinuz-" + release, "initrd-%s.img" % release)


def run_tool(python36, zipapp, env, argv):
    return subprocess.run([python36, zipapp] + argv, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)


@pytest.mark.parametrize("command, start, old, new", [
    ("rollback", K847, K847, K835),
    ("undo", K835, K835, K847),
])
def test_a_crash_before_any_mutating_syscall_leaves_a_bootable_record(
        make_host, zipapp, python36, tmp_path, command, start, old, new):
    env = dict(os.environ)
    template = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                         pending=K847, name="template")
    common = ["--root", None, "--running-kernel", K835]
    if command == "undo":       # a finished rollback for undo to revert
        assert run_tool(python36, zipapp, env, ["rollback", "--root",
                        template, "--running-kernel", K835]).returncode == 0
    assert boot_links(template) == pair(start)

    def fresh(n):
        root = str(tmp_path / ("crash-%d" % n))
        shutil.copytree(template, root, symlinks=True)
        return root

    probe = fresh(0)
    argv = [command] + common[:1] + [probe] + common[2:]
    counts = mutating_calls(python36, zipapp, env, argv)
    assert counts["rename"] + counts["renameat"] + counts["renameat2"] >= 2
    assert boot_links(probe) == pair(new)
    tried = 0
    for syscall, total in sorted(counts.items()):
        for nth in range(1, total + 1):
            tried += 1
            root = fresh(tried)
            argv = [command, "--root", root, "--running-kernel", K835]
            crash_at(python36, zipapp, env, argv, syscall, nth)
            links = boot_links(root)
            assert links[0] in (pair(old)[0], pair(new)[0]), (syscall, nth)
            assert links[1] in (pair(old)[1], pair(new)[1]), (syscall, nth)
            check = run_tool(python36, zipapp, env, ["check"] + argv[1:])
            if links not in (pair(old), pair(new)):
                assert check.returncode == 1, (syscall, nth, check.stdout)
            rerun = run_tool(python36, zipapp, env, argv)
            assert rerun.returncode == 0, (syscall, nth, rerun.stderr)
            assert boot_links(root) == pair(new), (syscall, nth)
            assert not [n for n in os.listdir(os.path.join(root, "boot"))
                        if n.startswith(".ovs-rescue-tmp-")]
    print("\n%s: tried %d crash points %s" % (command, tried, dict(counts)))
    assert tried >= 4


def test_a_rollback_starts_exactly_one_rpm_process(make_host, zipapp,
                                                   python36, tmp_path):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    trace = tmp_path / "execve.txt"
    subprocess.run(["strace", "-f", "-qq", "-e", "trace=execve", "-o",
                    str(trace), python36, zipapp, "rollback", "--root", root,
                    "--running-kernel", K835], check=True,
                   stdout=subprocess.DEVNULL,
                   env=dict(os.environ))
    assert boot_links(root) == pair(K835)
    assert sum('/rpm"' in line for line in trace.read_text().splitlines()) == 1
