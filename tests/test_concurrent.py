"""Another writer in /boot or an rpm transaction while rollback and undo run.

The tool is paused on a syscall of its change with strace (delay_enter) and
a racing writer changes /boot in that window: a kernel file removed, a
regular file put at a link name. The run stops, says what changed and
exits with the truth. rpm's transaction lock (held by a process the way
rpm holds it, and by a real rpm paused in its transaction) makes rollback
and undo refuse before anything moves.
"""
import fcntl
import json
import os
import shutil
import subprocess
import time

import pytest

from rescue.host import statedir
from tests.hosts import K835, K847, Kernel, tree_state

pytestmark = pytest.mark.skipif(not shutil.which("strace"),
                                reason="strace is installed by tests/run")

IMAGE, INITRD = "vmlinuz-2.6-xen", "initrd-2.6-xen.img"
DELAY_US = 2500000
SETTLE = 0.5        # from the journal's rename into the image link's delay


def pair(release):
    return ("vmlinuz-" + release, "initrd-%s.img" % release)


def links_of(root):
    boot = os.path.join(root, "boot")
    return tuple(os.readlink(os.path.join(boot, name))
                 if os.path.islink(os.path.join(boot, name)) else
                 ("file" if os.path.isfile(os.path.join(boot, name)) else None)
                 for name in (IMAGE, INITRD))


@pytest.fixture
def unsafe_pending(make_host):
    """K835 safe and running, the pending K847 has no module RPM."""
    return make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)


def paused(python36, zipapp, argv, nth_rename):
    """The tool running argv, to be held DELAY_US before its nth rename(2)
    (1: the journal's, 2: the image link's, 3: the initrd link's)."""
    return subprocess.Popen(
        ["strace", "-qq", "-o", os.devnull, "-e", "trace=rename",
         "-e", "inject=rename:delay_enter=%d:when=%d" % (DELAY_US,
                                                          nth_rename),
         python36, zipapp] + argv,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True)


