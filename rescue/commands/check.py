"""`check`: is it safe to reboot? Exit 0 yes, 1 no."""
from rescue.errors import EXIT_OK, EXIT_UNSAFE
from rescue.host import print_report
from rescue.render import check_text

NAME = "check"
HELP = "is it safe to reboot? exit 0 yes, 1 no"


def add_arguments(parser):
    pass


def run(args, out):
    report = print_report(args, out, check_text)
    return EXIT_OK if report.ok else EXIT_UNSAFE
