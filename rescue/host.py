"""From command-line options to a report: gather once, then decide."""
from rescue.facts import default_running, gather
from rescue.report import inspect_host


def running_kernel(args):
    if args.running_kernel is not None:
        return args.running_kernel
    return default_running(args.root)


def load_facts(args):
    """The facts of the host, or of the snapshot replayed instead of it."""
    if args.snapshot:
        from rescue.snapshot import replay_facts
        return replay_facts(args.snapshot, args.running_kernel)
    return gather(args.root, args.dbpath, running_kernel(args),
                  args.packages, args.timeout, args.firmware)


def load_report(args):
    facts = load_facts(args)
    return facts, inspect_host(facts, any_build=args.any_build)


def print_report(args, out, text):
    """Print the report as JSON or with `text(report, colour)`; return it."""
    from rescue.render import report_document, to_json
    from rescue.textout import use_colour
    _, report = load_report(args)
    if args.json:
        print(to_json(report_document(report)), file=out)
    else:
        print(text(report, use_colour(out)), file=out)
    return report
