"""A usage error made clearer: "did you mean" for a mistyped command or
option. Imported only on that error path (difflib is not free to load)."""
import difflib
import re

from rescue.errors import UsageError
from rescue.cmdline.quickparse import command_index


def clearer_usage_error(error, argv, parser, commands):
    """error, or a clearer UsageError naming the word that is wrong."""
    index = command_index(argv)
    if index is not None and argv[index] not in commands:
        word = argv[index]
        return UsageError("unknown command %r%s (commands: %s)" % (
            word, did_you_mean(word, commands), ", ".join(commands)))
    command = argv[index] if index is not None else None
    known = known_options(parser, command)
    for word in argv:
        if word == "--":
            break
        name = word.partition("=")[0]
        if name.startswith("--") and name not in known:
            where = "of %s" % command if command else "before the command"
            owners = [other for other in sorted(parser.command_parsers)
                      if name in known_options(parser, other)]
            if owners:          # a word of another command, not a typo
                return UsageError("unrecognized option %s %s: it is an "
                                  "option of %s only (see %s -h)" % (
                                      name, where, " and ".join(owners),
                                      " ".join(["ovs-rescue",
                                                command or ""]).strip()))
            abbreviated = [option for option in known
                           if option.startswith(name)]
            return UsageError("unrecognized option %s %s%s (%ssee %s -h)" % (
                name, where, did_you_mean(name, known),
                "options are never abbreviated; " if abbreviated else "",
                " ".join(["ovs-rescue", command or ""]).strip()))
    return error


def did_you_mean(word, choices):
    """'; did you mean X?' for the one choice word abbreviates, or the
    closest one, or ''."""
    starting = [c for c in choices if c.startswith(word)]
    close = starting if len(starting) == 1 else difflib.get_close_matches(
        word, sorted(choices), n=1, cutoff=0.6)
    return "; did you mean %s?" % close[0] if close else ""


def known_options(parser, command):
    """The long options parser and command's parser would accept, read
    from their help (argparse has no public list of them)."""
    text = parser.format_help()
    if command in parser.command_parsers:
        text += parser.command_parsers[command].format_help()
    return set(re.findall(r"--[a-z][a-z-]*", text))
