"""A GRUB environment block (grubenv), read as GRUB 2.06's load_env does: pure.

As grub-core/lib/envblk.c: the file (of any size) must start with the
signature line, else load_env sets nothing. After it, a line starting
with `#` is skipped; anything else runs to the next `=` (across lines: a
line without `=` swallows the next line into its name) and its value to
the next newline not escaped by a backslash. Where no `=` or no newline
follows, the reading stops, keeping what was set before. A CR is an
ordinary byte of the name or value.

What the tool does not model is `Beyond`: a compressed block (GRUB's file
filters may unpack it), or a variable that changes how the next boot
loads (`root`, `superusers`, ...), so only the names in KNOWN count.
"""
SIGNATURE = b"# GRUB Environment Block\n"
BLOCK_SIZE = 1024            # what grub-editenv writes; GRUB reads any size
COMPRESSED = ((b"\x1f\x8b", "gzip"), (b"\xfd7zXZ\x00", "xz"),
              (b"\x89LZO\x00", "lzop"))
# Variables that change nothing between load_env and the boot of the
# default entry (or are what the tool reads: default, timeout, override_entry)
KNOWN = ("override_entry", "default", "timeout", "timeout_style",
         "saved_entry", "next_entry", "prev_saved_entry", "fallback",
         "boot_success", "boot_indeterminate", "boot_once",
         "menu_auto_hide", "menu_show_once", "kernelopts", "tuned_params",
         "tuned_initrd")


class Beyond(str):
    """Why a grubenv is beyond what the tool models (a construct)."""


def read_block(data):
    """name -> value of a grubenv's bytes; None when GRUB ignores it;
    Beyond when what load_env sets cannot be told."""
    if data is None:
        return None
    for magic, kind in COMPRESSED:
        if data.startswith(magic):
            return Beyond("grubenv is %s-compressed" % kind)
    # envblk.c compares the signature and wants sizeof (with its NUL) bytes
    if len(data) <= len(SIGNATURE) or not data.startswith(SIGNATURE):
        return None
    values = {}
    for name, value in _variables(data, len(SIGNATURE)):
        text = name.decode("latin-1")
        if text not in KNOWN and _referable(text):
            return Beyond("grubenv sets %s" % text[:40])
        values[text] = value.decode("latin-1")
    return values


def _variables(data, at):
    """(name, value) pairs as grub_envblk_iterate finds them, unescaped."""
    while at < len(data):
        if data[at:at + 1] == b"#":
            at = _next_line(data, at)
            continue
        equals = data.find(b"=", at)
        if equals < 0:
            return
        value, after = _value(data, equals + 1)
        if value is None:
            return
        # GRUB hands both on as C strings: a NUL ends them
        yield data[at:equals].split(b"\0")[0], value.split(b"\0")[0]
        at = after


def _value(data, at):
    """(the unescaped value from at to its newline, where the next line
    starts), or (None, None) when no newline ends it."""
    out = bytearray()
    while at < len(data):
        byte = data[at:at + 1]
        if byte == b"\n":
            return bytes(out), at + 1
        if byte == b"\\":
            if at + 1 >= len(data):
                break
            out += data[at + 1:at + 2]
            at += 2
        else:
            out += byte
            at += 1
    return None, None


def _next_line(data, at):
    """find_next_line: past the next newline, escaped ones skipped."""
    while at < len(data):
        byte = data[at:at + 1]
        if byte == b"\\":
            at += 2
        elif byte == b"\n":
            break
        else:
            at += 1
    return at + 1


def _referable(name):
    """Could a grub.cfg or GRUB itself read a variable of this name?"""
    return bool(name) and all(c.isalnum() or c == "_" for c in name)
