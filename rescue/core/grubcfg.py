"""What GRUB boots unattended from the straight-line grub.cfg XenServer writes: pure.

The subset modelled, as GRUB 2.06 runs it (grub-core/normal/menu.c): top
level `set default=` / `set timeout=`, terminal and serial commands,
`menuentry` and `submenu` (each one entry, counted in order), and the
boot-config library's two blocks, `if [ -s $prefix/grubenv ]; then
load_env; fi` and `if [ -n "$override_entry" ]; then set
default=$override_entry; fi`. load_env sets every variable of a valid
grubenv (`default` too). `default` is an index when it starts as a number
(C strtoul: `1x` is 1, `010` is 8), else the first entry it is the title
or `--id` of; no match or out of range is entry 0; a `timeout` that is no
number waits at the menu for ever. Anything else that could change the choice
(other conditionals, variables, `configfile`, `source`, submenus chosen,
`saved_entry` / `next_entry`) is "cannot tell", with its line.
"""
from rescue.core.grubenv import Beyond
from rescue.core.records import record

# title, id: of the menuentry; hypervisor: multiboot(2) path; modules:
# module(2) paths in order; kernel, initrd: linux/initrd paths of a
# non-Xen entry; submenu: a submenu; line: its first line; unknown:
# (line, construct) of the first thing in it beyond the subset, or None
GrubEntry = record("GrubEntry", "title id hypervisor modules kernel initrd "
                                "submenu line unknown")

# entry: the GrubEntry that boots, or None; index: its place; how: how it
# was chosen or why nothing boots; cannot_tell: (line, construct) or None
GrubChoice = record("GrubChoice", "entry index how cannot_tell override")

# each line as its words, however they are spaced (no `re`: check's start
# stays fast)
_LOAD_ENV = ("if [ -s $prefix/grubenv ]; then", "load_env", "fi")
_OVERRIDE = ('if [ -n "$override_entry" ]; then',
             "set default=$override_entry", "fi")
HARMLESS = ("serial", "terminal_input", "terminal_output", "terminal",
            "insmod", "loadfont", "echo")
HARMLESS_SETS = ("timeout_style", "gfxmode", "gfxpayload")
ENTRY_HARMLESS = ("insmod", "echo", "load_video", "search")


class _Stop(Exception):
    def __init__(self, line, construct):
        super().__init__(construct)
        self.line, self.construct = line, construct


def words_of(line, number):
    """The words of a grub.cfg line, quotes taken off; a `$`, `;`, `|`,
    `&`, `<`, `>` or backslash outside single quotes stops the reading."""
    words, word, quote, started = [], [], None, False
    for char in line:
        if quote == "'":
            if char == "'":
                quote = None
            else:
                word.append(char)
            continue
        if char == "$" or char == "\\" or (quote is None and char in ";|&<>"):
            raise _Stop(number, "%r in %s" % (char, line.strip()[:40]))
        if quote == '"':
            if char == '"':
                quote = None
            else:
                word.append(char)
        elif char in "'\"":
            quote, started = char, True
        elif char in " \t":
            if word or started:
                words.append("".join(word))
            word, started = [], False
        elif char == "#" and not word and not started:
            break
        else:
            word.append(char)
    if quote:
        raise _Stop(number, "unclosed quote")
    if word or started:
        words.append("".join(word))
    return words


def _block(lines, at, patterns):
    """Do lines[at:] start with the three lines of a known block?"""
    got = [" ".join(l.split()) for l in lines[at:at + 3]]
    return got == list(patterns)


def choose(text, grubenv=None):
    """The GrubChoice of a grub.cfg's text; grubenv: what
    grubenv.read_block made of the block beside it."""
    try:
        variables, entries, override = _run(text.split("\n"), grubenv)
    except _Stop as stop:
        return GrubChoice(None, None, None, (stop.line, stop.construct),
                          None)
    if not entries:
        return GrubChoice(None, None, "no menuentry", None, override)
    timeout = strtoul(variables.get("timeout") or "")
    if timeout is None or timeout >= 2 ** 31:
        return GrubChoice(None, None, "no timeout: GRUB waits at its menu "
                          "for ever", None, override)
    index, how = _default_index(variables.get("default"), entries)
    if index is None:
        return GrubChoice(None, None, None, how, override)
    entry = entries[index]
    if entry.submenu:
        return GrubChoice(None, None, None, (entry.line, "default is the "
                                             "submenu %r" % entry.title),
                          override)
    if entry.unknown:
        return GrubChoice(None, None, None, entry.unknown, override)
    return GrubChoice(entry, index, how, None, override)


def _run(lines, grubenv):
    variables, entries, override, at = {}, [], None, 0
    while at < len(lines):
        number = at + 1
        if _block(lines, at, _LOAD_ENV):
            if isinstance(grubenv, Beyond):
                raise _Stop(number, str(grubenv))
            variables.update(grubenv or {})
            at += 3
            continue
        if _block(lines, at, _OVERRIDE):
            if variables.get("override_entry"):
                variables["default"] = variables["override_entry"]
                override = variables["override_entry"]
            at += 3
            continue
        words = words_of(lines[at], number)
        at += 1
        if not words or words[0] in HARMLESS:
            continue
        if words[0] == "set" and len(words) == 2 and "=" in words[1]:
            name, _, value = words[1].partition("=")
            if name in ("default", "timeout"):
                variables[name] = value
                continue
            if name in HARMLESS_SETS:
                continue
        if words[0] in ("menuentry", "submenu"):
            entry, at = _entry(lines, at, words, number)
            entries.append(entry)
            continue
        raise _Stop(number, " ".join(words)[:40])
    return variables, entries, override


