"""`snapshot`: save this host's /boot and packages as JSON, to replay anywhere."""

NAME = "snapshot"
HELP = "print /boot and packages as JSON (replay them: --snapshot)"


def add_arguments(parser):
    pass


def run(args, out):
    from rescue.commands.boundary import source_of
    from rescue.show.report import to_json
    from rescue.host.snapshot import take_snapshot
    source = source_of(args)
    document = take_snapshot(source.root, source.dbpath, source.running,
                             source.packages, source.timeout,
                             source.firmware)
    print(to_json(document), file=out)
    return 0
