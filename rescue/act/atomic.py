"""Atomic writes on one directory: temp name, fsync, rename(2), fsync dir.

The python-atomicwrites protocol, for files and for symlinks. A temporary
name always starts with TEMP_PREFIX so that a later run can sweep what a
crashed one left.
"""
import os
import time

TEMP_PREFIX = ".ovs-rescue-tmp-"


def temp_name(directory):
    return os.path.join(directory, TEMP_PREFIX + _random_token())


def _random_token():
    """16 hex digits from os.urandom, or, where the kernel has no getrandom
    and there is no /dev/urandom (an old kernel, an empty chroot), from the
    clock and pid: the directory is root's, and O_EXCL and the lock already
    rule out collisions, so the name need not be a secret."""
    try:
        return os.urandom(8).hex()
    except (NotImplementedError, OSError):
        return "%08x%08x" % (os.getpid() & 0xFFFFFFFF,
                             int(time.monotonic() * 1e9) & 0xFFFFFFFF)


def fsync_dir(directory):
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(path, text, mode=0o644):
    """Replace path with text atomically; never leaves a temp file behind."""
    directory = os.path.dirname(path)
    temp = temp_name(directory)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                 mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(fd, mode)             # whatever the umask
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(temp, path)
        temp = None
        fsync_dir(directory)
    finally:
        if temp is not None:
            remove_quietly(temp)


def make_temp_symlink(directory, target):
    """A new symlink to target under a random temporary name in directory."""
    temp = temp_name(directory)
    os.symlink(target, temp)
    return temp


def sweep(directory):
    """Remove temporaries of earlier, interrupted runs; return their names."""
    swept = []
    for name in sorted(os.listdir(directory)):
        if name.startswith(TEMP_PREFIX):
            remove_quietly(os.path.join(directory, name))
            swept.append(name)
    return swept


def remove_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass
