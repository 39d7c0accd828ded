"""Plain text for an 80-column serial console: wrapping and optional colour."""
import os
import textwrap

WIDTH = 79


def wrap(text, indent=0, hang=2):
    """Lines of text under WIDTH columns; continuation lines hang further in."""
    return textwrap.wrap(text, width=WIDTH, initial_indent=" " * indent,
                         subsequent_indent=" " * (indent + hang),
                         break_on_hyphens=False) or [""]


def field(label, value, indent=2, label_width=8):
    """`label  value` on one line, or the value on the next if too long."""
    line = "%s%-*s %s" % (" " * indent, label_width, label, value)
    if len(line) <= WIDTH:
        return [line]
    return ["%s%s" % (" " * indent, label)] + wrap(value, indent + 2)


def use_colour(stream, environ=os.environ):
    """Colour only for a real terminal that wants it (NO_COLOR, TERM=dumb)."""
    if "NO_COLOR" in environ or environ.get("TERM", "dumb") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def paint(text, good, colour):
    if not colour:
        return text
    return "\033[%sm%s\033[0m" % ("32" if good else "1;31", text)
