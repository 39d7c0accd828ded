"""The boundary: command-line options become plain values, facts a report.

argparse's Namespace stops at the command modules: they turn it into a
Source (what to read) and explicit values; everything below takes those.
"""
from rescue.host.gather import default_running, gather
from rescue.core.records import record

# root, dbpath: the host's root and RPM database inside it
# running: the running kernel, or None (unknown; from a snapshot: its own)
# packages: a saved package listing read instead of rpm, or None
# snapshot: a snapshot file replayed instead of the host, or None
# timeout: seconds rpm may take; firmware: "bios", "uefi" or None
# deep: read compressed initrds to their end and module files whole
#   against rpm's digests (status -v), not only their first bytes
Source = record("Source", "root dbpath running packages snapshot timeout "
                          "firmware deep")


def source_of(args):
    """The host (or the snapshot) a command's options name."""
    running = args.running_kernel
    if running is None and not args.snapshot:
        running = default_running(args.root)
    return Source(args.root, args.dbpath, running, args.packages,
                  args.snapshot, args.timeout, args.firmware,
                  bool(getattr(args, "verbose", False)))


def load_facts(source, meanwhile=None):
    """The facts of the host, or of the snapshot replayed instead of it.
    meanwhile(): called while rpm answers (gather), if it is asked."""
    if source.snapshot:
        from rescue.host.snapshot import replay_facts
        return replay_facts(source.snapshot, source.running)
    return gather(source.root, source.dbpath, source.running,
                  source.packages, source.timeout, source.firmware,
                  source.deep, meanwhile)


def load_report(source, any_build, modules=()):
    """(facts, report). The decisions' modules, and those named in
    modules (the command's rendering), are imported while rpm answers."""
    facts = load_facts(source, lambda: imported(
        ("rescue.core.report",) + tuple(modules)))
    from rescue.core.report import inspect_host
    return facts, inspect_host(facts, any_build=any_build)


def imported(names):
    for name in names:
        __import__(name)


def print_report(report, as_json, out, text):
    """Print the report as JSON or with `text(report, colour)`."""
    from rescue.show.report import report_document, to_json
    import os
    from rescue.show.console import use_colour
    if as_json:
        print(to_json(report_document(report)), file=out)
    else:
        print(text(report, use_colour(out, os.environ)), file=out)
