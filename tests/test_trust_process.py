"""Trust, where the process itself matters: the zipapp under Python 3.6
with its real stdout, exit code, signals and syscalls."""
import os
import shutil
import subprocess
import tempfile
import time

import pytest

from rescue.host import statedir
from tests.hosts import K835, K847, K_OLD, Kernel, tree_state
from tests.test_trust import links_of, pair

needs_strace = pytest.mark.skipif(not shutil.which("strace"),
                                  reason="strace is installed by tests/run")
MUTATING = ("mkdir,mkdirat,symlink,symlinkat,rename,renameat,renameat2,"
            "unlink,unlinkat,creat,rmdir,chmod,fchmod,fchmodat,truncate,link,"
            "linkat")


@pytest.fixture
def host(make_host):
    return make_host([Kernel(K_OLD), Kernel(K835),
                      Kernel(K847, module_build=None)], pending=K847)


def tool(python36, zipapp, *argv, **kwargs):
    return [python36, zipapp] + [str(a) for a in argv]


def run(python36, zipapp, *argv, **kwargs):
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    kwargs.setdefault("timeout", 60)
    return subprocess.run(tool(python36, zipapp, *argv),
                          universal_newlines=True, **kwargs)


# -- nothing blocks forever -------------------------------------------------

@pytest.mark.parametrize("name, command", [
    (statedir.JOURNAL, "check"), (statedir.JOURNAL, "rollback"),
    (statedir.LOCK, "rollback"),
])
def test_a_fifo_in_the_state_directory_is_one_line_not_a_hang(
        host, python36, zipapp, name, command):
    state = os.path.join(host, "boot", statedir.STATE_DIR)
    os.makedirs(state, mode=0o755)
    os.mkfifo(os.path.join(state, name), 0o644)
    done = run(python36, zipapp, command, "--root", host,
               "--running-kernel", K835, timeout=20)
    assert done.returncode == 3 and "not a regular file" in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert links_of(host) == pair(K847)


def test_an_rpm_that_never_answers_is_killed_after_the_timeout(
        host, python36, zipapp, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "rpm").write_text("#!/bin/sh\nexec sleep 600\n")
    (bin_dir / "rpm").chmod(0o755)
    env = dict(os.environ, PATH="%s:%s" % (bin_dir, os.environ["PATH"]))
    for argv in (["check", "--timeout", "1"], ["check", "--nagios", "-t",
                                               "1"]):
        started = time.monotonic()
        done = run(python36, zipapp, *argv + ["--root", host], env=env)
        assert time.monotonic() - started < 15
        assert done.returncode == 3, done.stderr
        said = done.stderr + done.stdout
        assert "rpm did not answer within 1 seconds" in said


def test_a_bad_timeout_is_a_usage_error(host, python36, zipapp):
    done = run(python36, zipapp, "check", "--timeout", "soon", "--root", host)
    assert done.returncode == 2 and "--timeout" in done.stderr


# -- exit codes tell the truth ----------------------------------------------

