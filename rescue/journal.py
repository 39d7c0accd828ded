"""The change journal in /boot/.ovs-rescue: the backup, the undo, the record.

Before the first rename a change is written as "started" with the old and
new target of each link; after the renames it becomes "done". A "started"
change found later was interrupted (a crash or power cut in between).
The last few changes are kept, newest last.
"""
import errno
import os
import stat
import time
from collections import namedtuple

from rescue.errors import CannotInspect

STATE_DIR = ".ovs-rescue"          # inside /boot: on the file system it guards
JOURNAL = "journal.json"
LOG = "log"
LOCK = "lock"
KEEP = 10
STARTED, DONE = "started", "done"

# links: tuple of (name, old target or None, new target)
Change = namedtuple("Change", "id time action from_release to_release links state")


def state_dir(boot):
    return os.path.join(boot, STATE_DIR)


def read_journal(boot):
    """The recorded changes, oldest first; () when there is no journal."""
    directory = state_dir(boot)
    try:
        mode = os.lstat(directory).st_mode
    except OSError:
        return ()
    if not stat.S_ISDIR(mode):
        raise CannotInspect("state directory %s is not a directory (a "
                            "symlink?); move it away" % directory)
    path = os.path.join(directory, JOURNAL)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as error:
        if error.errno == errno.ENOENT:
            return ()
        raise CannotInspect("cannot read journal %s: %s"
                            % (path, error.strerror))
    with os.fdopen(fd, encoding="utf-8") as handle:
        text = handle.read()
    try:
        return parse_journal(text)
    except ValueError as error:
        raise CannotInspect("journal %s is damaged (%s); move it away to "
                            "go on without history" % (path, error))


def parse_journal(text):
    import json  # only hosts with a journal pay for it
    document = json.loads(text)
    changes = []
    for entry in document["changes"]:
        changes.append(Change(
            entry["id"], entry["time"], entry["action"], entry["from"],
            entry["to"], tuple((l["name"], l["old"], l["new"])
                               for l in entry["links"]), entry["state"]))
    return tuple(changes)


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
                "ovs-rescue rollback to finish its record" % change.id,)
    return ("change %s was interrupted (%s -> %s); ovs-rescue rollback "
            "finishes it, ovs-rescue undo restores the old pair"
            % (change.id, change.from_release, change.to_release),)
