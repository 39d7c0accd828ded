"""The change journal in /boot/.ovs-rescue: the backup, the undo, the record.

Before the first rename a change is written as "started" with the old and
new target of each link; after the renames it becomes "done". A "started"
change found later was interrupted (a crash or power cut in between).
The last few changes are kept, newest last.
"""
import os
import stat
import time
from rescue.records import record

from rescue import naming
from rescue.errors import CannotInspect
from rescue.files import open_regular

STATE_DIR = ".ovs-rescue"          # inside /boot: on the file system it guards
JOURNAL = "journal.json"
LOG = "log"
LOCK = "lock"
KEEP = 10
MAX_JOURNAL_BYTES = 1024 * 1024
# started: written before the first rename; done: after the last.
# undone: an interrupted change that an undo closed; abandoned: one that
# rollback closed because finishing it would not have been safe.
STARTED, DONE, UNDONE, ABANDONED = "started", "done", "undone", "abandoned"
STATES = (STARTED, DONE, UNDONE, ABANDONED)
ACTIONS = ("rollback", "undo")
DIR_MODE, FILE_MODE = 0o755, 0o644   # monitoring reads them unprivileged
OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH

# links: tuple of (name, old target or None, new target)
Change = record("Change", "id time action from_release to_release links state")


class JournalDamaged(ValueError):
    """The journal is not of the shape the tool writes."""


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


def parse_journal(text):
    """The changes of a journal's text; JournalDamaged for any other shape.

    The journal is data, never instructions: each link must be a boot link
    and each target a kernel file name of /boot in the forms the tool writes.
    """
    import json  # only hosts with a journal pay for it
    document = json.loads(text)
    entries = _field(document, "changes", list)
    return tuple(_change(entry, n) for n, entry in enumerate(entries))


def _field(entry, key, kind, where="journal"):
    if not isinstance(entry, dict) or not isinstance(entry.get(key), kind):
        raise JournalDamaged("%s: %s is missing or not a %s"
                             % (where, key, kind.__name__))
    return entry[key]


def _change(entry, number):
    where = "change %d" % number
    for key in ("id", "time", "action", "state"):
        _field(entry, key, str, where)
    if entry["action"] not in ACTIONS or entry["state"] not in STATES:
        raise JournalDamaged("%s: unknown action or state" % where)
    for key in ("from", "to"):
        value = entry.get(key, 0)
        if value is not None and not (isinstance(value, str)
                                      and naming.is_release(value)):
            raise JournalDamaged("%s: %s is not a kernel release" % (where,
                                                                      key))
    links = tuple(_link(link, where)
                  for link in _field(entry, "links", list, where))
    if len({name for name, _, _ in links}) != len(links):
        raise JournalDamaged("%s names a link twice" % where)
    return Change(entry["id"], entry["time"], entry["action"], entry["from"],
                  entry["to"], links, entry["state"])


def _link(link, where):
    name = _field(link, "name", str, where)
    if name not in naming.BOOT_LINKS:
        raise JournalDamaged("%s: %r is not a boot link" % (where, name))
    old, new = link.get("old", 0), link.get("new")
    if old is not None and naming.link_target_release(name, old) is None:
        raise JournalDamaged("%s: old target of %s is not a kernel file of "
                             "/boot" % (where, name))
    if naming.link_target_release(name, new) is None:
        raise JournalDamaged("%s: new target of %s is not a kernel file of "
                             "/boot" % (where, name))
    return name, old, new


def journal_text(changes):
    import json
    document = {"schema_version": 1, "changes": [
        {"id": c.id, "time": c.time, "action": c.action,
         "from": c.from_release, "to": c.to_release, "state": c.state,
         "links": [{"name": n, "old": o, "new": w} for n, o, w in c.links]}
        for c in changes[-KEEP:]]}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def new_change_id(now=None):
    """Sortable and unique enough for one host: time plus pid."""
    now = time.time() if now is None else now
    return "%s-%d" % (time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now)),
                      os.getpid())


def interrupted(changes):
    """The last change if it never finished, else None."""
    if changes and changes[-1].state == STARTED:
        return changes[-1]
    return None


def journal_problems(changes, links):
    """What check and status say about an unfinished change."""
    change = interrupted(changes)
    if change is None:
        return ()
    current = {name: links[name].target for name, _, _ in change.links}
    if all(current[name] == new for name, _, new in change.links):
        return ("change %s was interrupted after the links moved; run "
                "ovs-rescue rollback to close its record" % change.id,)
    return ("change %s was interrupted (%s -> %s); ovs-rescue rollback "
            "finishes it if that is safe, else picks a safe kernel; "
            "ovs-rescue undo restores the old pair"
            % (change.id, change.from_release, change.to_release),)
