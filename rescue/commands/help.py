"""`help`: the manual as plain text, for a console without man or less."""

NAME = "help"
HELP = "the manual as plain text: ovs-rescue help [TOPIC]"
EXIT_CODES = "exit codes: 0 printed, 2 no such topic"


def add_arguments(parser):
    parser.add_argument("topic", nargs="?", metavar="TOPIC",
                        help="commands, options, exit-codes, json, safety, "
                             "console, nagios, or all (default: the list)")


def run(args, out):
    from rescue.cmdline.manual import help_text
    print(help_text(args.topic), file=out)
    return 0
