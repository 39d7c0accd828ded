"""Shared by rollback and undo: decide, dry-run or execute, print."""
from rescue import apply
from rescue.errors import EXIT_OK, Refused
from rescue.host import load_facts
from rescue.records import record
from rescue.bootdir import boot_dir
from rescue.plan import NoTarget, is_noop, landing_problems
from rescue.render import to_json
from rescue.report import inspect_host
from rescue.render_change import (change_document, change_text,
                                  refusal_document, refusal_text)


# command: "rollback" or "undo"; dry_run, as_json: the flags; wait: seconds
# to wait for another run's lock; any_build: --any-build
Options = record("Options", "command dry_run wait as_json any_build")



def run_change(source, options, out, decide):
    """decide(facts) -> Plan; the command's whole life from facts to text."""
    facts = load_facts(source)
    try:
        if options.dry_run:
            plan = decide(facts)
            if not is_noop(plan):       # the checks the real run makes
                if source.snapshot:     # a replay has no mounts to look at
                    apply.plan_problems(facts, plan)
                else:
                    apply.preflight(boot_dir(source.root), facts, plan)
            result = apply.Result(plan, False, None, ())
        else:
            result = apply.execute(facts, decide, options.wait)
    except Refused as refusal:
        if not (options.as_json or isinstance(refusal, NoTarget)):
            raise                   # one line on stderr, as any error
        _print_refusal(options, out, refusal)
        return refusal.exit_code
    plan = result.plan
    warnings = landing_problems(plan, inspect_host(facts, options.any_build))
    warnings += result.warnings
    if options.as_json:
        print(to_json(change_document(plan, options.dry_run, result.changed,
                                      result.backup, warnings)),
              file=out)
    else:
        print(change_text(plan, options.dry_run, result.changed, result.backup,
                          warnings), file=out)
    return EXIT_OK


def _print_refusal(options, out, refusal):
    details = getattr(refusal, "details", ())
    if options.as_json:
        print(to_json(refusal_document(options.command, options.dry_run,
                                       str(refusal), details)), file=out)
    else:
        print(refusal_text(str(refusal), details), file=out)
