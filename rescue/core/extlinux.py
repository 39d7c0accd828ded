"""What extlinux boots unattended, read as syslinux's ldlinux reads its config: pure.

Modelled on syslinux 6.04 (com32/elflink/ldlinux/readconfig.c and
ldlinux.c), using only what 3.86 (core/parseconfig.inc, core/ui.inc: the
XenServer 5.6-6.x era) does alike: a keyword is matched
without regard to case and ends at any whitespace or control character; a
line ends at its first CR; the later of two lines wins; `default` names a
label by its first word, compared case-sensitively (no such label: a file
name syslinux tries to boot); no `default` and no `ui` means no automatic
boot (very old versions tried `linux`: a LABEL linux is "cannot tell").
`prompt 1` shows `boot:` for `timeout` tenths of a second (0: for
ever), then boots `ontimeout` if set, else the default. `ui` (a menu
module), `totaltimeout`, `menu include` and `include` nested deeper than
MAX_INCLUDE_DEPTH are beyond what is modelled: "cannot tell".
"""
import posixpath
import struct

from rescue.core.records import record

MAX_INCLUDE_DEPTH = 8
KERNEL_TYPES = ("kernel", "linux", "boot", "bss", "pxe", "fdimage",
                "comboot", "com32", "config", "localboot")

# label: its name; kernel: the kernel line (default: the label); append:
# its append line (default: the global one); initrd: its initrd line;
# where: (file, line) of its `label` line; comment: the first `#` line
# in it (the installer's title, as `# XenServer`), or None
Label = record("Label", "label kernel append initrd where comment")

# entry: the Label that boots, or None; how: how it was chosen, or why
# nothing boots; cannot_tell: (file, line, construct) or None
Choice = record("Choice", "entry how cannot_tell")


def is_space(char):
    """syslinux's my_isspace: any byte up to and including space."""
    return char <= " "


def split_words(text):
    """Words separated by syslinux whitespace (TAB and control bytes too)."""
    words, word = [], []
    for char in text:
        if is_space(char):
            if word:
                words.append("".join(word))
                word = []
        else:
            word.append(char)
    if word:
        words.append("".join(word))
    return words


def keyword_of(line):
    """(keyword in lower case, the rest after whitespace) of a config line."""
    at = 0
    while at < len(line) and is_space(line[at]):
        at += 1
    start = at
    while at < len(line) and not is_space(line[at]):
        at += 1
    word = line[start:at]
    while at < len(line) and is_space(line[at]):
        at += 1
    return word.lower(), line[at:]


def _atoi(text):
    """C atoi: leading whitespace, a sign, digits; anything else ends it."""
    text = text.lstrip(" \t\n\v\f\r")
    sign, digits = 1, ""
    if text[:1] in "+-" and text:
        sign, text = (-1 if text[0] == "-" else 1), text[1:]
    for char in text:
        if not char.isdigit():
            break
        digits += char
    return sign * int(digits) if digits else 0


class _CannotTell(Exception):
    def __init__(self, where, construct):
        super().__init__(construct)
        self.where, self.construct = where, construct


class _State(object):
    """What the lines read so far have set, as ldlinux's globals."""

    def __init__(self):
        self.labels, self.current = [], None
        self.default = self.ontimeout = None
        self.default_where = None
        self.append = None
        self.prompt, self.timeout, self.implicit = 0, 0, 1
        self.ui = None

    def record(self):
        if self.current is not None:
            label = self.current
            if label["append"] is None:
                label["append"] = self.append
            self.labels.append(Label(**label))
            self.current = None


def _read(state, path, text, read_include, depth):
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.split("\r", 1)[0]
        where = (path, number)
        keyword, rest = keyword_of(line)
        if keyword.startswith("#"):
            if state.current is not None and state.current["comment"] is None:
                state.current["comment"] = line.strip().lstrip("#").strip() \
                    or None
        elif keyword == "menu":
            sub = keyword_of(rest)[0]
            if sub == "include":
                raise _CannotTell(where, "MENU INCLUDE")
        elif keyword == "include":
            _include(state, path, rest, read_include, depth, where)
        elif keyword == "append":
            if state.current is not None:
                state.current["append"] = rest
            else:
                state.append = rest
        elif keyword == "initrd" and state.current is not None:
            state.current["initrd"] = rest
        elif keyword == "label":
            state.record()
            name = (split_words(rest) or [""])[0]
            state.current = {"label": name, "kernel": name, "append": None,
                             "initrd": None, "where": where,
                             "comment": None}
        elif keyword in KERNEL_TYPES:
            if state.current is not None:
                state.current["kernel"] = keyword + " " + rest
        elif keyword == "timeout":
            state.timeout = _atoi(rest)
        elif keyword == "totaltimeout":
            raise _CannotTell(where, "TOTALTIMEOUT")
        elif keyword == "ontimeout":
            state.ontimeout = (rest, where)
        elif keyword == "default":
            state.default, state.default_where = rest, where
        elif keyword == "ui":
            state.ui = where
        elif keyword == "prompt":
            state.prompt = _atoi(rest)
        elif keyword == "implicit":
            state.implicit = _atoi(rest)


