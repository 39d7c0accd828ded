"""`check`: is it safe to reboot? Exit 0 yes, 1 no."""
from rescue.errors import EXIT_OK, EXIT_UNSAFE, UsageError
from rescue.host import load_report, print_report
from rescue.render import check_text

NAME = "check"
HELP = "is it safe to reboot? exit 0 yes, 1 no"


def add_arguments(parser):
    parser.add_argument("--nagios", action="store_true",
                        help="one monitoring-plugin line; exit 0 OK, "
                             "1 WARNING, 2 CRITICAL, 3 UNKNOWN")


def run(args, out):
    if args.nagios:
        return run_nagios(args, out)
    report = print_report(args, out, check_text)
    return EXIT_OK if report.ok else EXIT_UNSAFE


def run_nagios(args, out):
    from rescue.nagios import nagios_result
    if args.json:
        raise UsageError("--nagios and --json cannot be used together")
    code, line = nagios_result(load_report(args)[1])
    print(line, file=out)
    return code
