"""The change journal's records and text: pure.

A change is written as "started" before the first rename and becomes
"done" after the last; a "started" change found later was interrupted.
journal.py reads and writes the file; this module only parses, checks and
renders it, and answers questions about the changes.
"""
from rescue.core import naming
from rescue.core.layouts import OWN_LINK_PAIRS
from rescue.core.records import record

OWN_LINKS = frozenset(name for pair in OWN_LINK_PAIRS for name in pair)

KEEP = 10
# started: written before the first rename; done: after the last.
# undone: an interrupted change that an undo closed; abandoned: one that
# rollback closed because finishing it would not have been safe.
STARTED, DONE, UNDONE, ABANDONED = "started", "done", "undone", "abandoned"
STATES = (STARTED, DONE, UNDONE, ABANDONED)
ACTIONS = ("rollback", "undo")

# links: tuple of (name, old target or None, new target)
Change = record("Change", "id time action from_release to_release links state")


class JournalDamaged(ValueError):
    """The journal is not of the shape the tool writes."""


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
    if name not in OWN_LINKS:
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
    if not {name for name, _, _ in change.links} <= set(links):
        return ("change %s was interrupted, on links the next boot entry "
                "does not use; ovs-rescue rollback closes its record"
                % change.id,)
    current = {name: links[name].target for name, _, _ in change.links}
    if all(current[name] == new for name, _, new in change.links):
        return ("change %s was interrupted after the links moved; run "
                "ovs-rescue rollback to close its record" % change.id,)
    return ("change %s was interrupted (%s -> %s); ovs-rescue rollback "
            "finishes it if that is safe, else picks a safe kernel; "
            "ovs-rescue undo restores the old pair"
            % (change.id, change.from_release, change.to_release),)
