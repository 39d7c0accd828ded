"""Fixture roots for the oracle cases: a safe and an unsafe kernel, configs."""
import os
import struct
from typing import Callable, NamedTuple, Optional, Tuple

from rescue.core import extlinux
from rescue.sample import trees as sample
from tests import generations as gen
from tests.hosts import K835, K847, Kernel

GOOD, BAD = K835, K847               # GOOD has its OVS module, BAD none
GOOD8, BAD8 = gen.XS8_UNAME, "4.19.999+1"
XEN = "/boot/xen.gz"


class Case(NamedTuple):
    name: str
    loader: str                      # extlinux, grub, grub-uefi
    build: Callable                  # build(root, rpm_factory)
    safe: tuple                      # releases the fixture gave OVS, or
                                     # (kernel, initrd) pairs it calls safe
    expect: Optional[Tuple[str, str, str]]   # what boots; None: nothing
    running: Optional[str] = None


def image(release):
    return "/boot/vmlinuz-%s" % release


def initrd(release):
    return "/boot/initrd-%s.img" % release


def booted(release, xen=XEN):
    return (xen, image(release), initrd(release))


def write(root, path, data):
    if isinstance(data, str):
        data = data.encode()
    return sample.write_file(root, path, data)


def link(root, path, target):
    full = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    if os.path.lexists(full):
        os.unlink(full)
    os.symlink(target, full)


def ensure_hypervisor(root, path=XEN):
    """A hypervisor file where the fixture has none (the oracle stubs it)."""
    if not os.path.lexists(os.path.join(root, path.lstrip("/"))):
        write(root, path, b"xen\n")


# -- extlinux ---------------------------------------------------------------

def ext_entry(label, kernel, ramdisk, xen=XEN, comment=None):
    text = "label %s\n" % label
    if comment:
        text += "  # %s\n" % comment
    return text + ("  kernel mboot.c32\n  append %s dom0_mem=752M --- %s ro "
                   "--- %s\n\n" % (xen, kernel, ramdisk))


GOOD_ENTRY = ext_entry("good", image(GOOD), initrd(GOOD))
BAD_ENTRY = ext_entry("bad", image(BAD), initrd(BAD))


def extlinux_root(root, factory, config, files=(), once=None):
    """A 6.2 host: GOOD with its module, BAD without; this extlinux.conf;
    `extlinux --once` of the label `once`."""
    gen.xs62_host(root, factory, [Kernel(GOOD), Kernel(BAD, module_build=None)],
                  GOOD)
    ensure_hypervisor(root)
    write(root, "/boot/extlinux.conf", config)
    for path, data in files:
        (link if isinstance(data, Link) else write)(root, path, data)
    if once:
        with_boot_once(root, once)
    return root


def syslinux_adv(*tags):
    """Two copies of a syslinux ADV holding (tag, value) pairs, as
    `extlinux --once` writes it at the end of ldlinux.sys."""
    data = b"".join(bytes([t, len(v)]) + v for t, v in tags)
    body = data.ljust(extlinux.ADV_SIZE - 12, b"\0")
    words = struct.unpack("<%dI" % (len(body) // 4), body)
    check = (extlinux.ADV_MAGIC2 - sum(words)) & 0xffffffff
    block = struct.pack("<II", extlinux.ADV_MAGIC1, check) + body + \
        struct.pack("<I", extlinux.ADV_MAGIC3)
    return block * 2


def with_boot_once(root, label):
    """ldlinux.sys of root with `extlinux --once label` in its ADV."""
    full = os.path.join(root, "boot/ldlinux.sys")
    with open(full, "rb") as handle:
        head = handle.read()
    write(root, "/boot/ldlinux.sys", head.ljust(4096, b"\0")
          + syslinux_adv((extlinux.ADV_BOOTONCE, label.encode())))


class Link(str):
    """A symlink target in a case's extra files."""


def ext_case(name, config, expect, files=(), safe=(GOOD,), once=None):
    return Case(name, "extlinux",
                lambda r, f: extlinux_root(r, f, config, files, once),
                safe, expect, GOOD)


# -- GRUB -------------------------------------------------------------------

def grub_entry(title, kernel, ramdisk, xen=XEN, extra=""):
    return ("menuentry '%s'%s {\n\tmultiboot2 %s dom0_mem=7584M\n"
            "\tmodule2 %s ro\n\tmodule2 %s\n}\n" % (
                title, extra, xen, kernel, ramdisk))


G_GOOD = grub_entry("good", image(GOOD8), initrd(GOOD8))
G_BAD = grub_entry("bad", image(BAD8), initrd(BAD8))


def grub_head(default):
    return ("serial --unit=0 --speed=115200\nterminal_input serial console\n"
            "terminal_output serial console\nset default=%s\n"
            "set timeout=1\n" % default)


def grubenv(lines, header=True, newline="\n", final=True, pad=True):
    text = ("# GRUB Environment Block" + newline) if header else ""
    text += newline.join(lines) + (newline if final and lines else "")
    if pad:
        text += "#" * (1024 - len(text))
    return text


def distinct_fallback(root):
    """The install-time initrd copy, if any, its loaded bytes naming it: both
    loaders hand an initrd over unpacked, its gzip name gone, and the copy
    would be told from the initrd it was made of by nothing else."""
    if os.path.lexists(os.path.join(root, "boot/initrd-fallback.img")):
        write(root, "/boot/initrd-fallback.img",
              sample.initrd_image("fallback", tag="initrd-fallback.img"))
    return root


def grub_root(root, factory, config, env=None, files=()):
    """An 8.3 host: GOOD8 from the kernel package, BAD8 without a module."""
    distinct_fallback(gen.xs8_host(root, factory))
    sample.write_file(root, image(BAD8), sample.kernel_image(BAD8))
    sample.write_file(root, initrd(BAD8), sample.initrd_image(BAD8))
    write(root, "/boot/grub/grub.cfg", config)
    if env is not None:
        write(root, "/boot/grub/grubenv", env)
    for path, data in files:
        (link if isinstance(data, Link) else write)(root, path, data)
    return root


def grub_case(name, config, expect, env=None, files=()):
    return Case(name, "grub",
                lambda r, f: grub_root(r, f, config, env, files),
                (GOOD8,), expect, GOOD8)
