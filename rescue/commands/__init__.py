"""One module per command: NAME, HELP, add_arguments(parser), run(args, out)."""


def add_change_arguments(parser):
    parser.add_argument("--dry-run", action="store_true",
                        help="check everything and print the exact plan; "
                             "write nothing, take no lock")
    parser.add_argument("--wait", metavar="SECONDS", type=float, default=0.0,
                        help="wait this long for another run's lock "
                             "(default: fail at once)")
