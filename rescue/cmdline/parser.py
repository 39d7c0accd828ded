"""The command line as argparse parses it, from the table of options.

The table is rescue.cmdline.options. check and status, the hot path,
are usually parsed by rescue.cmdline.quickparse instead, from the same table; a
test proves both give the same values. Options are exact names only
(allow_abbrev=False): `--nag` is not `--nagios`. Every `-h` fits an 80x24
console; the full text is `ovs-rescue help`.
"""
import argparse

from rescue.errors import UsageError
from rescue.cmdline.options import COMMON, FLAG, SECONDS
from rescue.cmdline.quickparse import command_index

COMMANDS = ("status", "check", "rollback", "undo", "snapshot", "preflight",
            "demo", "help")
# These make no use of the host options and refuse them rather than ignore.
WITHOUT_COMMON_OPTIONS = ("demo", "help")
SHORT_FLAGS = "hqvV"

COMMON_SUMMARY = """\
common options, before or after the command (ovs-rescue help options):
  --root DIR  --dbpath DIR  --packages FILE  --snapshot FILE  --json
  --running-kernel REL  --any-build  -t/--timeout SECONDS  --firmware FW"""

EXIT_CODES = """\
exit codes: 0 ok, 2 usage error (all of them: ovs-rescue help exit-codes)
  1  check: unsafe to reboot; rollback/undo: no safe target, nothing to undo
  3  cannot inspect or cannot change the host (nothing was changed)"""

SHORT_EXIT_CODES = ("exit codes: 0 ok, 1 unsafe or refused, 2 usage error, "
                    "3 cannot inspect/change")
POINTER = "The whole manual, as plain text: ovs-rescue help [TOPIC]"


class _VersionAction(argparse.Action):
    """--version: hashes the zipapp only when asked, not on every run."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from rescue.cmdline.version import version_text
        print(version_text())
        parser.exit()


class _Help(argparse.RawDescriptionHelpFormatter):
    """Help laid out for 80 columns, whatever size the terminal says."""

    def __init__(self, prog):
        super().__init__(prog, width=79, max_help_position=22)


class _Parser(argparse.ArgumentParser):
    def __init__(self, **kwargs):
        super().__init__(allow_abbrev=False, formatter_class=_Help, **kwargs)

    def error(self, message):
        raise UsageError("%s (see %s -h)" % (message, self.prog))

    def _get_values(self, action, arg_strings):
        # `--root=--` reaches an option as ["--"], which argparse (3.6 to
        # 3.11 at least) takes for the end of the options and drops,
        # leaving the value []: it is the value "--", as getopt and the
        # quick parser take it.
        if action.option_strings and action.nargs is None and \
                arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)


def add_options(parser, options, suppress=False):
    """The arguments of these options of the table (rescue.cmdline.options);
    suppress: no default, so that a subcommand's parse keeps the value the
    same option got before the command name."""
    for option in options:
        settings = {"dest": option.dest,
                    "default": argparse.SUPPRESS if suppress
                    else option.default,
                    "help": option.help or argparse.SUPPRESS}
        if option.kind == FLAG:
            settings["action"] = "store_true"
        elif option.kind == SECONDS:
            settings["type"] = seconds
        if option.choices:
            settings["choices"] = option.choices
        parser.add_argument(*option.names, **settings)


def seconds(text):
    """--timeout: a finite number of seconds, more than 0."""
    return _checked_seconds(text, zero=False)


def wait_seconds(text):
    """--wait: a finite number of seconds, 0 (fail at once) or more."""
    return _checked_seconds(text, zero=True)


def _checked_seconds(text, zero):
    from rescue.cmdline.quickparse import MAX_SECONDS, number_of_seconds
    value = number_of_seconds(text, zero)
    if value is None:
        raise argparse.ArgumentTypeError(
            "%r is not a number of seconds (%s, under %d)"
            % (text, "0 or more" if zero else "more than 0", MAX_SECONDS))
    return value


def _epilog(module):
    parts = [getattr(module, "EXIT_CODES",
                     EXIT_CODES + getattr(module, "MORE_EXIT_CODES", "")),
             POINTER]
    if module.NAME not in WITHOUT_COMMON_OPTIONS:
        parts.insert(0, COMMON_SUMMARY)
    return "\n\n".join(parts)


def build_parser():
    from rescue.commands import (check, demo, help as help_, preflight,
                                 rollback, snapshot, status, undo)
    modules = (status, check, rollback, undo, snapshot, preflight, demo,
               help_)
    parser = _Parser(
        prog="ovs-rescue", add_help=False,    # -h listed in usage: a row less
        epilog="%s\n\n%s\n%s" % (COMMON_SUMMARY, SHORT_EXIT_CODES, POINTER),
        usage="ovs-rescue [-h] [-V] [common options] COMMAND [options]",
        description="\n".join(
            ["Keep a XenServer host bootable with its Open vSwitch kernel "
             "module.", "commands:"]
            + ["  %-10s%s" % (m.NAME, m.HELP) for m in modules]))
    parser.add_argument("-h", "--help", action="help", help=argparse.SUPPRESS)
    parser.add_argument("-V", "--version", action=_VersionAction,
                        help="print the version and the zipapp's sha256")
    add_options(parser, COMMON)
    # listed in the description above, one line each, to fit 24 rows
    commands = parser.add_subparsers(dest="command", prog="ovs-rescue",
                                     help=argparse.SUPPRESS)
    for module in modules:
        sub = commands.add_parser(module.NAME, help=module.HELP,
                                  description=module.HELP,
                                  epilog=_epilog(module))
        if module.NAME not in WITHOUT_COMMON_OPTIONS:
            add_options(sub, COMMON, suppress=True)
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    parser.command_parsers = commands.choices
    return parser


def split_short_options(argv):
    """-t5 as -t 5 and -qh as -q -h: Python < 3.8 turns these off along with
    abbreviations (bpo-26967), and monitoring plugins are given -t5."""
    words = []
    for index, word in enumerate(argv):
        if word == "--":
            return words + list(argv[index:])
        if len(word) > 2 and word[0] == "-" and word[1] != "-":
            if word[1] == "t" and word[2] != "=":
                words += ["-t", word[2:]]
                continue
            if all(flag in SHORT_FLAGS for flag in word[1:]):
                words += ["-" + flag for flag in word[1:]]
                continue
        words.append(word)
    return words


def parse_with_argparse(argv):
    argv = split_short_options(argv)
    _refuse_common_options(argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        from rescue.cmdline.suggest import clearer_usage_error
        raise clearer_usage_error(error, argv, parser, COMMANDS) from None
    if not getattr(args, "handler", None):
        raise UsageError("a command is needed: %s (see ovs-rescue -h)"
                         % ", ".join(COMMANDS))
    return args


def _refuse_common_options(argv):
    """demo and help use no host options: refuse them, wherever written."""
    index = command_index(argv)
    if index is None or argv[index] not in WITHOUT_COMMON_OPTIONS:
        return
    from rescue.cmdline.quickparse import COMMON_OPTIONS
    for word in argv[:index] + argv[index + 1:]:
        if word == "--":
            break
        if word.partition("=")[0] in COMMON_OPTIONS:
            raise UsageError("%s does not take %s: %s (see ovs-rescue %s -h)"
                             % (argv[index], word.partition("=")[0],
                                "it builds its own sample host"
                                if argv[index] == "demo" else
                                "it only prints the manual", argv[index]))
