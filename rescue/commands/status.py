"""`status`: every kernel in /boot and whether it can boot with OVS."""
from rescue.host import print_report
from rescue.render import status_text

NAME = "status"
HELP = "every kernel in /boot and whether it can boot with OVS"


def add_arguments(parser):
    pass


def run(args, out):
    print_report(args, out, status_text)
    return 0
