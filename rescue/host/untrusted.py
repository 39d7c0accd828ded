"""Read a file the tool does not trust: regular only, never blocking, bounded.

A FIFO, a device or /dev/zero named where a journal, a lock or a package
list should be must end in one line, not a hang.
"""
import os
import stat

from rescue.errors import CannotInspect


def open_regular(path, flags, what, error=CannotInspect, mode=0o644,
                 follow=False):
    """An fd on path, which must be a regular file (and not a symlink,
    unless follow: a path the user named may be one)."""
    flags |= os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags, mode)
    except OSError as failure:
        raise error("cannot read %s %s: %s" % (what, path, failure.strerror))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise error("%s %s is not a regular file; move it away" % (what, path))
    return fd


def read_untrusted(path, limit, what, follow=True):
    """The bytes of a regular file of at most limit bytes."""
    fd = open_regular(path, os.O_RDONLY, what, follow=follow)
    chunks, size = [], 0
    try:
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise CannotInspect("%s %s is larger than %d bytes; is it "
                                    "the right file?" % (what, path, limit))
            chunks.append(chunk)
    except OSError as failure:
        raise CannotInspect("cannot read %s %s: %s" % (what, path,
                                                       failure.strerror))
    finally:
        os.close(fd)