def _include(state, path, rest, read_include, depth, where):
    """INCLUDE file: read in place; a file that cannot be opened is
    skipped, as syslinux skips it."""
    words = split_words(rest)
    if not words:
        return
    target = posixpath.normpath(posixpath.join(posixpath.dirname(path),
                                               words[0]))
    if depth >= MAX_INCLUDE_DEPTH:
        raise _CannotTell(where, "INCLUDE nested deeper than %d"
                          % MAX_INCLUDE_DEPTH)
    if not target.startswith("/boot/"):
        raise _CannotTell(where, "INCLUDE %s (outside /boot)" % words[0])
    text = read_include(target)
    if text is None:
        return
    _read(state, target, text, read_include, depth + 1)


def choose(path, text, read_include=lambda path: None):
    """The Choice extlinux makes unattended from the config at path."""
    state = _State()
    try:
        _read(state, path, text, read_include, 0)
    except _CannotTell as stop:
        return Choice(None, None, stop.where + (stop.construct,))
    state.record()
    if state.ui is not None:
        return Choice(None, None, state.ui + ("UI (a menu module chooses)",))
    try:
        command, how = _command(state)
    except _CannotTell as stop:
        return Choice(None, None, stop.where + (stop.construct,))
    if command is None:
        return Choice(None, how, None)
    return _label_of(state, command, how)


def _command(state):
    """(command line ldlinux boots unattended, how), or (None, why not)."""
    if state.prompt:
        if state.timeout <= 0:
            return None, ("PROMPT 1 with TIMEOUT 0: the boot: prompt waits "
                          "for a key for ever")
        if state.ontimeout is not None:
            return state.ontimeout[0], "ONTIMEOUT"
    elif state.default is None and state.ontimeout is not None \
            and state.timeout > 0:
        return state.ontimeout[0], "ONTIMEOUT"
    if state.default is None:
        if any(label.label == "linux" for label in state.labels):
            raise _CannotTell(state.labels[0].where, "no DEFAULT, and a "
                              "LABEL linux (old syslinux boots it)")
        return None, ("no DEFAULT or UI line: syslinux boots nothing "
                      "unattended")
    return state.default, "DEFAULT"


def _label_of(state, command, how):
    words = split_words(command)
    if not words:
        return Choice(None, "%s is empty: nothing boots" % how, None)
    matches = [l for l in state.labels if l.label == words[0]]
    if len(matches) > 1:
        return Choice(None, None, matches[1].where + (
            "a second LABEL %s" % words[0],))
    if len(words) > 1:
        return Choice(None, None, (matches or [Label(None, None, None, None,
                                                     (None, None), None)])[0].where
                      + ("%s %s with options" % (how, words[0]),))
    if not matches:
        why = ("%s %s names no label; syslinux tries to boot a file of "
               "that name" % (how, words[0]))
        if not state.implicit:
            why = "%s %s names no label (IMPLICIT 0)" % (how, words[0])
        return Choice(None, why, None)
    return Choice(matches[0], how, None)


def mboot_files(label, config_dir):
    """(hypervisor, extras, kernel, initrd, problem) an mboot.c32 entry
    hands over, as written; extras: what a tboot entry loads before Xen."""
    words = split_words(label.kernel or "")
    if len(words) >= 2 and words[0].lower() in KERNEL_TYPES:
        words = words[1:]
    if not words or posixpath.basename(words[0]).lower() != "mboot.c32":
        return None, (), None, None, (
            "the entry %s boots %s, not Xen through mboot.c32"
            % (label.label, words[0] if words else "nothing"))
    parts, part = [], []
    for word in words[1:] + split_words(label.append or ""):
        if word == "---":
            parts.append(part)
            part = []
        else:
            part.append(word)
    parts.append(part)
    files = [p[0] if p else None for p in parts]
    if len(files) == 4 and "tboot" in posixpath.basename(files[0] or ""):
        return files[0], (files[1],), files[2], files[3], None
    if len(files) == 3:
        return files[0], (), files[1], files[2], None
    return files[0], (), None, None, (
        "the entry %s hands mboot.c32 %d files, not Xen, a kernel and an "
        "initrd" % (label.label, len(files)))


ADV_SIZE = 512                       # libinstaller/setadv.h: one copy
ADV_MAGIC1, ADV_MAGIC2, ADV_MAGIC3 = 0x5a2d2fa5, 0xa3041767, 0xdd28bf64
ADV_BOOTONCE = 1


def boot_once(tail):
    """The command `extlinux --once` left in the ADV (the last two sectors
    of ldlinux.sys, `tail`), which syslinux boots before reading any
    DEFAULT, or None. As setadv.c: the first consistent copy counts."""
    for at in (len(tail) - 2 * ADV_SIZE, len(tail) - ADV_SIZE):
        block = tail[at:at + ADV_SIZE] if at >= 0 else b""
        if len(block) == ADV_SIZE and _consistent(block):
            return _tag(block[8:ADV_SIZE - 4], ADV_BOOTONCE)
    return None


def _consistent(block):
    words = struct.unpack("<%dI" % (ADV_SIZE // 4), block)
    total = (ADV_MAGIC2 - sum(words[2:-1])) & 0xffffffff
    return (words[0] == ADV_MAGIC1 and words[-1] == ADV_MAGIC3
            and words[1] == total)


def _tag(data, wanted):
    """The value of tag `wanted` in the ADV's tag, length, value list."""
    at = 0
    while at + 2 <= len(data) and data[at] != 0:
        tag, length = data[at], data[at + 1]
        if tag == wanted:
            return data[at + 2:at + 2 + length].decode("latin-1") or None
        at += 2 + length
    return None
