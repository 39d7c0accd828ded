"""A GRUB environment block (grubenv), validated as GRUB's load_env reads it: pure.

GRUB opens the block only if it is exactly one 1024-byte block starting
with its signature line; each line after it is `name=value` (a `#` line is
padding). A block with a line that is neither, a CR, or a last line
without its newline is rejected whole ("invalid environment block"): then
load_env sets nothing.
"""
SIGNATURE = b"# GRUB Environment Block\n"
BLOCK_SIZE = 1024


def read_block(data):
    """name -> value of a grubenv's bytes, or None when GRUB rejects it."""
    if data is None or len(data) != BLOCK_SIZE or not data.startswith(
            SIGNATURE) or b"\r" in data:
        return None
    values = {}
    lines = data[len(SIGNATURE):].split(b"\n")
    last = lines.pop()                  # after the final newline: padding
    if last and not last.startswith(b"#"):
        return None
    for line in lines:
        if line.startswith(b"#"):
            continue
        name, equals, value = line.partition(b"=")
        if not equals or not name:
            return None
        values[name.decode("utf-8", "replace")] = _unescape(
            value.decode("utf-8", "replace"))
    return values


def _unescape(value):
    """grub-editenv writes `\\` before `\\` and newlines: take them out."""
    out, escaped = [], False
    for char in value:
        if escaped or char != "\\":
            out.append(char)
            escaped = False
        else:
            escaped = True
    return "".join(out)
