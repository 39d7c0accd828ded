"""From command-line options to a report: gather once, then decide."""
from rescue.facts import default_running, gather
from rescue.report import inspect_host


def running_kernel(args):
    if args.running_kernel is not None:
        return args.running_kernel
    return default_running(args.root)


def load_facts(args):
    return gather(args.root, args.dbpath, running_kernel(args),
                  args.packages)


def load_report(args):
    facts = load_facts(args)
    return facts, inspect_host(facts, any_build=args.any_build)
