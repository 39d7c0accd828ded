"""`check`: is it safe to reboot? Exit 0 yes, 1 no."""
from rescue.errors import EXIT_OK, EXIT_UNSAFE, UsageError
from rescue.commands.boundary import load_report, print_report, source_of

# imported while rpm answers (load_report)
RENDERING = ("rescue.show.report", "rescue.show.console")

NAME = "check"
HELP = "is it safe to reboot? exit 0 yes, 1 no"
MORE_EXIT_CODES = (
    "\n  check --nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (plugin rules)")


def add_arguments(parser):
    from rescue.cmdline.options import COMMAND_FLAGS
    from rescue.cmdline.parser import add_options
    add_options(parser, COMMAND_FLAGS[NAME])


def run(args, out):
    if args.quiet and (args.json or args.nagios):
        raise UsageError("--quiet and %s cannot be used together"
                         % ("--json" if args.json else "--nagios"))
    if args.nagios:
        return run_nagios(args, out)
    report = load_report(source_of(args), args.any_build, RENDERING)[1]
    if not args.quiet:
        from rescue.show.report import check_text
        print_report(report, args.json, out, check_text)
    return EXIT_OK if report.ok else EXIT_UNSAFE


def run_nagios(args, out):
    from rescue.show.nagios import nagios_result
    if args.json:
        raise UsageError("--nagios and --json cannot be used together")
    code, line = nagios_result(load_report(source_of(args),
                                           args.any_build)[1])
    print(line, file=out)
    return code
