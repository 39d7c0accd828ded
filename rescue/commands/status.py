"""`status`: every kernel in /boot and whether it can boot with OVS."""
from rescue.host import load_report
from rescue.render import report_document, status_text, to_json
from rescue.textout import use_colour

NAME = "status"
HELP = "every kernel in /boot and whether it can boot with OVS"


def add_arguments(parser):
    pass


def run(args, out):
    _, report = load_report(args)
    if args.json:
        print(to_json(report_document(report)), file=out)
    else:
        print(status_text(report, use_colour(out)), file=out)
    return 0
