"""The one executor that writes: move the boot links as a plan says.

Everything that can fail is tried before the first rename, so a failure
leaves /boot as it was; the two renames run back to back.
"""
import os
import signal
import stat
import time
from contextlib import contextmanager

from rescue.core.records import record

from rescue.act import atomic, linkcheck, lock
from rescue.host import statedir
from rescue.host.bootscan import boot_dir
from rescue.errors import CannotChange, PartlyChanged
from rescue.host.untrusted import open_regular
from rescue.core.naming import link_target_release
from rescue.core.plan import plan_problems

MIN_FREE_BYTES = 64 * 1024

Result = record("Result", "plan changed backup warnings")


def preflight(boot, facts, plan):
    """Refuse, before anything is written, what would fail half-way."""
    plan_problems(facts, plan)
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
    """The state directory, made if needed: ours, 0755, a real directory."""
    directory = statedir.state_dir(boot)
    created = False
    try:
        os.mkdir(directory, statedir.DIR_MODE)
        created = True
    except FileExistsError:
        pass
    except OSError as error:
        raise CannotChange("cannot create %s: %s" % (directory,
                                                     error.strerror))
    info = os.lstat(directory)
    if not stat.S_ISDIR(info.st_mode):
        raise CannotChange("state directory %s is not a directory; move it "
                           "away" % directory)
    statedir.check_owner(directory, info, os.geteuid(), CannotChange)
    if stat.S_IMODE(info.st_mode) != statedir.DIR_MODE:
        try:                                    # a umask, or an older 0700
            os.chmod(directory, statedir.DIR_MODE)
        except OSError as error:
            raise CannotChange("cannot chmod %s: %s" % (directory,
                                                        error.strerror))
    return directory, created


@contextmanager
def locked(root, dbpath, wait=0.0):
    """The state directory, with the run's lock and rpm's (shared) held.

    A state directory made here goes again if a CannotChange leaves the
    block: nothing was renamed, so /boot is as it was.
    """
    directory, created = _ensure_state_dir(boot_dir(root))
    fd = lock.acquire(os.path.join(directory, statedir.LOCK), wait)
    rpm_locks = []
    try:
        try:
            rpm_locks = lock.hold_rpm_lock(root, dbpath, wait)
            yield directory
        except CannotChange:
            if created:
                _remove_state_dir(directory)
            raise
    finally:
        lock.release(rpm_locks)
        os.close(fd)


def execute(facts, plan, directory, moved):
    """Carry the plan out, the locks held (locked): the only writes.

    moved: a list the names of the renamed links are appended to, so that
    a Ctrl-C after the first rename is known to have come too late.
    """
    boot = boot_dir(facts.root)
    atomic.sweep(boot)
    atomic.sweep(directory)
    with _interrupts_ignored():
        return _carry_out(boot, directory, plan, facts.journal or (), moved)


class _interrupts_ignored:
    """Ctrl-C cannot stop a change half-way; a kill is a crash (journal)."""

    def __enter__(self):
        self.previous = signal.signal(signal.SIGINT, signal.SIG_IGN)

    def __exit__(self, *exc):
        signal.signal(signal.SIGINT, self.previous)


