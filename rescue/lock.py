"""One change at a time: an exclusive flock on a lock file never removed."""
import errno
import fcntl
import os
import time

from rescue.errors import CannotChange
from rescue.files import open_regular


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