def _entry(lines, at, words, number):
    """A menuentry or submenu from its first line to its closing `}`."""
    if words[-1] != "{":
        raise _Stop(number, "%s without { on its line" % words[0])
    title, ident, options = None, None, words[1:-1]
    skip = False
    for i, word in enumerate(options):
        if skip:
            skip = False
        elif word.startswith("--id="):
            ident = word[len("--id="):]
        elif word in ("--id", "--class", "--users", "--hotkey"):
            skip = True
            if word == "--id" and i + 1 < len(options):
                ident = options[i + 1]
        elif word.startswith("--"):
            continue
        elif title is None:
            title = word
    found = {"title": title or "", "id": ident, "hypervisor": None,
             "modules": [], "kernel": None, "initrd": None,
             "submenu": words[0] == "submenu", "line": number,
             "unknown": None}
    depth = 1
    while at < len(lines) and depth:
        body_number = at + 1
        try:
            body = words_of(lines[at], body_number)
        except _Stop as stop:
            body = lines[at].split()
            found["unknown"] = found["unknown"] or (stop.line, stop.construct)
        at += 1
        depth += body.count("{") - body.count("}")
        if depth <= 0 or not body or found["submenu"]:
            continue
        _entry_line(found, body, body_number)
    if depth:
        raise _Stop(number, "%s %r never closed" % (words[0], title))
    found["modules"] = tuple(found["modules"])
    return GrubEntry(**found), at


def _entry_line(found, body, number):
    paths = [w for w in body[1:] if not w.startswith("--")]
    path = paths[0] if paths else None
    if body[0] in ("multiboot2", "multiboot"):
        found["hypervisor"] = path
    elif body[0] in ("module2", "module"):
        found["modules"].append(path)
    elif body[0] in ("linux", "linux16", "linuxefi"):
        found["kernel"] = path
    elif body[0] in ("initrd", "initrd16", "initrdefi"):
        found["initrd"] = path
    elif body[0] == "search" and _sets_root(body):
        return
    elif body[0] not in ENTRY_HARMLESS or body[0] == "search":
        found["unknown"] = found["unknown"] or (number, " ".join(body)[:40])


def _sets_root(words):
    """Does a `search` line set root (`--set=root`, `--set root`)?"""
    return "--set=root" in words or any(
        a == "--set" and b == "root" for a, b in zip(words, words[1:]))


def _default_index(value, entries):
    """(index, how) GRUB boots for `default`, or (None, (line, construct)),
    as get_entry_number reads it: a number if it starts as one (C strtoul,
    base 0), else the first entry whose title or --id it is."""
    if value is None:
        return 0, "first entry (no default)"
    if ">" in value:
        return None, (None, "default=%s (a submenu path)" % value)
    number = strtoul(value)
    if number is None:
        for index, entry in enumerate(entries):
            if value in (entry.title, entry.id):
                return index, "default (%s %s)" % (
                    "title" if value == entry.title else "--id", value)
        return 0, "default %s names no entry: GRUB boots entry 0" % value
    if number >= 2 ** 31:
        # a long is 32 bits on i386-pc, 64 on x86_64-efi: the int differs
        return None, (None, "default=%s (a number past 2^31)" % value)
    if number < len(entries):
        return number, "default"
    return 0, "default %s is out of range: GRUB boots entry 0" % value


def strtoul(text):
    """GRUB's grub_strtoul(text, 0, 0): the number it starts with (after
    whitespace; 0x: hex, 0: octal), or None for "unrecognized number"."""
    at = 0
    while at < len(text) and text[at] in " \t\n\r":
        at += 1
    base = 10
    if text[at:at + 2] == "0x":
        base, at = 16, at + 2
    elif text[at:at + 1] == "0" and text[at + 1:at + 2] in tuple("01234567"):
        base = 8
    number, found = 0, False
    for char in text[at:]:
        digit = "0123456789abcdef".find(char.lower())
        if digit < 0 or digit >= base:
            break
        number, found = number * base + digit, True
    return number if found else None


def xen_files(entry):
    """(hypervisor, extras, kernel, initrd, problem) a Xen entry loads, as
    written: multiboot2 Xen, then the kernel and initrd modules (tboot:
    multiboot tboot, then Xen as the first module)."""
    mods = list(entry.modules)
    hypervisor = entry.hypervisor
    if hypervisor is None:
        return None, (), entry.kernel, entry.initrd, (
            "the entry %r boots no hypervisor (no multiboot2 line)"
            % entry.title)
    extras = ()
    if "tboot" in hypervisor.rsplit("/", 1)[-1] and len(mods) == 3:
        extras, mods = (mods[0],), mods[1:]
    if len(mods) != 2:
        return hypervisor, extras, (mods or [None])[0], None, (
            "the entry %r loads %d modules, not a kernel and an initrd"
            % (entry.title, len(mods)))
    return hypervisor, extras, mods[0], mods[1], None
