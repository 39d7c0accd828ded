"""`rollback`: point the boot pair at a kernel that boots with OVS."""
# Imports of the writing side wait until run(): check and status, which
# load every command module, must start fast.

NAME = "rollback"
HELP = "point the boot links at a kernel that can boot with OVS"


def add_arguments(parser):
    parser.add_argument("--to", metavar="KERNEL",
                        help="this kernel, if it is safe: its release, "
                             "vmlinuz-<release>, or any part of it that "
                             "names one kernel (default: the running "
                             "kernel, else the newest safe one)")
    from rescue.commands import add_change_arguments
    add_change_arguments(parser)


def run(args, out):
    from rescue.commands import run_change_command
    from rescue.core.targets import check_to_option
    check_to_option(args.to)
    return run_change_command(args, out)
