"""Read the boot loader's files and the markers that say what boots next.

The gather side of loaderconfig.py and layouts.py: which config the firmware
reads (extlinux, grub for BIOS, grub for UEFI), its grubenv, and the files
beside /boot that keep a next boot from coming up with OVS.
"""
import os
import stat

from rescue.core import loaderconfig, modulesdep
from rescue.host.bootscan import Unresolved, resolve_in_root
from rescue.core.bootlinks import Markers
from rescue.core.loaderconfig import BootLoaderFiles
from rescue.errors import CannotInspect
from rescue.host.untrusted import read_untrusted

EXTLINUX = "/boot/extlinux.conf"
GRUB_BIOS = "/boot/grub/grub.cfg"
GRUB_UEFI = "/boot/efi/EFI/xenserver/grub.cfg"
MAX_CONFIG_BYTES = 1024 * 1024
REGENERATE_DIR = "/var/lib/rpm-state"
REGENERATE_PREFIXES = ("regenerate-initrd-kernel-alt-", "regenerate-initrd-")
REBOOT_REQUIRED_DIR = "/run/reboot-required.d/kernel"
NETWORK_CONF = "/etc/xensource/network.conf"


def find_in_root(root, path):
    """root/path with its links followed inside root, if a regular file."""
    try:
        parts, mode = resolve_in_root(root, (), path)
    except Unresolved:
        return None
    return os.path.join(root, *parts) if stat.S_ISREG(mode) else None


EXTLINUX_INSTALLED = "/boot/ldlinux.sys"
GRUB_BIOS_INSTALLED = "/boot/grub/i386-pc"


def choose_config(root, firmware=None, live=False):
    """(path inside root, full path, kind, note, wanted) of the config the
    firmware reads; path None when it is missing (wanted names it) or
    cannot be chosen (wanted says why)."""
    found = {path: find_in_root(root, path)
             for path in (EXTLINUX, GRUB_BIOS, GRUB_UEFI)}
    if firmware is None and live:
        firmware = "uefi" if os.path.isdir("/sys/firmware/efi") else "bios"
    note = None
    if firmware is None and found[GRUB_UEFI] and (found[GRUB_BIOS] or
                                                  found[EXTLINUX]):
        firmware = "uefi"
        note = ("both %s and %s exist; read the UEFI one, as XenServer's "
                "tools do (pass --firmware bios or uefi)"
                % (GRUB_BIOS if found[GRUB_BIOS] else EXTLINUX, GRUB_UEFI))
    if firmware == "uefi" or (firmware is None and found[GRUB_UEFI]):
        path, wanted = GRUB_UEFI, None if found[GRUB_UEFI] else (
            GRUB_UEFI)
    else:
        path, wanted = _bios_config(root, found)
    if path is None or found[path] is None:
        return None, None, None, note, wanted or path
    others = [p for p in (EXTLINUX, GRUB_BIOS, GRUB_UEFI)
              if found[p] and p != path]
    if others and note is None:
        note = ("%s is not read by this host's boot loader (it reads %s)"
                % (" and ".join(others), path))
    kind = loaderconfig.EXTLINUX if path == EXTLINUX else loaderconfig.GRUB
    return path, found[path], kind, note, None


def _bios_config(root, found):
    """(config, None) a BIOS boot reads, by which loader is installed, or
    (None, why not)."""
    extlinux = find_in_root(root, EXTLINUX_INSTALLED) is not None
    grub = _is_dir(root, GRUB_BIOS_INSTALLED)
    if extlinux and grub:
        return None, ("both extlinux (%s) and GRUB (%s) are installed; which "
                      "one the disk starts is not visible"
                      % (EXTLINUX_INSTALLED, GRUB_BIOS_INSTALLED))
    if extlinux or (not grub and found[EXTLINUX] and not found[GRUB_BIOS]):
        return EXTLINUX, None
    if grub or (found[GRUB_BIOS] and not found[EXTLINUX]):
        return GRUB_BIOS, None
    if found[EXTLINUX] and found[GRUB_BIOS]:
        return None, ("both %s and %s exist and neither loader's files are "
                      "in /boot" % (EXTLINUX, GRUB_BIOS))
    return None, EXTLINUX + " or " + GRUB_BIOS


def _is_dir(root, path):
    try:
        parts, mode = resolve_in_root(root, (), path)
    except Unresolved:
        return False
    return stat.S_ISDIR(mode)


