"""Build sample hosts: /boot trees and kernel module files (demo and tests)."""
import os
import struct

from rescue import naming

_HEADER = {1: "HHIIIIIHHHHHH", 2: "HHIQQQIHHHHHH"}
_SECTION = {1: "IIIIIIIIII", 2: "IIQQQQIIQQ"}
_MACHINE = {1: 3, 2: 62}                        # EM_386, EM_X86_64


def module_elf(vermagic, elf_class=2, big_endian=False, fields=()):
    """A relocatable ELF object whose .modinfo names `vermagic`."""
    endian = ">" if big_endian else "<"
    modinfo = b"".join(f.encode() + b"\0" for f in
                       ("license=GPL",) + tuple(fields) +
                       (("vermagic=%s SMP mod_unload modversions " % vermagic),))
    shstrtab = b"\0.modinfo\0.shstrtab\0"
    header_size = 16 + struct.calcsize(endian + _HEADER[elf_class])
    section_size = struct.calcsize(endian + _SECTION[elf_class])
    modinfo_at = header_size
    shstrtab_at = modinfo_at + len(modinfo)
    shoff = (shstrtab_at + len(shstrtab) + 7) // 8 * 8
    ident = b"\x7fELF" + bytes([elf_class, 2 if big_endian else 1, 1]) + bytes(9)
    header = struct.pack(endian + _HEADER[elf_class], 1, _MACHINE[elf_class],
                         1, 0, 0, shoff, 0, header_size, 0, 0,
                         section_size, 3, 2)
    sections = [
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        (1, 1, 2, 0, modinfo_at, len(modinfo), 0, 0, 1, 0),   # .modinfo
        (10, 3, 0, 0, shstrtab_at, len(shstrtab), 0, 0, 1, 0),  # .shstrtab
    ]
    body = ident + header + modinfo + shstrtab
    body += bytes(shoff - len(body))
    for section in sections:
        body += struct.pack(endian + _SECTION[elf_class], *section)
    return body


def module_path(release, name="openvswitch.ko"):
    """Where OVS 1.7+ module packages put the module for a kernel."""
    return "/lib/modules/%s/extra/openvswitch/%s" % (release, name)


def write_file(root, path, data):
    full = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as out:
        out.write(data)
    return full


def write_kernel(root, release, image=True, initrd=True):
    """A kernel image and its initrd in /boot (contents name the release)."""
    if image:
        write_file(root, "/boot/" + naming.image_name(release),
                   ("kernel %s\n" % release).encode())
    if initrd:
        write_file(root, "/boot/" + naming.initrd_name(release),
                   ("initrd %s\n" % release).encode())


def point_boot_links(root, image_target, initrd_target):
    """Set the boot links to the given targets (None: no link)."""
    boot = os.path.join(root, "boot")
    os.makedirs(boot, exist_ok=True)
    for name, target in ((naming.IMAGE_LINK, image_target),
                         (naming.INITRD_LINK, initrd_target)):
        path = os.path.join(boot, name)
        if os.path.lexists(path):
            os.unlink(path)
        if target is not None:
            os.symlink(target, path)


def point_at(root, release):
    """Boot links at one kernel's pair, relative, as the installer writes."""
    point_boot_links(root, naming.image_name(release),
                     naming.initrd_name(release))
