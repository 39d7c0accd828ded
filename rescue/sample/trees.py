"""Build sample hosts: /boot trees and kernel module files (demo and tests)."""
import gzip
import io
import os
import struct

from rescue.core import naming

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


# A bzImage's real-mode setup: the boot sector, then SETUP_SECTS sectors.
# The setup header's "HdrS" magic is at 0x202; the 16-bit field at 0x20E,
# plus 0x200, is the offset of the NUL-terminated version string
# (`uname -r`, a space, then build details), as `file` reads it.
SETUP_SECTS = 4
_VERSION_AT = 0x400


def kernel_image(release, tag=None, version=None):
    """Bytes of a small bzImage-shaped kernel for `release`.

    Its first bytes name it (`tag`, default "kernel <release>"), so a stub
    hypervisor that prints the first bytes of each module tells which file
    it was handed; `version` is the embedded version string's release
    (default `release`: a kernel whose name tells the truth).
    """
    label = (tag or "kernel %s" % release).encode()[:0x1f0]
    setup = bytearray((SETUP_SECTS + 1) * 512)
    setup[:len(label)] = label
    setup[0x1f1] = SETUP_SECTS
    setup[0x1fe:0x200] = b"\x55\xaa"
    setup[0x202:0x206] = b"HdrS"
    setup[0x206:0x208] = struct.pack("<H", 0x020a)
    setup[0x20e:0x210] = struct.pack("<H", _VERSION_AT - 0x200)
    setup[0x211] = 0x01                          # loadflags: LOADED_HIGH
    text = ("%s (builder@ovs-rescue) #1 SMP" % (version or release)).encode()
    setup[_VERSION_AT:_VERSION_AT + len(text) + 1] = text + b"\0"
    return bytes(setup) + b"\0" * 512


def initrd_image(release, tag=None):
    """Bytes of a gzip'd newc cpio initrd whose gzip FNAME field names it."""
    name = tag or "initrd-%s.img" % release
    body = ("initrd %s\n" % release).encode()
    cpio = _cpio_entry("init", body, 0o100755) + _cpio_entry("TRAILER!!!", b"", 0)
    out = io.BytesIO()
    with gzip.GzipFile(filename=name, mode="wb", fileobj=out, mtime=0) as gz:
        gz.write(cpio)
    return out.getvalue()


def _cpio_entry(name, data, mode):
    """One newc ("070701") cpio member, padded to 4 bytes."""
    encoded = name.encode() + b"\0"
    fields = (0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(encoded), 0)
    head = b"070701" + b"".join(b"%08X" % f for f in fields) + encoded
    head += bytes(-len(head) % 4)
    return head + data + bytes(-len(data) % 4)


# A 5.6-6.2 installer's extlinux.conf: its default entry on the boot links.
STOCK_EXTLINUX = """\
default xe
prompt 1
timeout 50

label xe
  # XenServer
  kernel mboot.c32
  append /boot/xen.gz dom0_mem=752M,max:752M --- /boot/vmlinuz-2.6-xen \
root=LABEL=root-xs042 ro console=hvc0 console=tty0 --- /boot/initrd-2.6-xen.img
"""


def write_file(root, path, data):
    full = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as out:
        out.write(data)
    return full


def write_kernel(root, release, image=True, initrd=True):
    """A kernel image and its initrd in /boot, shaped as real ones (a
    bzImage whose version string is the release, a gzip'd cpio)."""
    if image:
        write_file(root, "/boot/" + naming.image_name(release),
                   kernel_image(release))
    if initrd:
        write_file(root, "/boot/" + naming.initrd_name(release),
                   initrd_image(release))


def hypervisor_image(tag="xen"):
    """Bytes of a gzip'd stand-in hypervisor (xen.gz) whose FNAME names it."""
    out = io.BytesIO()
    with gzip.GzipFile(filename=tag, mode="wb", fileobj=out, mtime=0) as gz:
        gz.write(b"\x7fELF hypervisor %s\n" % tag.encode())
    return out.getvalue()


def write_modules_dep(root, release, modules, absolute=False):
    """/lib/modules/<release>/modules.dep naming these module paths
    (absolute, as module-init-tools writes on CentOS 5, or relative to the
    modules directory, as kmod writes), each without dependencies."""
    directory = "/lib/modules/%s/" % release
    lines = []
    for path in modules:
        if not absolute and path.startswith(directory):
            path = path[len(directory):]
        lines.append("%s:\n" % path)
    lines.append("%skernel/net/bridge/bridge.ko:\n"
                 % (directory if absolute else ""))
    return write_file(root, directory + "modules.dep",
                      "".join(lines).encode())


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


def write_extlinux_files(root):
    """What extlinux's installer leaves in /boot beside its config: the
    boot loader (ldlinux.sys, with its version string), mboot.c32, and
    the hypervisor the entries name."""
    write_file(root, "/boot/ldlinux.sys", b"\xebXEXTLINUX 3.86 2010-04-01 "
               + bytes(64))
    write_file(root, "/boot/mboot.c32", b"mboot.c32\n")
    write_file(root, "/boot/xen.gz", hypervisor_image())
