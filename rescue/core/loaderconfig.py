"""What boots next, from the text of the boot loader's files: pure.

extlinux.conf (XenServer 5.6-6.5) is read by extlinux.py, grub.cfg (7.0
and later) and its grubenv by grubcfg.py and grubenv.py, each as its boot
loader reads it; this module turns their choice into the NextBoot the
rest of the tool works from, or says it cannot tell.
"""
import posixpath

from rescue.core import layouts
from rescue.core.bootlinks import CannotTell, NextBoot, path_in_root
from rescue.core.records import record

_BootLoaderFilesFields = record(
    "BootLoaderFiles", "path kind text grubenv note includes wanted")


class BootLoaderFiles(_BootLoaderFilesFields):
    """What was read of the boot loader."""
    # path: Optional[str]      # the config the firmware reads, inside root
    # kind: Optional[str]      # "extlinux" or "grub"
    # text: Optional[str]      # its text
    # grubenv: Optional[str]   # the grubenv beside it, latin-1 (None: none)
    # note: Optional[str]      # on the choice between configs
    # includes: Optional[Dict[str, str]]  # extlinux INCLUDE path -> text
    # wanted: Optional[str]    # with path None: the config the firmware
    #                          # reads, missing, or why none can be chosen
    __slots__ = ()

    def __new__(cls, path, kind, text, grubenv, note, includes=None,
                wanted=None):
        return super().__new__(cls, path, kind, text, grubenv, note,
                               includes, wanted)


# key: the label (extlinux) or the index among menu entries (grub), as text
# title: the entry's title (grub) or its label (extlinux)
# hypervisor, kernel, initrd: the paths it names, as written, or None
# extras: other files handed over before the kernel (Xen under tboot)
# problem: why the entry cannot boot Xen with a kernel and initrd, or None
Entry = record("Entry", "key title kernel initrd hypervisor extras problem")

EXTLINUX, GRUB = "extlinux", "grub"


# Each parser is imported by the reader of its boot loader: a host has one.
def _extlinux(files):
    from rescue.core import extlinux
    includes = files.includes or {}
    choice = extlinux.choose(files.path, files.text, includes.get)
    if choice.cannot_tell:
        return None, None, CannotTell(*choice.cannot_tell), None
    if choice.entry is None:
        return None, choice.how, None, None
    label = choice.entry
    hypervisor, extras, kernel, initrd, problem = extlinux.mboot_files(
        label, posixpath.dirname(files.path))
    entry = Entry(label.label, label.comment or label.label, kernel, initrd,
                  hypervisor,
                  extras, problem)
    return entry, choice.how, None, None


def _grub(files):
    from rescue.core import grubcfg, grubenv
    env = grubenv.read_block(files.grubenv.encode("latin-1")) \
        if files.grubenv is not None else None
    choice = grubcfg.choose(files.text, env)
    if choice.cannot_tell:
        line, construct = choice.cannot_tell
        return None, None, CannotTell(files.path, line, construct), None
    if choice.entry is None:
        return None, choice.how, None, choice.override
    hypervisor, extras, kernel, initrd, problem = grubcfg.xen_files(
        choice.entry)
    entry = Entry(str(choice.index), choice.entry.title, kernel, initrd,
                  hypervisor, extras, problem)
    how = "override_entry" if choice.override and \
        choice.how.startswith("default") else choice.how
    return entry, how, None, choice.override


def next_boot_of(files):
    """NextBoot from the boot loader's files: entry, how chosen, layout."""
    notes = (files.note,) if files.note else ()
    if files.path is None:
        wanted = files.wanted or "a boot loader config"
        return NextBoot(None, None, None, None, layouts.XS56, notes,
                        cannot_tell=CannotTell(
                            wanted if wanted.startswith("/") else None,
                            None, "missing" if wanted.startswith("/")
                            else wanted))
    read = _extlinux if files.kind == EXTLINUX else _grub
    entry, how, cannot_tell, override = read(files)
    fallback = layouts.XS56 if files.kind == EXTLINUX else layouts.XS8
    if entry is None:
        return NextBoot(files.path, files.kind, None, how, fallback, notes,
                        override, cannot_tell)
    layout = layouts.layout_for(files.kind, entry.kernel) or fallback
    return NextBoot(files.path, files.kind, entry, how, layout, notes,
                    override)
