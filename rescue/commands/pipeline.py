"""The one pipeline of rollback and undo: prepare, then print or execute.

prepare() reads the facts, inspects them, chooses the plan and makes every
check the real run makes before its first rename. The dry run prints what
it returns; the real run takes the locks, prepares again on /boot as it is
then, and executes that plan. Refusals and Ctrl-C go back to cli as values.
"""
from rescue.act import apply
from rescue.host.bootscan import boot_dir
from rescue.errors import EXIT_OK, Interrupted, Refusal, Refused
from rescue.host.gather import refresh_boot
from rescue.commands.boundary import load_facts
from rescue.core.plan import (choose_rollback, choose_undo, is_noop,
                              landing_problems, plan_problems)
from rescue.core.records import record
from rescue.show.report import to_json
from rescue.show.change import change_document, change_text
from rescue.core.report import inspect_host

# command: "rollback" or "undo"; dry_run, as_json: the flags; wait: seconds
# to wait for another run's lock; any_build: --any-build; to: rollback's
# --to as given, or None
Options = record("Options", "command dry_run wait as_json any_build to")


def choose(facts, report, options):
    """The command's plan: pure."""
    if options.command == "undo":
        return choose_undo(facts, report)
    return choose_rollback(facts, report, options.to)


def prepare(source, options, facts=None):
    """(facts, report, plan), the plan checked as the real run checks it.

    facts: read already (/boot read again under the lock); else read from
    source. Refused when no plan is safe, CannotChange when the plan would
    fail half-way.
    """
    if facts is None:
        facts = load_facts(source)
    report = inspect_host(facts, any_build=options.any_build)
    plan = choose(facts, report, options)
    if not is_noop(plan):
        if source.snapshot:             # a replay has no mounts to look at
            plan_problems(facts, plan)
        else:
            apply.preflight(boot_dir(source.root), facts, plan)
    return facts, report, plan


def carry_out(source, options, moved):
    """The real run: (report, Result) of the plan prepared under the locks.

    rpm's transaction lock is held too (shared): nothing is moved while an
    rpm transaction runs, and none starts until the links are moved.
    """
    facts, report, plan = prepare(source, options)
    if is_noop(plan):
        return report, apply.Result(plan, False, None, ())
    with apply.locked(facts.root, facts.dbpath, options.wait) as directory:
        # /boot and the journal again: a concurrent run never acts on stale
        # ones; rpm's answers stay valid, so rpm is asked nothing twice
        facts, report, plan = prepare(source, options, refresh_boot(facts))
        if is_noop(plan):
            return report, apply.Result(plan, False, None, ())
        return report, apply.execute(facts, plan, directory, moved)


def run_change(source, options, out):
    """The command's whole life from facts to text; EXIT_OK, a Refusal or
    an Interrupted (after_change once a link has moved)."""
    moved = []                          # names of the links renamed so far
    try:
        return _run_change(source, options, out, moved)
    except KeyboardInterrupt:
        return Interrupted(bool(moved))


def _run_change(source, options, out, moved):
    try:
        if options.dry_run:
            _, report, plan = prepare(source, options)
            result = apply.Result(plan, False, None, ())
        else:
            report, result = carry_out(source, options, moved)
    except Refused as refusal:
        return Refusal(options.command, options.dry_run, options.as_json,
                       refusal)
    plan = result.plan
    warnings = landing_problems(plan, report) + result.warnings
    if options.as_json:
        print(to_json(change_document(plan, options.dry_run, result.changed,
                                      result.backup, warnings)),
              file=out)
    else:
        print(change_text(plan, options.dry_run, result.changed, result.backup,
                          warnings), file=out)
    return EXIT_OK
