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


# -- every write of the change, killed or failed, in four scenarios ---------

FAULT_CALLS = ("openat,write,fsync,fdatasync,close,unlink,unlinkat,symlink,"
               "symlinkat,rename,renameat,renameat2,mkdir,mkdirat,chmod,"
               "fchmod")
RESULT = re.compile(r"= (-?\d+)")


def fault_points(python36, zipapp, env, argv):
    """(syscall, nth) of each write the tool's process makes for a change:
    creating, writing, syncing and removing files, links and directories."""
    done = subprocess.run(
        ["strace", "-qq", "-e", "trace=" + FAULT_CALLS, "-o", "/dev/stderr",
         python36, zipapp] + argv, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, universal_newlines=True, env=env)
    counts, points, created = collections.Counter(), [], set()
    for line in done.stderr.splitlines():
        match = CALL.match(line)
        if not match:
            continue
        name = match.group(1)
        counts[name] += 1
        result = RESULT.search(line)
        fd = line.split("(", 1)[1].split(",", 1)[0]
        if name == "openat" and "O_CREAT" in line and result:
            created.add(result.group(1))
            points.append((name, counts[name]))
        elif name in ("write", "fsync", "fdatasync") and fd in created:
            points.append((name, counts[name]))
        elif name == "close":
            created.discard(fd)
        elif name not in ("openat", "write", "fsync", "fdatasync"):
            points.append((name, counts[name]))
    return points


def fault_at(python36, zipapp, env, argv, syscall, nth, fault):
    done = subprocess.run(
        ["strace", "-qq", "-o", "/dev/null", "-e", "trace=" + syscall,
         "-e", "inject=%s:%s:when=%d" % (syscall, fault, nth),
         python36, zipapp] + argv,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, env=env)
    return done


def scenario_host(make_host, name, scenario):
    """(root, command, start pair, planned pair) of one scenario."""
    from tests.test_trust import interrupted_undo, set_links, write_journal
    from tests.test_trust import change as record
    from rescue.host import statedir
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847, name=name)
    if scenario == "rollback":
        return root, "rollback", pair(K847), pair(K835)
    if scenario == "undo":
        from rescue.cli import main
        assert main(["rollback", "--root", root, "--running-kernel",
                     K835]) == 0
        return root, "undo", pair(K835), pair(K847)
    if scenario == "rollback after an interrupted undo":
        interrupted_undo(root)
        return root, "rollback", (pair(K847)[0], pair(K835)[1]), pair(K835)
    write_journal(root, (record("rollback", K847, K835, statedir.STARTED),))
    set_links(root, pair(K835)[0], pair(K847)[1])
    return root, "undo", (pair(K835)[0], pair(K847)[1]), pair(K847)


def finished(root, links, planned):
    """The change is over: the planned pair, recorded as done (a rerun of
    undo would then undo the undo)."""
    from rescue.host import statedir
    changes = statedir.read_journal(os.path.join(root, "boot"))
    return links == planned and changes[-1].state == statedir.DONE


@pytest.mark.parametrize("fault", ["signal=KILL", "error=EIO",
                                   "error=ENOSPC"])
@pytest.mark.parametrize("scenario", [
    "rollback", "undo", "rollback after an interrupted undo",
    "undo after an interrupted rollback"])
def test_a_fault_at_any_write_leaves_a_truthful_exit_and_a_bootable_rerun(
        make_host, zipapp, python36, tmp_path, capsys, scenario, fault):
    env = dict(os.environ)
    template, command, start, planned = scenario_host(
        make_host, "template", scenario)
    capsys.readouterr()
    argv = [command, "--root", template, "--running-kernel", K835]
    probe = str(tmp_path / "probe")
    shutil.copytree(template, probe, symlinks=True)
    points = fault_points(python36, zipapp, env,
                          [command, "--root", probe, "--running-kernel",
                           K835])
    assert boot_links(probe) == planned
    assert any(name.startswith("rename") for name, _ in points)
    for n, (syscall, nth) in enumerate(points):
        root = str(tmp_path / ("fault-%d" % n))
        shutil.copytree(template, root, symlinks=True)
        argv = [command, "--root", root, "--running-kernel", K835]
        done = fault_at(python36, zipapp, env, argv, syscall, nth, fault)
        where = (syscall, nth, done.stderr)
        assert "Traceback" not in done.stderr and "internal" not in \
            done.stderr, where
        links = boot_links(root)
        assert None not in links, where
        assert links[0] in (start[0], planned[0]), where
        assert links[1] in (start[1], planned[1]), where
        if fault != "signal=KILL":      # the exit code tells the truth
            expected = {start: 3, planned: 0}.get(links, 1)
            if links == start == planned:
                expected = 0
            assert done.returncode == expected, where
        check = run_tool(python36, zipapp, env, ["check"] + argv[1:])
        if links[0][len("vmlinuz-"):] != links[1][len("initrd-"):-4]:
            assert check.returncode == 1, where
        if not finished(root, links, planned):
            rerun = run_tool(python36, zipapp, env, argv)
            assert rerun.returncode == 0, (where, rerun.stderr)
        assert boot_links(root) == planned, where
        assert finished(root, boot_links(root), planned), where
        assert not [f for f in os.listdir(os.path.join(root, "boot"))
                    if f.startswith(".ovs-rescue-tmp-")], where
    print("\n%s, %s: %d fault points" % (scenario, fault, len(points)))
