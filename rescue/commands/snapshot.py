"""`snapshot`: save this host's /boot and packages as JSON, to replay anywhere."""

NAME = "snapshot"
HELP = "print /boot and packages as JSON (replay them: --snapshot)"


def add_arguments(parser):
    pass


def run(args, out):
    from rescue.host import running_kernel
    from rescue.render import to_json
    from rescue.snapshot import take_snapshot
    document = take_snapshot(args.root, args.dbpath, running_kernel(args),
                             args.packages, args.timeout, args.firmware)
    print(to_json(document), file=out)
    return 0
