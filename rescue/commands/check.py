"""`check`: is it safe to reboot? Exit 0 yes, 1 no."""
from rescue.errors import EXIT_OK, EXIT_UNSAFE
from rescue.host import load_report
from rescue.render import check_text, report_document, to_json
from rescue.textout import use_colour

NAME = "check"
HELP = "is it safe to reboot? exit 0 yes, 1 no"


def add_arguments(parser):
    pass


def run(args, out):
    _, report = load_report(args)
    if args.json:
        print(to_json(report_document(report)), file=out)
    else:
        print(check_text(report, use_colour(out)), file=out)
    return EXIT_OK if report.ok else EXIT_UNSAFE
