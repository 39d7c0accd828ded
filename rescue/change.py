"""Shared by rollback and undo: decide, dry-run or execute, print."""
from rescue import apply
from rescue.errors import EXIT_OK, Refused
from rescue.host import load_facts
from rescue.bootdir import boot_dir
from rescue.plan import NoTarget, is_noop, landing_problems
from rescue.render import to_json
from rescue.report import inspect_host
from rescue.render_change import (change_document, change_text,
                                  refusal_document, refusal_text)


def run_change(args, out, decide):
    """decide(facts) -> Plan; the command's whole life from facts to text."""
    facts = load_facts(args)
    try:
        if args.dry_run:
            plan = decide(facts)
            if not is_noop(plan):       # the checks the real run makes
                if args.snapshot:       # a replay has no mounts to look at
                    apply.plan_problems(facts, plan)
                else:
                    apply.preflight(boot_dir(args.root), facts, plan)
            result = apply.Result(plan, False, None, ())
        else:
            result = apply.execute(facts, decide, args.wait)
    except Refused as refusal:
        if not (args.json or isinstance(refusal, NoTarget)):
            raise                   # one line on stderr, as any error
        _print_refusal(args, out, refusal)
        return refusal.exit_code
    plan = result.plan
    warnings = landing_problems(plan, inspect_host(facts, args.any_build))
    warnings += result.warnings
    if args.json:
        print(to_json(change_document(plan, args.dry_run, result.changed,
                                      result.backup, warnings)),
              file=out)
    else:
        print(change_text(plan, args.dry_run, result.changed, result.backup,
                          warnings), file=out)
    return EXIT_OK


def _print_refusal(args, out, refusal):
    details = getattr(refusal, "details", ())
    if args.json:
        print(to_json(refusal_document(args.command, args.dry_run,
                                       str(refusal), details)), file=out)
    else:
        print(refusal_text(str(refusal), details), file=out)