def _carry_out(boot, directory, plan, changes, moved):
    original = changes
    change, changes = _record(plan, changes)
    if change is None:
        try:
            _write_journal(directory, changes)
        except OSError as error:
            raise CannotChange("cannot write the journal in %s: %s; nothing "
                               "changed" % (directory, error.strerror))
        return Result(plan, True, None, tuple(_log(directory, changes[-1])))
    temps = []
    try:
        for name, _, new in plan.links:
            temps.append((atomic.make_temp_symlink(boot, new), name))
        _write_journal(directory, changes)
    except OSError as error:
        for temp, _ in temps:
            atomic.remove_quietly(temp)
        raise CannotChange("cannot write to %s: %s; nothing changed"
                           % (getattr(error, "filename", None) or boot,
                              error.strerror))
    renamed = 0
    try:
        for name, old, new in plan.links:       # all as planned, then each
            linkcheck.before_rename(boot, name, old, new)
        for (temp, name), (_, old, new) in zip(temps, plan.links):
            linkcheck.before_rename(boot, name, old, new)
            os.rename(temp, os.path.join(boot, name))
            renamed += 1
            moved.append(name)
            linkcheck.after_rename(boot, name, new)
    except linkcheck.ChangedUnderUs as what:
        for temp, _ in temps[renamed:]:
            atomic.remove_quietly(temp)
        names = [name for name, _, _ in plan.links]
        if renamed == 0:
            _forget(directory, original)
            raise CannotChange("another program changed /boot: %s; nothing "
                               "changed: run ovs-rescue check" % what)
        raise PartlyChanged("another program changed /boot while the links "
                            "moved: %s; stopped, links now: %s; run "
                            "ovs-rescue check" % (what, linkcheck.links_now(
                                boot, names)))
    except OSError as error:
        for temp, _ in temps[renamed:]:
            atomic.remove_quietly(temp)
        if renamed == 0:
            _forget(directory, original)
            raise CannotChange("rename in %s failed: %s; nothing changed"
                               % (boot, error.strerror))
        raise PartlyChanged("rename of %s failed after %s moved: %s; the "
                            "boot pair is mixed: run ovs-rescue rollback "
                            "again" % (temps[renamed][1], temps[0][1],
                                       error.strerror))
    warnings = []
    try:
        atomic.fsync_dir(boot)
    except OSError as error:
        warnings.append("fsync of %s failed: %s" % (boot, error.strerror))
    if temps:
        _verify(boot, plan)
    done = change._replace(state=statedir.DONE)
    try:
        _write_journal(directory, changes[:-1] + (done,))
    except OSError as error:
        warnings.append("could not mark change %s done: %s; the links are "
                        "right, rollback will finish the record"
                        % (change.id, error.strerror))
    warnings.extend(_log(directory, done))
    return Result(plan, True, done.id, tuple(warnings))


def _forget(directory, changes):
    """Put the journal back as it was: no link moved after all."""
    try:
        _write_journal(directory, changes)
    except OSError:
        pass                # a started record no link matches: check says so


def _record(plan, changes):
    """The change to journal, and the journal with it as the last entry."""
    if plan.finishes:
        change = changes[-1]
        return change, changes
    if changes and changes[-1].state == statedir.STARTED:
        # an interrupted change is over: undone, or abandoned by a rollback
        over = statedir.ABANDONED if plan.abandons else statedir.UNDONE
        changes = changes[:-1] + (changes[-1]._replace(state=over),)
        if not plan.links:          # the pair is already safe: record only
            return None, changes
    change = statedir.Change(
        statedir.new_change_id(), time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                time.gmtime()),
        plan.action, plan.from_release, plan.to_release,
        _recordable(plan.links), statedir.STARTED)
    return change, changes + (change,)


def _recordable(links):
    """The links to journal; an old target the journal may not hold (not a
    kernel file of /boot) is kept as None: undo then refuses, not guesses."""
    return tuple((name, old if link_target_release(name, old) else None, new)
                 for name, old, new in links)


def _write_journal(directory, changes):
    atomic.write_file(os.path.join(directory, statedir.JOURNAL),
                      statedir.journal_text(changes))


def _verify(boot, plan):
    for name, _, new in plan.links:
        try:
            now = os.readlink(os.path.join(boot, name))
        except OSError as error:
            now = "(%s)" % error.strerror
        if now != new:
            raise PartlyChanged("%s points at %s, not %s after the rename; "
                                "another program changed /boot: run "
                                "ovs-rescue check" % (name, now, new))


def _log(directory, change):
    """One line to the state directory's log and one to syslog."""
    line = "%s %s %s: %s -> %s (%s)" % (
        change.time, change.action, change.id, change.from_release,
        change.to_release, ", ".join("%s: %s -> %s" % l for l in change.links)
        or "record finished")
    warnings = []
    try:
        fd = open_regular(os.path.join(directory, statedir.LOG),
                          os.O_WRONLY | os.O_APPEND | os.O_CREAT, "log",
                          CannotChange, statedir.FILE_MODE)
        with os.fdopen(fd, "a", encoding="utf-8",
                       errors="backslashreplace") as log:
            os.fchmod(fd, statedir.FILE_MODE)
            log.write(line + "\n")
    except CannotChange as error:
        warnings.append("could not write the log: %s" % error)
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