def wait_until(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the tool never got there"
        time.sleep(0.005)


def temps_in(directory):
    return [n for n in os.listdir(directory) if n.startswith(".ovs-rescue-")]


def journal_started(root):
    """The change's record is written: the next rename is a link's."""
    try:
        changes = statedir.read_journal(os.path.join(root, "boot"))
    except Exception:
        return False
    return bool(changes) and changes[-1].state == statedir.STARTED


def remove(root, name):
    os.unlink(os.path.join(root, "boot", name))


def put_file(root, name):
    path = os.path.join(root, "boot", name)
    os.unlink(path)
    with open(path, "w") as handle:
        handle.write("an admin's file\n")


# (nth rename to pause on, what the racer does, exit, links after, words)
RACES = [
    (1, lambda root: remove(root, pair(K835)[0]), 3, pair(K847),
     "vmlinuz-%s is missing" % K835),
    (1, lambda root: put_file(root, INITRD), 3, (pair(K847)[0], "file"),
     "initrd-2.6-xen.img is now a regular file"),
    (2, lambda root: remove(root, pair(K835)[1]), 1,
     (pair(K835)[0], pair(K847)[1]), "initrd-%s.img is missing" % K835),
    (2, lambda root: put_file(root, INITRD), 1, (pair(K835)[0], "file"),
     "initrd-2.6-xen.img is now a regular file"),
    (2, lambda root: remove(root, pair(K835)[0]), 1,
     (pair(K835)[0], pair(K847)[1]), "right after the rename"),
]


@pytest.mark.parametrize("nth, race, code, links, words", RACES,
                         ids=["kernel removed before the renames",
                              "file at a link name before the renames",
                              "initrd removed between the renames",
                              "file at a link name between the renames",
                              "kernel removed during its link's rename"])
def test_a_change_made_under_a_rollback_stops_it_with_the_truth(
        unsafe_pending, zipapp, python36, nth, race, code, links, words):
    root = unsafe_pending
    run = paused(python36, zipapp, ["rollback", "--root", root,
                                    "--running-kernel", K835], nth)
    if nth == 2:
        wait_until(lambda: journal_started(root))
        time.sleep(SETTLE)
    else:
        wait_until(lambda: temps_in(os.path.join(root, "boot")))
    race(root)
    out, err = run.communicate(timeout=60)
    assert (run.returncode, links_of(root)) == (code, links), err
    assert words in err and "another program changed /boot" in err
    assert not temps_in(os.path.join(root, "boot"))
    if code == 3:       # nothing moved: the journal holds no new change
        assert not journal_started(root)
    if links[1] == "file":
        with open(os.path.join(root, "boot", INITRD)) as handle:
            assert handle.read() == "an admin's file\n"


def test_a_kernel_removed_under_an_undo_stops_it(unsafe_pending, zipapp,
                                                 python36):
    root = unsafe_pending
    argv = ["--root", root, "--running-kernel", K835]
    done = subprocess.run([python36, zipapp, "rollback"] + argv)
    assert done.returncode == 0 and links_of(root) == pair(K835)
    run = paused(python36, zipapp, ["undo"] + argv, 1)
    wait_until(lambda: temps_in(os.path.join(root, "boot")))
    remove(root, pair(K847)[1])
    out, err = run.communicate(timeout=60)
    assert (run.returncode, links_of(root)) == (3, pair(K835)), err
    assert "initrd-%s.img is missing" % K847 in err


def boot_state(root):
    """/boot but our lock file (each run writes its pid there)."""
    state = tree_state(os.path.join(root, "boot"))
    state.pop(os.path.join(statedir.STATE_DIR, statedir.LOCK), None)
    return state


def hold_like_rpm(path):
    """An fd with the whole-file fcntl write lock rpm's transactions take
    (lib/rpmlock.c: F_WRLCK, SEEK_SET, 0, 0), from this process."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


@pytest.mark.parametrize("lock_file", [".rpm.lock", "__db.000"],
                         ids=["rpm 4.6 and later", "rpm 4.4 (CentOS 5)"])
@pytest.mark.parametrize("command", ["rollback", "undo"])
def test_rollback_and_undo_refuse_while_rpm_holds_its_transaction_lock(
        unsafe_pending, zipapp, python36, lock_file, command):
    root = unsafe_pending
    argv = ["--root", root, "--running-kernel", K835]
    if command == "undo":
        assert subprocess.run([python36, zipapp, "rollback"] + argv
                              ).returncode == 0
    fd = hold_like_rpm(os.path.join(root, "var/lib/rpm", lock_file))
    try:
        before = boot_state(root)
        done = subprocess.run([python36, zipapp, command, "--json"] + argv,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)
        assert boot_state(root) == before
    finally:
        os.close(fd)
    assert done.returncode == 3, done.stderr
    assert done.stderr.count("\n") == 1
    assert "an rpm transaction is running" in done.stderr
    assert "/var/lib/rpm/" + lock_file in done.stderr
    assert json.loads(done.stdout)["ok"] is False


def test_wait_outlasts_an_rpm_transaction_lock(unsafe_pending, zipapp,
                                               python36):
    root = unsafe_pending
    fd = hold_like_rpm(os.path.join(root, "var/lib/rpm/.rpm.lock"))
    run = subprocess.Popen([python36, zipapp, "rollback", "--wait", "30",
                            "--root", root, "--running-kernel", K835],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1)
    assert run.poll() is None and links_of(root) == pair(K847)
    os.close(fd)
    run.communicate(timeout=60)
    assert (run.returncode, links_of(root)) == (0, pair(K835))


def rpm_lock_held(path):
    """Whether another process holds a write lock on path."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def test_rollback_refuses_during_a_real_rpm_transaction(
        unsafe_pending, rpm_factory, zipapp, python36):
    """A real `rpm -i`, paused by strace while it installs a file (its
    transaction lock held), then let go: rollback refuses, then works."""
    from tests.hosts import Rpm
    root = unsafe_pending
    package = rpm_factory.build(Rpm("site-tools", "1.0", "1", (
        ("/usr/share/site-tools/readme", b"site tools\n"),)))
    installing = subprocess.Popen(
        ["strace", "-f", "-qq", "-o", os.devnull, "-e",
         "inject=renameat,rename,renameat2:delay_enter=4000000:when=1",
         "rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-i",
         "--nodeps", "--noscripts", package],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        lock_file = os.path.join(root, "var/lib/rpm/.rpm.lock")
        wait_until(lambda: rpm_lock_held(lock_file))
        argv = [python36, zipapp, "rollback", "--root", root,
                "--running-kernel", K835]
        refused = subprocess.run(argv, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE,
                                 universal_newlines=True)
        assert refused.returncode == 3, refused.stderr
        assert "an rpm transaction is running" in refused.stderr
        assert links_of(root) == pair(K847)
    finally:
        installing.wait(timeout=60)
    assert installing.returncode == 0
    assert subprocess.run(argv).returncode == 0
    assert links_of(root) == pair(K835)


@pytest.mark.parametrize("on_a_terminal", [True, False],
                         ids=["rpm on a terminal", "rpm from a script"])
def test_an_rpm_started_while_the_links_move_waits_or_changes_nothing(
        unsafe_pending, rpm_factory, zipapp, python36, on_a_terminal):
    """rpm waits for a lock only with a terminal on stdin (rpmlockAcquire);
    from a script it fails at once and installs nothing, as it does
    beside any other running transaction."""
    import pty
    from tests.hosts import Rpm
    root = unsafe_pending
    package = rpm_factory.build(Rpm("site-tools", "1.0", "1", (
        ("/usr/share/site-tools/readme", b"site tools\n"),)))
    run = paused(python36, zipapp, ["rollback", "--root", root,
                                    "--running-kernel", K835], 2)
    wait_until(lambda: journal_started(root))
    terminal, stdin = pty.openpty() if on_a_terminal else (None, None)
    installing = subprocess.Popen(
        ["rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-i", "--nodeps",
         "--noscripts", package], stdin=stdin or subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        universal_newlines=True)
    try:
        run.communicate(timeout=60)
        _, err = installing.communicate(timeout=60)
    finally:
        for fd in (terminal, stdin):
            if fd is not None:
                os.close(fd)
    assert (run.returncode, links_of(root)) == (0, pair(K835))
    readme = os.path.join(root, "usr/share/site-tools/readme")
    if on_a_terminal:
        assert "waiting for transaction lock" in err
        assert installing.returncode == 0 and os.path.exists(readme)
    else:
        assert "can't create transaction lock" in err
        assert installing.returncode == 1 and not os.path.exists(readme)
