"""`status`: every kernel in /boot and whether it can boot with OVS."""
from rescue.host import load_report, print_report, source_of


NAME = "status"
HELP = "every kernel in /boot and whether it can boot with OVS"


def add_arguments(parser):
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="every kernel's files, package and problems, "
                             "notes, and files in /boot that are ignored "
                             "(default: one screen of 24 rows)")


def run(args, out):
    from rescue.render_status import status_text, status_verbose_text
    report = load_report(source_of(args), args.any_build)[1]
    print_report(report, args.json, out,
                 status_verbose_text if args.verbose else status_text)
    return 0
