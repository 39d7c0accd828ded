"""The change journal in /boot/.ovs-rescue: the backup, the undo, the record.

Before the first rename a change is written as "started" with the old and
new target of each link; after the renames it becomes "done". A "started"
change found later was interrupted (a crash or power cut in between).
The last few changes are kept, newest last.
"""
import os
import stat
import time

# The records, states and text of the journal live in changes; they are
# named here too, for the executor and the tests.
from rescue.core.journal import (ABANDONED, ACTIONS, DONE, KEEP, STARTED,
                            STATES, UNDONE, Change, JournalDamaged,
                            interrupted, journal_problems, journal_text,
                            parse_journal)
from rescue.errors import CannotInspect
from rescue.host.untrusted import open_regular

__all__ = ("ABANDONED", "ACTIONS", "DONE", "KEEP", "STARTED", "STATES",
           "UNDONE", "Change", "JournalDamaged", "interrupted",
           "journal_problems", "journal_text", "parse_journal", "STATE_DIR",
           "JOURNAL", "LOG", "LOCK", "read_journal", "state_dir",
           "check_owner", "new_change_id")
MAX_JOURNAL_BYTES = 1024 * 1024
STATE_DIR = ".ovs-rescue"          # inside /boot: on the file system it guards
JOURNAL = "journal.json"
LOG = "log"
LOCK = "lock"
DIR_MODE, FILE_MODE = 0o755, 0o644   # monitoring reads them unprivileged
OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH

def state_dir(boot):
    return os.path.join(boot, STATE_DIR)


def unsafe_owner(path, info, euid):
    """Why another user could have written path, or None."""
    if info.st_uid not in (0, euid):
        return "%s is owned by uid %d, not root" % (path, info.st_uid)
    if info.st_mode & OTHERS_WRITE:
        return "%s is writable by group or others (mode %o)" % (
            path, stat.S_IMODE(info.st_mode))
    return None


def check_owner(path, info, euid, error=CannotInspect):
    why = unsafe_owner(path, info, euid)
    if why:
        raise error("%s; the state of ovs-rescue must be root's alone: "
                    "check who changed it, then chown root and chmod go-w "
                    "it, or move it away" % why)


def read_journal(boot, euid=None):
    """The recorded changes, oldest first; () when there is no journal."""
    euid = os.geteuid() if euid is None else euid
    directory = state_dir(boot)
    try:
        info = os.lstat(directory)
    except OSError:
        return ()
    if not stat.S_ISDIR(info.st_mode):
        raise CannotInspect("state directory %s is not a directory (a "
                            "symlink?); move it away" % directory)
    check_owner(directory, info, euid)
    path = os.path.join(directory, JOURNAL)
    try:
        fd = open_regular(path, os.O_RDONLY, "journal")
    except CannotInspect:
        if not os.path.lexists(path):
            return ()
        raise
    try:
        check_owner(path, os.fstat(fd), euid)
        data = os.read(fd, MAX_JOURNAL_BYTES + 1)
    except OSError as error:
        raise CannotInspect("cannot read journal %s: %s"
                            % (path, error.strerror))
    finally:
        os.close(fd)
    try:
        if len(data) > MAX_JOURNAL_BYTES:
            raise JournalDamaged("larger than %d bytes" % MAX_JOURNAL_BYTES)
        return parse_journal(data.decode("utf-8"))
    except (ValueError, RecursionError) as error:  # damaged, JSON, UTF-8
        raise CannotInspect("journal %s is damaged (%s); move it away to "
                            "go on without history" % (path, error))


def new_change_id(now=None):
    """Sortable and unique enough for one host: time plus pid."""
    now = time.time() if now is None else now
    return "%s-%d" % (time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now)),
                      os.getpid())


