"""Read the boot loader's files and the markers that say what boots next.

The gather side of bootloader.py and layouts.py: which config the firmware
reads (extlinux, grub for BIOS, grub for UEFI), its grubenv, and the files
beside /boot that keep a next boot from coming up with OVS.
"""
import os
import stat

from rescue import bootloader
from rescue.bootdir import Unresolved, resolve_in_root
from rescue.bootfacts import Markers
from rescue.bootloader import BootLoaderFiles
from rescue.errors import CannotInspect
from rescue.files import read_untrusted

EXTLINUX = "/boot/extlinux.conf"
GRUB_BIOS = "/boot/grub/grub.cfg"
GRUB_UEFI = "/boot/efi/EFI/xenserver/grub.cfg"
MAX_CONFIG_BYTES = 1024 * 1024
REGENERATE_DIR = "/var/lib/rpm-state"
REGENERATE_PREFIXES = ("regenerate-initrd-kernel-alt-", "regenerate-initrd-")
REBOOT_REQUIRED_DIR = "/run/reboot-required.d/kernel"
NETWORK_CONF = "/etc/xensource/network.conf"
FIRMWARES = ("bios", "uefi")


def find_in_root(root, path):
    """root/path with its links followed inside root, if a regular file."""
    try:
        parts, mode = resolve_in_root(root, (), path)
    except Unresolved:
        return None
    return os.path.join(root, *parts) if stat.S_ISREG(mode) else None


def choose_config(root, firmware=None, live=False):
    """(path inside root, kind, note) of the config the firmware reads."""
    found = {path: find_in_root(root, path)
             for path in (EXTLINUX, GRUB_BIOS, GRUB_UEFI)}
    if firmware is None and live:
        firmware = "uefi" if os.path.isdir("/sys/firmware/efi") else "bios"
    note = None
    if firmware is None and found[GRUB_UEFI] and found[GRUB_BIOS]:
        firmware = "uefi"
        note = ("both %s and %s exist; read the UEFI one, as XenServer's "
                "tools do (pass --firmware bios or uefi)"
                % (GRUB_BIOS, GRUB_UEFI))
    order = {"uefi": (GRUB_UEFI,), "bios": (GRUB_BIOS, EXTLINUX),
             None: (GRUB_UEFI, GRUB_BIOS, EXTLINUX)}[firmware]
    for path in order:
        if found[path]:
            kind = bootloader.EXTLINUX if path == EXTLINUX else \
                bootloader.GRUB
            return path, found[path], kind, note
    return None, None, None, note


def read_boot_loader(root, firmware=None, live=False):
    """BootLoaderFiles: the config the firmware reads, and its grubenv."""
    path, full, kind, note = choose_config(root, firmware, live)
    if path is None:
        return BootLoaderFiles(None, None, None, None, note)
    text = _text(full, "boot loader config")
    env_text = None
    if kind == bootloader.GRUB:
        env_path = find_in_root(root, os.path.dirname(path) + "/grubenv")
        if env_path:
            env_text = _text(env_path, "grubenv")
    return BootLoaderFiles(path, kind, text, env_text, note)


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
    """The openvswitch module modules.dep names for release, or None."""
    dep = find_in_root(root, "/lib/modules/%s/modules.dep" % release)
    if dep is None:
        return None
    try:
        data = read_untrusted(dep, 64 * 1024 * 1024, "modules.dep",
                              follow=False)
    except CannotInspect:
        return None
    first = None        # a full kernel's modules.dep is ~0.5 MB: find, not
    for name in MODPROBE_NAMES:     # split it into lines on the hot path
        at = _module_line(data, name)
        if at is not None and (first is None or at < first):
            first = at
    if first is None:
        return None
    line = data[first:data.find(b":", first)].decode("utf-8", "replace")
    module = line.strip()
    if not module.startswith("/"):
        module = "/lib/modules/%s/%s" % (release, module)
    return module


MODPROBE_NAMES = (b"openvswitch.ko", b"openvswitch.ko.xz",
                  b"openvswitch_mod.ko")


def _module_line(data, name):
    """Where the first line naming module file `name` before its `:`
    starts in modules.dep, or None."""
    at = data.find(name + b":")
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        if at == start or data[at - 1:at] == b"/":
            return start
        at = data.find(name + b":", at + 1)
    return None
