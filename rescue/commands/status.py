"""`status`: every kernel in /boot and whether it can boot with OVS."""
from rescue.commands.boundary import load_report, print_report, source_of


NAME = "status"
HELP = "every kernel in /boot and whether it can boot with OVS"


def add_arguments(parser):
    from rescue.cmdline.options import COMMAND_FLAGS
    from rescue.cmdline.parser import add_options
    add_options(parser, COMMAND_FLAGS[NAME])


def run(args, out):
    from rescue.show.status import status_text, status_verbose_text
    report = load_report(source_of(args), args.any_build)[1]
    print_report(report, args.json, out,
                 status_verbose_text if args.verbose else status_text)
    return 0
