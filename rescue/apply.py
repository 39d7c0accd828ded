"""The one executor that writes: move the boot links as a plan says.

Everything that can fail is tried before the first rename, so a failure
leaves /boot as it was; the two renames run back to back.
"""
import os
import stat
import time
from collections import namedtuple

from rescue import atomic, journal, lock
from rescue.bootdir import boot_dir
from rescue.errors import CannotChange
from rescue.facts import refresh_boot
from rescue.plan import is_noop

MIN_FREE_BYTES = 64 * 1024

Result = namedtuple("Result", "plan changed backup warnings")


def preflight(boot, plan):
    """Refuse, before anything is written, what would fail half-way."""
    for _, _, new in plan.links:
        path = os.path.join(boot, new)
        try:
            regular = stat.S_ISREG(os.lstat(path).st_mode)
        except OSError:
            regular = False
        if not regular:
            raise CannotChange("target %s is not a file; nothing changed"
                               % path)
    try:
        fs = os.statvfs(boot)
    except OSError as error:
        raise CannotChange("cannot stat %s: %s" % (boot, error.strerror))
    if fs.f_flag & os.ST_RDONLY:
        raise CannotChange("%s is on a read-only file system; remount it "
                           "read-write (mount -o remount,rw)" % boot)
    if not os.access(boot, os.W_OK):
        raise CannotChange("%s is not writable (permission denied); run "
                           "as root" % boot)
    if fs.f_bavail * fs.f_frsize < MIN_FREE_BYTES:
        raise CannotChange("%s has less than %d KiB free; free some space"
                           % (boot, MIN_FREE_BYTES // 1024))


def _ensure_state_dir(boot):
    directory = journal.state_dir(boot)
    created = False
    try:
        os.mkdir(directory, 0o700)
        created = True
    except FileExistsError:
        pass
    except OSError as error:
        raise CannotChange("cannot create %s: %s" % (directory,
                                                     error.strerror))
    info = os.lstat(directory)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        raise CannotChange("state directory %s is not a directory owned by "
                           "this user; move it away" % directory)
    return directory, created


def execute(facts, decide, wait=0.0):
    """Lock, re-decide on /boot as it is then, and carry the plan out.

    `decide(facts)` is the pure choice; /boot and the journal are read again
    once the lock is held, so that concurrent runs never act on stale ones.
    """
    boot = boot_dir(facts.root)
    plan = decide(facts)
    if is_noop(plan):
        return Result(plan, False, None, ())
    preflight(boot, plan)
    directory, created = _ensure_state_dir(boot)
    fd = lock.acquire(os.path.join(directory, journal.LOCK), wait)
    try:
        facts = refresh_boot(facts)
        plan = decide(facts)
        if is_noop(plan):
            return Result(plan, False, None, ())
        preflight(boot, plan)
        atomic.sweep(boot)
        atomic.sweep(directory)
        try:
            return _carry_out(boot, directory, plan, facts.journal or ())
        except CannotChange:
            if created:
                _remove_state_dir(directory)
            raise
    finally:
        os.close(fd)


def _carry_out(boot, directory, plan, changes):
    change, changes = _record(plan, changes)
    temps = []
    try:
        for name, _, new in plan.links:
            temps.append((atomic.make_temp_symlink(boot, new), name))
        _write_journal(directory, changes)
    except OSError as error:
        for temp, _ in temps:
            os.unlink(temp)
        raise CannotChange("cannot write to %s: %s; nothing changed"
                           % (getattr(error, "filename", None) or boot,
                              error.strerror))
    try:
        for temp, name in temps:            # back to back, nothing between
            os.rename(temp, os.path.join(boot, name))
    except OSError as error:
        raise CannotChange("rename in %s failed: %s; run ovs-rescue "
                           "rollback again" % (boot, error.strerror))
    warnings = []
    try:
        atomic.fsync_dir(boot)
    except OSError as error:
        warnings.append("fsync of %s failed: %s" % (boot, error.strerror))
    _verify(boot, plan)
    done = change._replace(state=journal.DONE)
    try:
        _write_journal(directory, changes[:-1] + (done,))
    except OSError as error:
        warnings.append("could not mark change %s done: %s; the links are "
                        "right, rollback will finish the record"
                        % (change.id, error.strerror))
    warnings.extend(_log(directory, done))
    return Result(plan, True, done.id, tuple(warnings))


def _record(plan, changes):
    """The change to journal, and the journal with it as the last entry."""
    if plan.finishes:
        change = changes[-1]
        return change, changes
    change = journal.Change(
        journal.new_change_id(), time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                               time.gmtime()),
        plan.action, plan.from_release, plan.to_release, plan.links,
        journal.STARTED)
    if changes and changes[-1].state == journal.STARTED:
        # undo of an interrupted change: that one is over, as undone
        changes = changes[:-1] + (changes[-1]._replace(state="undone"),)
    return change, changes + (change,)


def _write_journal(directory, changes):
    atomic.write_file(os.path.join(directory, journal.JOURNAL),
                      journal.journal_text(changes))


def _verify(boot, plan):
    for name, _, new in plan.links:
        now = os.readlink(os.path.join(boot, name))
        if now != new:
            raise CannotChange("%s points at %s, not %s after the rename; "
                               "check /boot" % (name, now, new))


def _log(directory, change):
    """One line to the state directory's log and one to syslog."""
    line = "%s %s %s: %s -> %s (%s)" % (
        change.time, change.action, change.id, change.from_release,
        change.to_release, ", ".join("%s: %s -> %s" % l for l in change.links)
        or "record finished")
    warnings = []
    try:
        fd = os.open(os.path.join(directory, journal.LOG),
                     os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW,
                     0o600)
        with os.fdopen(fd, "a") as log:
            log.write(line + "\n")
    except OSError as error:
        warnings.append("could not write the log: %s" % error.strerror)
    try:
        import syslog
        syslog.openlog("ovs-rescue", 0, syslog.LOG_DAEMON)
        syslog.syslog(syslog.LOG_NOTICE, line)
    except (ImportError, OSError):
        pass
    return warnings


def _remove_state_dir(directory):
    """Undo our own mkdir after a failure, so /boot is as it was."""
    for name in os.listdir(directory):
        os.unlink(os.path.join(directory, name))
    os.rmdir(directory)
