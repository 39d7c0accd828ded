"""`preflight`: would rpm -U of these packages leave both kernels with OVS?"""
from rescue.errors import EXIT_OK, EXIT_UNSAFE

NAME = "preflight"
HELP = "would rpm -U of PACKAGE... keep OVS? exit 0 go, 1 no-go"
EXIT_CODES = """\
exit codes: 0 go, 1 no-go, 2 usage error
  3  cannot inspect: an unreadable package, rpm failing, no RPM database
preflight changes nothing, ever."""


def add_arguments(parser):
    from rescue.core.preflight import WARNINGS
    parser.add_argument("package_files", nargs="+", metavar="PACKAGE|DIR",
                        help="RPM files, or directories of them: userspace "
                             "and the module packages of each kernel")
    parser.add_argument("--accept", metavar="WARNING", action="append",
                        type=warning_names, default=[],
                        help="go despite these warnings, comma-separated "
                             "or repeated: %s" % ", ".join(WARNINGS))


def warning_names(text):
    import argparse
    from rescue.core.preflight import WARNINGS
    names = [name for name in text.split(",") if name]
    unknown = [name for name in names if name not in WARNINGS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            "%r is not a warning (warnings: %s)"
            % (",".join(unknown) or text, ", ".join(WARNINGS)))
    return names


def run(args, out):
    from rescue.errors import UsageError
    from rescue.commands.boundary import source_of
    from rescue.commands.preflight_run import run_preflight
    if args.snapshot or args.packages:
        raise UsageError("preflight reads the host's own RPM database: "
                         "%s cannot stand in for it" % (
                             "--snapshot" if args.snapshot else "--packages"))
    source = source_of(args)
    accepted = {name for names in args.accept for name in names}
    preflight = run_preflight(source, args.package_files, accepted,
                              args.any_build)
    from rescue.show.preflight import preflight_document, preflight_text
    if args.json:
        from rescue.show.report import to_json
        print(to_json(preflight_document(preflight)), file=out)
    else:
        import os
        from rescue.show.console import use_colour
        print(preflight_text(preflight, use_colour(out, os.environ)),
              file=out)
    return EXIT_OK if preflight.ok else EXIT_UNSAFE
