"""Parse `check` and `status` without building argparse: the hot path.

Anything it does not know for sure (help, --version, another command, an
unknown or abbreviated option, a value that looks like an option or a bad
number) returns None, and argparse (rescue.cmdline.parser) parses instead and
gives its own errors. Both are built from one table, rescue.cmdline.options; a
test proves both give the same values for every argv this accepts.
"""
from rescue.cmdline.options import COMMAND_FLAGS, COMMON, FLAG, SECONDS

# option -> attribute, for the common options that take a value, and flags
_VALUES = {name: option.dest for option in COMMON if option.kind != FLAG
           for name in option.names}
_FLAGS = {name: option.dest for option in COMMON if option.kind == FLAG
          for name in option.names}
_COMMAND_FLAGS = {command: {name: option.dest for option in flags
                            for name in option.names}
                  for command, flags in COMMAND_FLAGS.items()}
# every spelling of a common option, exactly: nothing is abbreviated
COMMON_OPTIONS = frozenset(_VALUES) | frozenset(_FLAGS)


class Args:
    """What argparse's Namespace would hold, as plain attributes."""

    def __init__(self, **values):
        self.__dict__.update(values)

    def __eq__(self, other):
        return vars(self) == vars(other)


def parse_quickly(argv):
    """The values of a check or status command line, or None."""
    values = {option.dest: option.default for option in COMMON}
    values.update(version=None, command=None)
    words = list(argv)
    while words:
        word = words.pop(0)
        name, equals, value = word.partition("=")
        if name in _VALUES:
            if not equals:
                if not words or words[0].startswith("-"):
                    return None
                value = words.pop(0)
            values[_VALUES[name]] = value
        elif equals:
            return None
        elif word in _FLAGS:
            values[_FLAGS[word]] = True
        elif values["command"] is None and word in _COMMAND_FLAGS:
            values["command"] = word
            for flag in _COMMAND_FLAGS[word].values():
                values[flag] = False
        elif values["command"] and word in _COMMAND_FLAGS[values["command"]]:
            values[_COMMAND_FLAGS[values["command"]][word]] = True
        else:
            return None
    if values["command"] is None:
        return None
    for option in COMMON:
        value = values[option.dest]
        if option.kind == SECONDS:
            value = values[option.dest] = _seconds(value)
            if value is None:
                return None
        if option.choices and value != option.default \
                and value not in option.choices:
            return None
    if values["command"] == "check":
        from rescue.commands import check as module
    else:
        from rescue.commands import status as module
    values["handler"] = module.run
    return Args(**values)


def command_index(argv):
    """Where argparse would read the command name in argv, or None."""
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            return index + 1 if index + 1 < len(argv) else None
        if word in _VALUES:
            index += 2
            continue
        if not word.startswith("-"):
            return index
        index += 1
    return None


MAX_SECONDS = 1e6


def number_of_seconds(text, zero=False):
    """text as a finite number of seconds under MAX_SECONDS, or None: more
    than 0 (--timeout), or at least 0 when zero is allowed (--wait). Not
    a number, nan, inf and negatives are None. The one rule for both
    parsers."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    low_enough = value >= 0 if zero else value > 0
    return value if low_enough and value < MAX_SECONDS else None


def _seconds(value):
    """A timeout as parser.seconds takes it, or None to let it complain."""
    if isinstance(value, float):
        return value
    return number_of_seconds(value)