def read_boot_loader(root, firmware=None, live=False):
    """BootLoaderFiles: the config the firmware reads, and its grubenv."""
    path, full, kind, note, wanted = choose_config(root, firmware, live)
    if path is None:
        return BootLoaderFiles(None, None, None, None, note, None, wanted)
    text = _text(full, "boot loader config")
    env_text, includes = None, None
    if kind == loaderconfig.GRUB:
        env_path = find_in_root(root, os.path.dirname(path) + "/grubenv")
        if env_path:
            env_text = read_untrusted(env_path, MAX_CONFIG_BYTES, "grubenv",
                                      follow=False).decode("latin-1")
    else:
        once = extlinux_boot_once(root)
        if once is not None:
            return BootLoaderFiles(None, None, None, None, note, None, (
                "extlinux --once %r (in the ADV of %s): syslinux boots it "
                "next, once, before its config" % (once, EXTLINUX_INSTALLED)))
        includes = _includes(root, path, text)
        version = extlinux_version(root) if _without_default(
            path, text, includes) else None
        if version:
            note = "; ".join(n for n in (note, version) if n)
    return BootLoaderFiles(path, kind, text, env_text, note, includes)


def _without_default(path, text, includes):
    """Does the config lack DEFAULT and UI, the one place where the
    syslinux versions part (6.04 boots nothing, 3.86 a `linux`)?"""
    from rescue.core import extlinux
    choice = extlinux.choose(path, text, includes.get)
    why = choice.how or (choice.cannot_tell or ("", "", ""))[2]
    return choice.entry is None and "no DEFAULT" in (why or "")


def extlinux_version(root):
    """A note naming the extlinux version in ldlinux.sys, or None: for a
    config without DEFAULT, where the versions do not agree."""
    full = find_in_root(root, EXTLINUX_INSTALLED)
    if full is None:
        return None
    try:
        with open(full, "rb") as handle:
            head = handle.read(128 * 1024)
    except OSError:
        return None
    at = head.find(b"EXTLINUX ")
    words = head[at:at + 40].split() if at >= 0 else []
    if len(words) < 2:
        return None
    version = words[1].decode("ascii", "replace")
    return ("extlinux %s (ldlinux.sys): with no DEFAULT, syslinux 6.04 "
            "boots nothing; older ones may boot a label or file named linux"
            % version)


def extlinux_boot_once(root):
    """The boot-once command in ldlinux.sys's ADV, or None."""
    from rescue.core.extlinux import ADV_SIZE, boot_once
    full = find_in_root(root, EXTLINUX_INSTALLED)
    if full is None:
        return None
    try:
        with open(full, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            handle.seek(max(0, size - 2 * ADV_SIZE))
            return boot_once(handle.read(2 * ADV_SIZE))
    except OSError:
        return None


def _includes(root, path, text, found=None, depth=0):
    """path -> text of every file extlinux's INCLUDE lines could read."""
    from rescue.core.extlinux import MAX_INCLUDE_DEPTH, keyword_of, split_words
    found = {} if found is None else found
    for line in text.split("\n"):
        keyword, rest = keyword_of(line.split("\r", 1)[0])
        words = split_words(rest)
        if keyword != "include" or not words or depth >= MAX_INCLUDE_DEPTH:
            continue
        target = os.path.normpath(os.path.join(os.path.dirname(path),
                                               words[0]))
        if target in found or not target.startswith("/boot/"):
            continue
        full = find_in_root(root, target)
        if full is None:
            continue
        found[target] = _text(full, "INCLUDEd extlinux config")
        _includes(root, target, found[target], found, depth + 1)
    return found


def _text(path, what):
    return read_untrusted(path, MAX_CONFIG_BYTES, what,
                          follow=False).decode("utf-8", "replace")


def read_markers(root):
    """Markers: initrds waiting for dracut, updates waiting for a reboot,
    and the network backend."""
    regenerate = set()
    for name in _names(root, REGENERATE_DIR):
        for prefix in REGENERATE_PREFIXES:
            if name.startswith(prefix):
                regenerate.add(name[len(prefix):])
                break
    pending = tuple(sorted(_names(root, REBOOT_REQUIRED_DIR)))
    backend = None
    path = find_in_root(root, NETWORK_CONF)
    if path:
        try:
            words = _text(path, "network.conf").split()
        except CannotInspect:
            words = []
        backend = words[0] if words else None
    return Markers(frozenset(regenerate), pending, backend)


def _names(root, directory):
    try:
        parts, mode = resolve_in_root(root, (), directory)
    except Unresolved:
        return []
    if not stat.S_ISDIR(mode):
        return []
    try:
        return os.listdir(os.path.join(root, *parts))
    except OSError:
        return []


def modprobe_path(root, release):
    """(the openvswitch module modprobe loads for release, or None; why
    none: None, or that modules.dep is missing or names none)."""
    dep = find_in_root(root, "/lib/modules/%s/modules.dep" % release)
    if dep is None:
        return None, "no /lib/modules/%s/modules.dep" % release
    try:
        data = read_untrusted(dep, 64 * 1024 * 1024, "modules.dep",
                              follow=False)
    except CannotInspect as error:
        return None, str(error)
    module = modulesdep.winning_module(data, release)
    if module is None:
        return None, ("/lib/modules/%s/modules.dep names no openvswitch "
                      "module (depmod never ran?)" % release)
    return module, None