def test_a_broken_pipe_keeps_checks_verdict(host, python36, zipapp):
    done = subprocess.run(
        "%s %s check --root %s --running-kernel %s | head -c 1 >/dev/null; "
        "exit ${PIPESTATUS[0]}" % (python36, zipapp, host, K835),
        shell=True, executable="/bin/bash", stderr=subprocess.PIPE,
        universal_newlines=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("stdout", ["closed", "full"])
@pytest.mark.parametrize("command, code", [("check", 1), ("rollback", 0)])
def test_unprintable_output_never_changes_the_exit_code(
        host, python36, zipapp, stdout, command, code):
    redirect = ">&-" if stdout == "closed" else ">/dev/full"
    done = subprocess.run(
        "%s %s %s --root %s --running-kernel %s %s" % (
            python36, zipapp, command, host, K835, redirect),
        shell=True, stderr=subprocess.PIPE, universal_newlines=True,
        timeout=60)
    assert done.returncode == code, done.stderr
    assert "could not print the result" in done.stderr
    assert "Traceback" not in done.stderr
    if command == "rollback":
        assert links_of(host) == pair(K835)


def test_a_non_utf8_old_target_is_shown_with_escapes(host, python36, zipapp):
    boot = os.path.join(host, "boot").encode()
    os.unlink(boot + b"/vmlinuz-2.6-xen")
    os.symlink(b"vmlinuz-\xff\xfe", boot + b"/vmlinuz-2.6-xen")
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    shown = run(python36, zipapp, "check", "--root", host,
                "--running-kernel", K835, env=env)
    assert shown.returncode == 1 and "vmlinuz-\\udcff\\udcfe" in shown.stdout
    for command, code in (("status", 0), ("rollback", 0), ("check", 0)):
        done = run(python36, zipapp, command, "--root", host,
                   "--running-kernel", K835, env=env)
        assert done.returncode == code, (command, done.stderr)
        assert "error" not in done.stderr, command
    assert links_of(host) == pair(K835)


@needs_strace
def test_a_failing_second_rename_keeps_the_record_and_says_changed(
        host, python36, zipapp):
    done = subprocess.run(
        ["strace", "-qq", "-o", "/dev/null", "-e", "trace=rename,renameat,"
         "renameat2", "-e", "inject=rename,renameat,renameat2:error=EIO:"
         "when=3"] + tool(python36, zipapp, "rollback", "--root", host,
                          "--running-kernel", K835),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "mixed" in done.stderr
    changes = statedir.read_journal(os.path.join(host, "boot"))
    assert changes and changes[-1].state == statedir.STARTED
    assert run(python36, zipapp, "check", "--root", host,
               "--running-kernel", K835).returncode == 1
    assert run(python36, zipapp, "undo", "--dry-run", "--root",
               host).returncode == 0
    assert run(python36, zipapp, "rollback", "--root", host,
               "--running-kernel", K835).returncode == 0
    assert links_of(host) == pair(K835)


# -- a replay never writes ----------------------------------------------------

@needs_strace
def test_a_replay_of_a_planted_snapshot_writes_nothing(
        python36, zipapp, tmp_path):
    import json
    victim = tmp_path / "victim"
    victim.mkdir()
    boot = {"vmlinuz-2.6-xen": {"type": "link", "target": str(victim)},
            "initrd-2.6-xen.img": {"type": "link", "target": "../../../x"},
            "escape": {"type": "link", "target": str(victim / "f")},
            "vmlinuz-%s" % K835: {"type": "file"}}
    document = {"kind": "ovs-rescue snapshot", "schema_version": 1,
                "running": K835, "boot": boot, "journal": None,
                "packages": "P\topenvswitch\t1.11.0\t1\n",
                "module_files": {str(victim / "m.ko"): {"type": "dir"}}}
    saved = tmp_path / "planted.json"
    saved.write_text(json.dumps(document))
    before = tree_state(str(tmp_path))
    trace = tmp_path / "trace.txt"
    for argv in (["status"], ["check"], ["rollback", "--dry-run"],
                 ["undo", "--dry-run"]):
        subprocess.run(["strace", "-f", "-qq", "-o", str(trace), "-e",
                        "trace=" + MUTATING + ",open,openat"]
                       + tool(python36, zipapp, *argv + ["--snapshot",
                                                        str(saved)]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)
        calls = [line for line in trace.read_text().splitlines()
                 if "O_CREAT" in line or line.split("(")[0].split()[-1]
                 in MUTATING.split(",")]
        assert calls == [], argv
    trace.unlink()
    assert tree_state(str(tmp_path)) == before


# -- Ctrl-C -------------------------------------------------------------------

def archive_opens(python36, zipapp, argv):
    """How often a run opens the archive (zipimport reopens it per module)."""
    done = subprocess.run(
        ["strace", "-qq", "-o", "/dev/stderr", "-P", zipapp, "-e",
         "trace=openat"] + tool(python36, zipapp, *argv),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=60)
    return sum(line.startswith("openat(") for line in
               done.stderr.splitlines())


@needs_strace
@pytest.mark.parametrize("part", [0.0, 0.25, 0.5, 0.75, 1.0])
def test_ctrl_c_while_the_tool_starts_is_one_line_and_130(
        host, python36, zipapp, part):
    # -P: only the archive's syscalls count, so the signal comes while our
    # code is imported from it (zipimport reopens it for each module), after
    # Python's own start-up, which no code of ours can guard (docs/install.md).
    argv = ["check", "--root", host, "--running-kernel", K835]
    opens = archive_opens(python36, zipapp, argv)
    assert opens >= 6                       # 5 on: our start-up
    nth = 5 + int(part * (opens - 5))      # 1-4: Python loads __main__
    done = subprocess.run(
        ["strace", "-qq", "-o", "/dev/null", "-P", zipapp, "-e",
         "trace=openat", "-e", "inject=openat:signal=INT:when=%d" % nth]
        + tool(python36, zipapp, "check", "--root", host,
               "--running-kernel", K835),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=60)
    assert done.returncode == 130, done.stderr
    assert done.stderr == "ovs-rescue: interrupted\n"


# -- monitoring runs unprivileged -------------------------------------------

def test_an_unprivileged_check_reads_the_journal_of_a_root_rollback(
        make_host, python36, zipapp, tmp_path):
    base = tempfile.mkdtemp(prefix="ovs-rescue-nobody-")
    os.chmod(base, 0o755)
    try:
        from tests.hosts import make_host as make, RpmFactory
        root = make(os.path.join(base, "host"),
                    RpmFactory(str(tmp_path / "rpms")),
                    [Kernel(K835), Kernel(K847, module_build=None)], K847)
        listing = os.path.join(base, "packages.txt")
        with open(listing, "w") as out:
            out.write(subprocess.run(
                ["rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-qa",
                 "--qf", "P\\t%{NAME}\\t%{VERSION}\\t%{RELEASE}\\n"
                 "[F\\t%{FILENAMES}\\n]"], stdout=subprocess.PIPE,
                universal_newlines=True, check=True).stdout)
        assert run(python36, zipapp, "rollback", "--root", root,
                   "--running-kernel", K835).returncode == 0
        pyz = os.path.join(base, "ovs-rescue.pyz")
        shutil.copy(zipapp, pyz)
        os.chmod(pyz, 0o644)
        code = _as_nobody(["/usr/bin/python3", "-c", _NOBODY, pyz, root,
                           listing])
        assert code == 0
    finally:
        shutil.rmtree(base)


# Debian's python3, not pyenv's 3.6: that lives in /root, closed to nobody.
_NOBODY = """
import subprocess, sys
pyz, root, listing = sys.argv[1:]
done = subprocess.run([sys.executable, pyz, "check", "--nagios", "--root",
                       root, "--packages", listing, "--running-kernel", %r],
                      stdout=subprocess.PIPE, universal_newlines=True)
print(done.stdout, end="")
sys.exit(done.returncode)
""" % K835


def _as_nobody(argv):
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            os.execv(argv[0], argv)
        finally:
            os._exit(99)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


@needs_strace
def test_ctrl_c_while_printing_after_the_links_moved_says_changed(
        host, python36, zipapp, tmp_path):
    """The change is made and recorded: exit 0 and one line, not 130."""
    probe = str(tmp_path / "probe")
    shutil.copytree(host, probe, symlinks=True)
    done = subprocess.run(
        ["strace", "-qq", "-o", "/dev/stderr", "-e", "trace=write"]
        + tool(python36, zipapp, "rollback", "--root", probe,
               "--running-kernel", K835),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=60)
    writes = [l for l in done.stderr.splitlines() if l.startswith("write(")]
    last = len(writes)                    # the result, printed last
    assert writes[-1].startswith("write(1,")
    done = subprocess.run(
        ["strace", "-qq", "-o", "/dev/null", "-e", "trace=write", "-e",
         "inject=write:signal=INT:when=%d" % last]
        + tool(python36, zipapp, "rollback", "--root", host,
               "--running-kernel", K835),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=60)
    assert links_of(host) == pair(K835)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ("ovs-rescue: interrupted after the boot links "
                           "moved; the change is complete (ovs-rescue check "
                           "shows it)\n")
