"""Plain text for an 80-column serial console: wrapping and optional colour."""

WIDTH = 79
_WHITESPACE = {ord(c): " " for c in "\t\n\x0b\x0c\r"}


def wrap(text, indent=0, hang=2):
    """Lines of text under WIDTH columns; continuation lines hang further in.

    textwrap.wrap(width=WIDTH, break_on_hyphens=False) by its own algorithm
    (a test holds them equal), without importing textwrap and re at start.
    """
    chunks = _chunks(text.expandtabs().translate(_WHITESPACE))
    chunks.reverse()
    lines = []
    while chunks:
        prefix = " " * (indent + hang if lines else indent)
        width = WIDTH - len(prefix)
        if lines and not chunks[-1].strip():
            del chunks[-1]
        line, size = [], 0
        while chunks and size + len(chunks[-1]) <= width:
            size += len(chunks[-1])
            line.append(chunks.pop())
        if chunks and len(chunks[-1]) > width:      # a word longer than a line
            room = max(width - size, 1)
            line.append(chunks[-1][:room])
            chunks[-1] = chunks[-1][room:]
        if line and not line[-1].strip():
            del line[-1]
        if line:
            lines.append(prefix + "".join(line))
    return lines or [""]


def _chunks(text):
    """Runs of spaces and runs of anything else, in order."""
    chunks, start = [], 0
    for index in range(1, len(text) + 1):
        if index == len(text) or (text[index] == " ") != (text[start] == " "):
            chunks.append(text[start:index])
            start = index
    return chunks


def field(label, value, indent=2, label_width=8):
    """`label  value` on one line, or the value on the next if too long."""
    line = "%s%-*s %s" % (" " * indent, label_width, label, value)
    if len(line) <= WIDTH:
        return [line]
    return ["%s%s" % (" " * indent, label)] + wrap(value, indent + 2)


def use_colour(stream, environ):
    """Colour only for a terminal that wants it, by the conventions: any
    non-empty NO_COLOR turns it off (no-color.org, so NO_COLOR= does not);
    no TERM, an empty TERM or TERM=dumb means plain text."""
    if environ.get("NO_COLOR") or environ.get("TERM", "") in ("", "dumb"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def paint(text, good, colour):
    if not colour:
        return text
    return "\033[%sm%s\033[0m" % ("32" if good else "1;31", text)
