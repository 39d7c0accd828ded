"""Choose what rollback and undo do: pure functions from facts to a plan."""
from rescue.core.records import record
from rescue.core.targets import kernel_choices, resolve_to

from rescue.core import naming
from rescue.errors import CannotChange, Refused
from rescue.core.bootlinks import link_names
from rescue.core.journal import STARTED, interrupted

# action: "rollback" or "undo"; reason: why this plan, one phrase.
# from_release, to_release: the kernel the boot pair names before and after
#   (from_release None: no usable pair).
# links: tuple of (name, old target or None, new target); empty: no change.
# finishes: id of an interrupted change this plan completes, or None.
# undoes: id of the change an undo reverts, or None.
# abandons: id of an interrupted change this plan records as over without
#   finishing it (finishing would not end on a safe pair), or None.
Plan = record("Plan", "action from_release to_release links reason "
                      "finishes undoes abandons", defaults=(None, None, None))


class NoTarget(Refused):
    """No kernel qualifies; `details` says why, kernel by kernel."""

    def __init__(self, message, details=()):
        super().__init__(message)
        self.details = tuple(details)


class NotOurs(NoTarget):
    """The boot links belong to a package: say what to run, move nothing."""


def refuse_unless_ours(report, verb):
    """Where the kernel package owns the links (7.1 on), rollback and undo
    change nothing: exit 1 with the commands that fix what check found."""
    if report.links_ours:
        return
    commands = report.commands or ("(check found nothing to fix)",)
    raise NotOurs("%s, so %s moves nothing; run these instead:"
                  % (report.links_note, verb), list(commands))


def is_noop(plan):
    """True when the plan neither moves a link nor closes a record."""
    return not (plan.links or plan.finishes or plan.undoes or plan.abandons)


def _finish(change, links):
    """Complete an interrupted change: every link to its recorded target."""
    targets = tuple((name, new) for name, _, new in change.links)
    return Plan(change.action, change.from_release, change.to_release,
                _moves(links, targets),
                "finishing %s %s, interrupted before it was recorded as done"
                % (change.action, change.id), finishes=change.id)


def finish_lands_safe(change, links, report):
    """Would finishing the change leave both links on one eligible pair?"""
    targets = dict((name, new) for name, _, new in change.links)
    if not set(targets) <= set(links):
        return False                # recorded for links this host lacks
    releases = {naming.link_target_release(name, targets[name])
                if name in targets else links[name].release
                for name in link_names(links)}
    if len(releases) != 1 or None in releases:
        return False
    kernel = report.kernel(releases.pop())
    return kernel is not None and kernel.eligible


def pair_targets(release, links=None):
    """The relative targets the installer writes for a kernel's pair."""
    image, initrd = link_names(links) if links else naming.BOOT_LINKS
    return ((image, naming.image_name(release)),
            (initrd, naming.initrd_name(release)))


def _moves(links, targets):
    """(name, old, new) for each link not already at its target."""
    return tuple((name, links[name].target, new) for name, new in targets
                 if links[name].target != new)


def choose_rollback(facts, report, to=None):
    """The plan for `rollback [--to REL]` (rules 0 to 5 in docs/design.md)."""
    links = facts.boot.links
    if to is not None:
        to, message = resolve_to(report, to)
        if to is None:
            raise NoTarget(message, kernel_choices(report))
    if not (report.ok and to in (None, report.pending)):
        refuse_unless_ours(report, "rollback")
    change = interrupted(facts.journal or ())
    if (change is not None and to is None
            and finish_lands_safe(change, links, report)):
        return _finish(change, links)
    plan = _choose_rollback(links, report, to)
    if change is not None:
        plan = plan._replace(abandons=change.id, reason=plan.reason + (
            "; interrupted %s %s recorded as abandoned"
            % (change.action, change.id)))
    return plan


