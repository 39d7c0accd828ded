"""One change at a time: our flock on a lock file never removed, and rpm's
transaction lock held shared while the links move."""
import errno
import fcntl
import os
import stat
import time

from rescue.errors import CannotChange
from rescue.host.untrusted import open_regular


def _holder(fd):
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        text = ""
    return text if text.isdigit() else "unknown"


def acquire(path, wait=0.0, clock=time.monotonic, sleep=time.sleep):
    """Return an fd holding an exclusive lock on path; the kernel frees it.

    A regular file, opened without following links or blocking, never
    truncated: the holder's pid is written
    over the first bytes, padded, so a reader never sees an empty file.
    """
    fd = open_regular(path, os.O_RDWR | os.O_CREAT, "lock", CannotChange)
    deadline = clock() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise CannotChange("cannot lock %s: %s"
                                   % (path, error.strerror))
            if clock() >= deadline:
                holder = _holder(fd)
                os.close(fd)
                raise CannotChange(
                    "another ovs-rescue (pid %s) is changing /boot; wait for "
                    "it, or pass --wait SECONDS" % holder)
            sleep(0.05)
    os.pwrite(fd, ("%-20d\n" % os.getpid()).encode("ascii"), 0)
    return fd


# rpm's transaction lock, in the database directory: a whole-file fcntl
# write lock (F_SETLKW) that every install, erase or update holds from
# start to end (lib/rpmlock.c). The file is `%_rpmlock_path`:
# `%{_dbpath}/.rpm.lock` from rpm 4.6 (CentOS 7's 4.11, 4.18 here) and
# `%{_dbpath}/__db.000` in rpm 4.4 (CentOS 5's 4.4.2.3, macros.in).
RPM_LOCK_FILES = (".rpm.lock", "__db.000")


def hold_rpm_lock(root, dbpath, wait=0.0, clock=time.monotonic,
                  sleep=time.sleep):
    """fds holding a shared fcntl lock on each of rpm's transaction lock
    files that exist: none can be taken while an rpm transaction runs, and
    an rpm that starts meanwhile waits for us (it asks with F_SETLKW).
    Closing the fds releases them. Never creates a file in the database."""
    directory = os.path.join(root, dbpath.lstrip("/"))
    deadline = clock() + wait
    held = []
    try:
        for name in RPM_LOCK_FILES:
            fd = _open_existing(os.path.join(directory, name))
            if fd is None:
                continue
            held.append(fd)
            while not _try_shared(fd, os.path.join(directory, name)):
                if clock() >= deadline:
                    raise CannotChange(
                        "an rpm transaction is running (it holds %s); let "
                        "it finish, then run again, or pass --wait SECONDS"
                        % os.path.join(dbpath, name))
                sleep(0.05)
    except BaseException:
        release(held)
        raise
    return held


def _open_existing(path):
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
                     | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise CannotChange("cannot open rpm's lock %s: %s"
                           % (path, error.strerror))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise CannotChange("rpm's lock %s is not a regular file; move it "
                           "away" % path)
    return fd


def _try_shared(fd, path):
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return True
    except OSError as error:
        if error.errno in (errno.EAGAIN, errno.EACCES):
            return False
        raise CannotChange("cannot lock %s: %s" % (path, error.strerror))


def release(fds):
    for fd in fds:
        os.close(fd)
