"""What boots next, from the text of the boot loader's files: pure.

extlinux.conf (XenServer 5.6-6.5): `default <label>`, then `label` entries
whose `append` line is `XEN ARGS --- KERNEL ARGS --- INITRD` (a tboot
entry has one part more in front). grub.cfg (7.0 and later): `set
default=` by index or title, `menuentry` blocks with `multiboot2` and two
`module2` lines (kernel, then initrd); once XenServer's boot-config library
has rewritten it, it loads grubenv and lets `override_entry` win.
"""
from rescue import layouts
from rescue.bootfacts import NextBoot
from rescue.records import record

# What was read of the boot loader: the config's path inside the root, its
# kind, its text, the grubenv text beside it (None: none), and a note on
# the choice between configs (None: none).
BootLoaderFiles = record("BootLoaderFiles", "path kind text grubenv note")

# title: the entry's title (grub) or its comment/label (extlinux)
# key: the label (extlinux) or the index among menu entries (grub), as text
# kernel, initrd: the paths it names, or None
Entry = record("Entry", "key title kernel initrd")

# entries: every entry, in order; default: the key or title `default` names
# (None: none); override: True when the config lets grubenv's
# override_entry choose instead
Config = record("Config", "kind entries default override")

EXTLINUX, GRUB = "extlinux", "grub"


class ConfigError(ValueError):
    """The boot loader's file cannot be read as one."""


def parse_extlinux(text):
    """The Config of an extlinux.conf's text."""
    entries, default, current = [], None, None
    for raw in text.splitlines():
        line = raw.strip()
        word, _, rest = line.partition(" ")
        keyword, rest = word.lower(), rest.strip()
        if keyword == "default":
            default = rest.split()[0] if rest else None
        elif keyword == "label":
            current = {"key": rest, "title": rest, "kernel": None,
                       "initrd": None}
            entries.append(current)
        elif current is None:
            continue
        elif line.startswith("#") and current["title"] == current["key"]:
            current["title"] = line.lstrip("#").strip() or current["key"]
        elif keyword == "kernel" and not rest.endswith("mboot.c32"):
            current["kernel"] = rest.split()[0] if rest else None
        elif keyword == "initrd":
            current["initrd"] = rest.split()[0] if rest else None
        elif keyword == "append":
            _mboot_append(current, rest)
    if default is None and entries:
        default = entries[0]["key"]
    return Config(EXTLINUX, tuple(Entry(**e) for e in entries), default,
                  False)


def _mboot_append(entry, rest):
    """mboot.c32's `XEN --- KERNEL ARGS --- INITRD` (tboot: one part more)."""
    parts = [part.split() for part in rest.split(" --- ")]
    if len(parts) >= 3:
        entry["kernel"] = parts[-2][0] if parts[-2] else None
        entry["initrd"] = parts[-1][0] if parts[-1] else None


def parse_grub(text):
    """The Config of a grub.cfg's text (top-level menu entries only)."""
    entries, default, depth, current = [], None, 0, None
    loads_env = override = False
    for raw in text.splitlines():
        line = raw.strip()
        words = _words(line)
        if not words:
            continue
        if words[0] == "menuentry" and depth == 0:
            current = {"key": str(len(entries)), "title": _title(words),
                       "kernel": None, "initrd": None, "modules": []}
            entries.append(current)
        elif words[0] == "submenu":
            current = None
        elif current is not None and words[0] in ("module2", "module"):
            current["modules"].append(words[1] if len(words) > 1 else None)
        elif current is not None and words[0] in ("linux", "linux16"):
            current["kernel"] = words[1] if len(words) > 1 else None
        elif current is not None and words[0] in ("initrd", "initrd16"):
            current["initrd"] = words[1] if len(words) > 1 else None
        elif depth == 0 and words[0] == "load_env":
            loads_env = True
        elif words[0] == "set" and len(words) > 1 and \
                words[1].startswith("default="):
            value = words[1][len("default="):]
            if "override_entry" in value:
                override = loads_env
            elif depth == 0:
                default = value
        depth += line.count("{") - line.count("}")
        if depth == 0:
            current = None
    result = []
    for e in entries:
        modules = e.pop("modules")
        if modules:
            e["kernel"] = modules[0]
            e["initrd"] = modules[1] if len(modules) > 1 else None
        result.append(Entry(**e))
    return Config(GRUB, tuple(result), default, override)


def _words(line):
    """The words of a grub line, quotes removed (enough for grub.cfg)."""
    if line.startswith("#"):
        return []
    words, word, quote = [], [], None
    for char in line:
        if quote:
            if char == quote:
                quote = None
            else:
                word.append(char)
        elif char in "'\"":
            quote = char
        elif char in " \t":
            if word:
                words.append("".join(word))
                word = []
        else:
            word.append(char)
    if word:
        words.append("".join(word))
    return words


def _title(words):
    """The title of `menuentry 'TITLE' [--options] {`."""
    return words[1] if len(words) > 1 and words[1] != "{" else ""


def parse_grubenv(text):
    """key -> value of a grub environment block (`# ...` and padding out)."""
    values = {}
    for line in text.splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key] = value.replace("\\\\", "\\")
    return values


def next_entry(config, grubenv=None):
    """(entry, how it was chosen) that boots next, or (None, why not)."""
    wanted, how = config.default, "default"
    if config.override and grubenv and grubenv.get("override_entry"):
        wanted, how = grubenv["override_entry"], "override_entry"
    if wanted in ("saved", "${saved_entry}", "$saved_entry"):
        wanted = (grubenv or {}).get("saved_entry", "0")
        how = "saved_entry"
    if wanted is None:
        if not config.entries:
            return None, "no boot entry"
        return config.entries[0], "first entry"
    for entry in config.entries:
        if wanted in (entry.key, entry.title):
            return entry, how
    return None, "%s %s names no entry" % (how, wanted)


def next_boot_of(files):
    """NextBoot from the boot loader's files: entry, how chosen, layout."""
    notes = (files.note,) if files.note else ()
    if files.path is None:
        return NextBoot(None, None, None, None, layouts.XS56, notes + (
            "no boot loader config found; assumed XenServer 5.6-6.2's "
            "boot links",))
    config = (parse_extlinux(files.text) if files.kind == EXTLINUX
              else parse_grub(files.text))
    grubenv = parse_grubenv(files.grubenv) if files.grubenv else None
    entry, how = next_entry(config, grubenv)
    fallback = layouts.XS56 if files.kind == EXTLINUX else layouts.XS8
    if entry is None:
        return NextBoot(files.path, files.kind, None, how, fallback, notes)
    layout = layouts.layout_for(files.kind, entry.kernel) or fallback
    override = (grubenv or {}).get("override_entry") if config.override \
        else None
    return NextBoot(files.path, files.kind, entry, how, layout, notes,
                    override or None)