def _choose_rollback(links, report, to):
    pending = report.kernel(report.pending) if report.pending else None
    pair_ok = (pending is not None and pending.eligible
               and links[link_names(links)[1]].release == report.pending)
    if pair_ok and to in (None, report.pending):
        return Plan("rollback", report.pending, report.pending, (),
                    "the pending kernel %s is safe and both links point at "
                    "its pair" % report.pending)
    target, reason = _target(report, to)
    return Plan("rollback", report.pending, target,
                _moves(links, pair_targets(target, links)), reason)


def _target(report, to):
    if to is not None:
        kernel = report.kernel(to)
        if not kernel.eligible:
            raise NoTarget("kernel %s is not safe to boot: %s"
                           % (to, "; ".join(kernel.problems)),
                           kernel_choices(report))
        return to, "asked for with --to"
    running = report.kernel(report.running) if report.running else None
    if running is not None and running.eligible:
        return running.release, "the running kernel, which has OVS"
    if report.eligible:
        return (report.eligible[0].release,
                "the newest safe kernel (the running one is not safe)"
                if running else "the newest safe kernel")
    details = ["%s: %s" % (k.release, "; ".join(k.problems))
               for k in report.kernels]
    if any(k.other_build for k in report.kernels):
        details.append("some kernels have modules of another OVS build: "
                       "--any-build accepts them (userspace %s and the "
                       "datapath would then differ)" % report.ovs_build)
    raise NoTarget("no kernel is safe to boot with OVS %s; nothing changed"
                   % report.ovs_build, details)


def choose_undo(facts, report=None):
    """The plan for `undo`: put back the links the last change replaced."""
    if report is not None:
        refuse_unless_ours(report, "undo")
    changes = facts.journal or ()
    if not changes:
        raise Refused("nothing to undo: no change on record in "
                      "/boot/.ovs-rescue")
    change = changes[-1]
    links = facts.boot.links
    if change.state == STARTED and change.action == "undo":
        # an undo cut short: running undo again means finishing it
        return _finish(change, links)
    for name, old, new in change.links:
        if name not in links:
            raise Refused("change %s moved %s, which the next boot entry "
                          "does not use; not undoing" % (change.id, name))
        current = links[name].target
        if current not in (old, new):
            raise Refused("%s changed since change %s (now %s); not undoing"
                          % (name, change.id, current))
        if old is None:
            raise Refused("cannot undo change %s: %s had no target before"
                          % (change.id, name))
    targets = tuple((name, old) for name, old, _ in change.links)
    return Plan("undo", change.to_release, change.from_release,
                _moves(links, targets),
                "undoing %s %s" % (change.action, change.id),
                undoes=change.id)


def landing_problems(plan, report):
    """Warnings when a plan moves the boot pair to a kernel that is not safe.

    Usually an undo of a rollback: it puts back the kernel that lacked its
    module. Allowed, as asked, but never silently.
    """
    if not plan.links:
        return ()
    kernel = report.kernel(plan.to_release) if plan.to_release else None
    if kernel is not None and kernel.eligible:
        return ()
    why = "; ".join(kernel.problems) if kernel else "no usable kernel pair"
    return ("the boot pair goes to %s, which is NOT safe to boot with OVS "
            "(%s); check will say UNSAFE, ovs-rescue rollback repoints it"
            % (plan.to_release or "(none)", why),)


def plan_problems(facts, plan):
    """Refuse a plan that the boot facts say would fail or do harm: a link
    name held by something that is not a symlink (a file, a directory),
    or a target that is not a kernel file of /boot. Pure."""
    boot = facts.boot
    image = link_names(boot.links)[0]
    for name, _, new in plan.links:
        if boot.links[name].present and boot.links[name].target is None:
            raise CannotChange("/boot/%s is not a symlink; move it aside "
                               "(mv /boot/%s /boot/%s.orig), then run again; "
                               "nothing changed" % (name, name, name))
        release = naming.link_target_release(name, new)
        files = boot.images if name == image else boot.initrds
        if release not in files:
            raise CannotChange("target /boot/%s is not a file; nothing "
                               "changed" % new.rsplit("/", 1)[-1])
