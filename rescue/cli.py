"""Command line: argparse and dispatch only; errors become one line."""
import argparse
import os
import sys

from rescue.errors import EXIT_CANNOT, RescueError, UsageError
from rescue.facts import check_release_option
from rescue.rpmdb import DEFAULT_DBPATH
from rescue.run import DEFAULT_TIMEOUT

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
    group.add_argument("-t", "--timeout", metavar="SECONDS", type=_seconds,
                       default=default(DEFAULT_TIMEOUT),
                       help="give up on rpm after this long (default %g)"
                            % DEFAULT_TIMEOUT)


def _seconds(text):
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


def parse(argv):
    args = build_parser().parse_args(argv)
    if not getattr(args, "handler", None):
        raise UsageError("a command is needed: status, check, rollback, "
                         "undo, snapshot, demo (see ovs-rescue --help)")
    check_release_option(args.running_kernel, "--running-kernel")
    if args.snapshot:
        from rescue.snapshot import check_replay_options
        check_replay_options(args.root, args.dbpath, args.packages,
                             args.command, getattr(args, "dry_run", True))
    args.root = os.path.abspath(args.root)    # rpm and the resolver need it
    return args


def exit_now(code):
    """Leave at once with code: no second flush of a broken stdout, no
    atexit work (the entry points of the zipapp and `python -m rescue`)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):   # None when closed
            pass
    os._exit(code)


def main(argv=None, out=None):
    """Run one command; the exit code. Output that cannot be printed (a
    closed pipe, a full disk) never changes the code: what was done or
    found is the answer, and the code says it."""
    argv = sys.argv[1:] if argv is None else argv
    out = Output(sys.stdout) if out is None else out
    try:
        code = run_command(argv, out)
    except KeyboardInterrupt:
        code = 130
        say("ovs-rescue: interrupted")
    out.flush()
    if out.failure:
        say("ovs-rescue: could not print the result (%s); exit code %d "
            "stands" % (out.failure, code))
    return code


def run_command(argv, out):
    try:
        args = parse(argv)
        return args.handler(args, out)
    except RescueError as error:
        if "--nagios" in argv:        # a monitoring plugin: UNKNOWN, exit 3
            from rescue.nagios import UNKNOWN, unknown_line
            print(unknown_line(error), file=out)
            return UNKNOWN
        say("ovs-rescue: error: %s" % error)
        return error.exit_code
    except Exception as error:  # never a traceback on a rescue console
        if os.environ.get("OVS_RESCUE_DEBUG"):
            raise
        say("ovs-rescue: internal error: %s: %s (set OVS_RESCUE_DEBUG=1 "
            "for a traceback)" % (type(error).__name__, error))
        return EXIT_CANNOT


def say(line):
    """One line to stderr, if stderr works; names shown with escapes."""
    try:
        sys.stderr.write(escaped(line) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def escaped(text):
    """text with what the terminal cannot show as backslash escapes: names
    read from disk that are not UTF-8 arrive as surrogates."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class Output:
    """stdout for a command's report: never raises, remembers a failure."""

    def __init__(self, stream):
        self.stream = stream
        self.failure = None if stream is not None else "stdout is closed"

    def write(self, text):
        if self.failure is None:
            try:
                self.stream.write(escaped(text))
            except (OSError, ValueError) as error:
                self._failed(error)
        return len(text)

    def flush(self):
        if self.failure is None:
            try:
                self.stream.flush()
            except (OSError, ValueError) as error:
                self._failed(error)

    def isatty(self):
        try:
            return self.failure is None and self.stream.isatty()
        except (OSError, ValueError):
            return False

    def _failed(self, error):
        # The entry points leave with os._exit, so the interpreter's own
        # flush at exit cannot fail on it again and turn the code into 120.
        self.failure = getattr(error, "strerror", None) or str(error)
