"""Text and JSON for rollback and undo: verdict first, then each link."""
from rescue.core.plan import NoTarget, is_noop
from rescue.show.report import to_json
from rescue.show.console import field, wrap

# "Cannot %s: ..." for each command that changes the boot pair
VERBS = {"rollback": "roll back", "undo": "undo"}


def change_document(plan, dry_run, changed, backup, problems):
    return {
        "ok": True, "error": None, "changed": changed, "dry_run": dry_run,
        "action": plan.action, "from": plan.from_release,
        "to": plan.to_release, "reason": plan.reason,
        "links": [{"name": n, "old": o, "new": w} for n, o, w in plan.links],
        "backup": backup, "problems": list(problems),
    }


def refusal_document(action, dry_run, message, details):
    """The change document of a refusal: nothing planned, nothing changed."""
    return {
        "ok": False, "error": message, "changed": False, "dry_run": dry_run,
        "action": action, "from": None, "to": None, "reason": None,
        "links": [], "backup": None,
        "problems": [message] + list(details),
    }


def verdict(plan, dry_run, changed):
    if is_noop(plan):
        return "Nothing to do: boot pair is %s" % plan.to_release
    if plan.action == "undo":
        verb = "Would undo" if dry_run else "Undone"
    elif plan.finishes:
        verb = "Would finish" if dry_run else "Finished"
    else:
        verb = "Would roll back" if dry_run else "Rolled back"
    now = "would be" if dry_run else "now"
    return "%s: boot pair %s %s" % (verb, now, plan.to_release)


def change_text(plan, dry_run, changed, backup, problems):
    lines = wrap(verdict(plan, dry_run, changed))
    if plan.from_release != plan.to_release:
        lines += field("was", plan.from_release or "(no usable pair)")
    lines += field("why", plan.reason)
    for name, old, new in plan.links:
        lines += ["  " + name]
        lines += field("old", old or "(none)", indent=4, label_width=6)
        lines += field("new", new, indent=4, label_width=6)
    if backup:
        lines += field("record", "change %s in /boot/.ovs-rescue" % backup)
    if dry_run and plan.links:
        lines += ["", "Nothing was changed (dry run). Links are replaced by "
                  "rename(2), relative,", "as the installer writes them; "
                  "'ovs-rescue undo' puts them back."]
    elif changed and plan.links:
        lines += ["", "To put the old pair back: ovs-rescue undo"]
    for problem in problems:
        lines += wrap("warning: " + problem)
    return "\n".join(lines)


def refusal_output(refusal):
    """What a refused change prints, whichever check refused it:
    (text for stdout or None, error line for stderr or None)."""
    error = refusal.error
    details = getattr(error, "details", ())
    if refusal.as_json:
        return to_json(refusal_document(refusal.action, refusal.dry_run,
                                        str(error), details)), None
    if isinstance(error, NoTarget):     # the kernels, and why each is not
        return refusal_text(refusal.action, str(error), details), None
    return None, str(error)


def refusal_text(action, message, details):
    lines = wrap("Cannot %s: %s" % (VERBS[action], message))
    for detail in details:
        lines += wrap("- " + detail, indent=2)
    return "\n".join(lines)
