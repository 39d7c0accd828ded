"""Command line: parse, dispatch, and make every error one line."""
import os
import sys

from rescue.errors import (EXIT_CANNOT, EXIT_OK, Interrupted, Refusal,
                           RescueError, UsageError)
from rescue.core.naming import is_release
from rescue.zipmain import archive_damage, say_damaged


def parse(argv):
    """The command's values: quickly for check and status, else argparse."""
    from rescue.cmdline.quickparse import parse_quickly
    args = parse_quickly(argv)
    if args is None:
        from rescue.cmdline.parser import parse_with_argparse
        args = parse_with_argparse(argv)
    if args.running_kernel is not None and not is_release(
            args.running_kernel):
        raise UsageError("--running-kernel %r is not a kernel release (like "
                         "2.6.32.43-0.4.1.xs1.8.0.847.170785xen)"
                         % args.running_kernel)
    if not os.path.isabs(args.dbpath):
        raise UsageError("--dbpath %r is not an absolute path: it is the "
                         "database's place inside --root, e.g. /var/lib/rpm "
                         "(see ovs-rescue help options)" % args.dbpath)
    if args.snapshot:
        from rescue.host.snapshot import check_replay_options
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
        code = Interrupted(after_change=False)
    if isinstance(code, Interrupted):
        code = interrupted(code)
    out.flush()
    if out.failure:
        say("ovs-rescue: could not print the result (%s); exit code %d "
            "stands" % (out.failure, code))
    return code


def interrupted(interruption):
    """The exit code of a run cut short by Ctrl-C, said on stderr."""
    if interruption.after_change:       # the change was made and recorded
        say("ovs-rescue: interrupted after the boot links moved; the "
            "change is complete (ovs-rescue check shows it)")
        return EXIT_OK
    say("ovs-rescue: interrupted")
    return 130


def run_command(argv, out):
    try:
        args = parse(argv)
        code = args.handler(args, out)
        if isinstance(code, Refusal):
            return refused(code, out)
        return code
    except RescueError as error:
        if wants_nagios(argv):        # a monitoring plugin: UNKNOWN, exit 3
            from rescue.show.nagios import UNKNOWN, unknown_line
            print(unknown_line(error), file=out)
            return UNKNOWN
        say("ovs-rescue: error: %s" % error)
        if "--json" in argv:          # a script reads stdout: say it there too
            from rescue.show.report import to_json
            print(to_json(error_document(error)), file=out)
        return error.exit_code
    except Exception as error:  # never a traceback on a rescue console
        if os.environ.get("OVS_RESCUE_DEBUG"):
            raise
        damage = archive_damage(error)
        if damage:
            return say_damaged(*damage)
        say("ovs-rescue: internal error: %s: %s (set OVS_RESCUE_DEBUG=1 "
            "for a traceback)" % (type(error).__name__, error))
        return EXIT_CANNOT


def refused(refusal, out):
    """Print a refused change, as its one renderer says; its exit code."""
    from rescue.show.change import refusal_output
    text, error = refusal_output(refusal)
    if error is not None:
        say("ovs-rescue: error: %s" % error)
    if text is not None:
        print(text, file=out)
    return refusal.error.exit_code


def wants_nagios(argv):
    """True when the caller is a monitoring system: --nagios, or a word
    meant as it (`--nag`, `--nagios=1`), which is a usage error but must
    still be a plugin line: a plain exit 2 would read as CRITICAL."""
    return any(len(word.partition("=")[0]) >= 5
               and "--nagios".startswith(word.partition("=")[0])
               for word in argv)


def error_document(error):
    """What --json prints when a run fails without a result of its own."""
    return {"ok": False, "error": str(error), "exit_code": error.exit_code}


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
