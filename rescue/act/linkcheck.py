"""Re-read one boot link and its target right before and after its rename.

Another program (an rpm transaction, an admin's shell) may change /boot
between the plan and the renames: a kernel file removed, a file put where a
link was. Each rename is preceded and followed by a look at what it acts on;
what differs from the plan is named in words, so the run can stop and say
so instead of reporting a change that did not happen as planned.
"""
import os
import stat


class ChangedUnderUs(Exception):
    """What another program changed in /boot, in words."""


def _kind(path):
    """What lstat says is at path: a symlink's target, 'missing' or a kind."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None, "missing"
    except OSError as error:
        return None, "unreadable (%s)" % error.strerror
    if stat.S_ISLNK(mode):
        try:
            return os.readlink(path), "a symlink"
        except OSError as error:
            return None, "unreadable (%s)" % error.strerror
    if stat.S_ISREG(mode):
        return None, "a regular file"
    if stat.S_ISDIR(mode):
        return None, "a directory"
    return None, "a special file"


def target_path(boot, target):
    """The file a boot link's target names, inside the boot directory."""
    if target.startswith("/boot/"):
        target = target[len("/boot/"):]
    return os.path.join(boot, target)


def _require_target_file(boot, name, target, when):
    _, kind = _kind(target_path(boot, target))
    if kind != "a regular file":
        raise ChangedUnderUs("%s's target %s is %s %s" % (
            name, os.path.basename(target), kind, when))


def before_rename(boot, name, old, new):
    """Refuse when link `name` is no longer `old` (None: absent), or when
    the file `new` names is no longer a regular file."""
    now, kind = _kind(os.path.join(boot, name))
    if old is None:
        if kind != "missing":
            raise ChangedUnderUs("/boot/%s, missing when planned, is now %s"
                                 % (name, kind))
    elif kind != "a symlink" or now != old:
        raise ChangedUnderUs("/boot/%s is now %s, not the symlink to %s it "
                             "was when planned" % (
                                 name, "a symlink to " + now if now else kind,
                                 old))
    _require_target_file(boot, name, new, "now, not the kernel file planned")


def after_rename(boot, name, new):
    """Refuse when link `name` is not `new`, or its target is no file."""
    now, kind = _kind(os.path.join(boot, name))
    if now != new:
        raise ChangedUnderUs("/boot/%s is %s right after its rename, not the "
                             "symlink to %s" % (
                                 name, "a symlink to " + now if now else kind,
                                 new))
    _require_target_file(boot, name, new, "right after the rename")


def links_now(boot, names):
    """'name -> target' for each link as it is now, for the message."""
    shown = []
    for name in names:
        now, kind = _kind(os.path.join(boot, name))
        shown.append("%s -> %s" % (name, now) if now else "%s is %s"
                     % (name, kind))
    return "; ".join(shown)
