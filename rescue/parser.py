"""The one definition of the command line, with argparse.

check and status, the hot path, are usually parsed by rescue.quickparse
instead; a test proves both give the same values.
"""
import argparse

from rescue.errors import UsageError
from rescue.rpmdb import DEFAULT_DBPATH
from rescue.run import DEFAULT_TIMEOUT

COMMANDS = ("status", "check", "rollback", "undo", "snapshot", "demo")

EPILOG = """\
exit codes:
  0  ok (status: the inspection worked, whatever it found)
  1  check: unsafe to reboot; rollback/undo: no safe target, nothing to undo
  2  usage error
  3  cannot inspect or cannot change the host (nothing was changed)
  check --nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (plugin rules)
"""


class _VersionAction(argparse.Action):
    """--version: hashes the zipapp only when asked, not on every run."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from rescue.build_info import version_text
        print(version_text())
        parser.exit()


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError("%s (see %s --help)" % (message, self.prog))


def _common_options(parser, suppress):
    """Options every command takes, before or after the command name."""
    default = (lambda value: argparse.SUPPRESS) if suppress else (lambda v: v)
    group = parser.add_argument_group("common options")
    group.add_argument("--root", metavar="DIR", default=default("/"),
                       help="the host's root; everything is read below it "
                            "(default /)")
    group.add_argument("--dbpath", metavar="DIR", default=default(DEFAULT_DBPATH),
                       help="RPM database inside the root (default %s)"
                            % DEFAULT_DBPATH)
    group.add_argument("--packages", metavar="FILE", default=default(None),
                       help="read packages from this saved listing instead "
                            "of rpm (rpm -qa --qf, see README)")
    group.add_argument("--snapshot", metavar="FILE", default=default(None),
                       help="replay a host saved by `ovs-rescue snapshot` "
                            "(status, check, --dry-run only)")
    group.add_argument("--running-kernel", metavar="REL",
                       default=default(None),
                       help="the running kernel (default: uname -r when the "
                            "root is /, else unknown)")
    group.add_argument("--any-build", action="store_true",
                       default=default(False),
                       help="count module RPMs of any OVS build, not only "
                            "the installed openvswitch's")
    group.add_argument("--json", action="store_true", default=default(False),
                       help="JSON on stdout (schema_version 1)")
    group.add_argument("--firmware", choices=("bios", "uefi"),
                       default=default(None),
                       help="which boot loader config the firmware reads, "
                            "when a --root has both (default: the live "
                            "host's, else UEFI's, as XenServer's tools)")
    group.add_argument("-t", "--timeout", metavar="SECONDS", type=seconds,
                       default=default(DEFAULT_TIMEOUT),
                       help="give up on rpm after this long (default %g)"
                            % DEFAULT_TIMEOUT)


def seconds(text):
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1e6:
        raise argparse.ArgumentTypeError("%r is not a number of seconds"
                                         % text)
    return value


def build_parser():
    from rescue.commands import (check, demo, rollback, snapshot, status,
                                 undo)
    parser = _Parser(prog="ovs-rescue", epilog=EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter,
                     description="Keep a XenServer host bootable with its "
                                 "Open vSwitch kernel module.")
    parser.add_argument("--version", action=_VersionAction,
                        help="print the version and the zipapp's sha256")
    _common_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (status, check, rollback, undo, snapshot, demo):
        sub = commands.add_parser(
            module.NAME, help=module.HELP, description=module.HELP,
            epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
        _common_options(sub, suppress=True)
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return parser


def parse_with_argparse(argv):
    args = build_parser().parse_args(argv)
    if not getattr(args, "handler", None):
        raise UsageError("a command is needed: status, check, rollback, "
                         "undo, snapshot, demo (see ovs-rescue --help)")
    return args
