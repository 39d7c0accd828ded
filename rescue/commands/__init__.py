"""One module per command: NAME, HELP, add_arguments(parser), run(args, out)."""


def add_change_arguments(parser):
    parser.add_argument("--dry-run", action="store_true",
                        help="check everything and print the exact plan; "
                             "write nothing, take no lock")
    from rescue.cmdline.parser import wait_seconds
    parser.add_argument("--wait", metavar="SECONDS", type=wait_seconds,
                        default=0.0,
                        help="wait this long for another run's lock "
                             "(default: fail at once)")


def run_change_command(args, out):
    """rollback and undo: their options as plain values, then run_change."""
    from rescue.commands.pipeline import Options, run_change
    from rescue.commands.boundary import source_of
    options = Options(command=args.command, dry_run=args.dry_run,
                      wait=args.wait, as_json=args.json,
                      any_build=args.any_build, to=getattr(args, "to", None))
    return run_change(source_of(args), options, out)
