"""Disk images of a test root's /boot with extlinux or GRUB installed."""
import os
import shutil
import struct
import subprocess
import tempfile

from rescue.core import extlinux
from tests.bootoracle import stub
from tests.bootoracle.cache import cached, input_key, tool_version

SYSLINUX_MODULES = "/usr/lib/syslinux/modules/bios"
C32 = ("mboot.c32", "libcom32.c32", "libutil.c32", "menu.c32")
MBR_BIN = "/usr/lib/syslinux/mbr/mbr.bin"
GRUB_DIR = "/usr/lib/grub/i386-pc"
GRUB_MODULES = ("biosdisk part_msdos ext2 normal configfile multiboot "
                "multiboot2 gzio xzio serial terminal test search "
                "search_label search_fs_uuid search_fs_file loadenv echo "
                "sleep true regexp halt reboot ls cat").split()
FS_OFFSET = 2048                     # sectors: the partition starts at 1 MiB
FS_LABEL = "root-vgdorj"             # what the fixtures' `search --label` asks
GRUB_PREFIX = {"bios": "/boot/grub", "uefi": "/boot/efi/EFI/xenserver"}


def stage_boot(root, work):
    """A copy of root/boot (links kept) whose hypervisors are tagged stubs."""
    staging = os.path.join(work, "fs")
    os.makedirs(staging)
    shutil.copytree(os.path.join(root, "boot"), os.path.join(staging, "boot"),
                    symlinks=True)
    stubs = set()
    for directory, _, names in os.walk(os.path.join(staging, "boot")):
        for name in names:
            path = os.path.join(directory, name)
            if (name.startswith("xen") and not os.path.islink(path)
                    and os.path.getsize(path) > 0):
                inside = "/" + os.path.relpath(path, staging)
                with open(path, "wb") as out:
                    out.write(stub.tagged_stub(inside, name.endswith(".gz")))
                stubs.add(inside)
    return staging, stubs


def make_fs(staging, path):
    size_kib = 32 * 1024 + _tree_kib(staging)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext3", "-L", FS_LABEL,
                    "-E", "root_owner=0:0", "-d", staging, path,
                    "%dk" % size_kib], check=True, stdout=subprocess.DEVNULL)


def _tree_kib(top):
    total = 0
    for directory, _, names in os.walk(top):
        for name in names:
            path = os.path.join(directory, name)
            if not os.path.islink(path):
                total += os.path.getsize(path)
    return total // 1024 * 2


def install_extlinux(fs_image, work, once=None):
    """extlinux --install on the loop-mounted file system (needs root);
    `once`: the host's boot-once command, set again with --once."""
    mount = os.path.join(work, "mnt")
    os.makedirs(mount)
    subprocess.run(["mount", "-o", "loop", fs_image, mount], check=True)
    try:
        for options in (["--install"],) + ((["--once", once],) if once
                                           else ()):
            subprocess.run(["extlinux"] + options + [
                os.path.join(mount, "boot")], check=True,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        subprocess.run(["umount", mount], check=True)


def write_disk(disk, boot_code, fs_image, gap=b""):
    """MBR with one active partition holding fs_image, `gap` after sector 0."""
    sectors = os.path.getsize(fs_image) // 512
    mbr = bytearray(512)
    mbr[:len(boot_code)] = boot_code
    mbr[446:462] = struct.pack("<B3sB3sII", 0x80, b"\xfe\xff\xff", 0x83,
                               b"\xfe\xff\xff", FS_OFFSET, sectors)
    mbr[510:512] = b"\x55\xaa"
    assert len(gap) <= (FS_OFFSET - 1) * 512
    with open(disk, "wb") as out, open(fs_image, "rb") as fs:
        out.write(bytes(mbr) + gap)
        out.seek(FS_OFFSET * 512)
        shutil.copyfileobj(fs, out, 1 << 20)


def grub_core(prefix):
    """Path of the cached GRUB i386-pc core image for this prefix."""
    key = input_key([os.path.join(GRUB_DIR, "kernel.img")],
                    [prefix, " ".join(GRUB_MODULES),
                     tool_version(["grub-mkimage"])])

    def build(path):
        subprocess.run(["grub-mkimage", "-O", "i386-pc", "-o", path,
                        "-p", "(hd0,msdos1)" + prefix] + GRUB_MODULES,
                       check=True)
    return cached("core.img", key, build)


def host_boot_once(root):
    """The boot-once command of the root's own ldlinux.sys ADV, or None."""
    path = os.path.join(root, "boot", "ldlinux.sys")
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as handle:
        return extlinux.boot_once(handle.read()[-2 * extlinux.ADV_SIZE:])


def extlinux_disk(root, work):
    """(disk image, staging dir, stub paths): extlinux 6.04 on ext3."""
    staging, stubs = stage_boot(root, work)
    for name in C32:
        shutil.copy(os.path.join(SYSLINUX_MODULES, name),
                    os.path.join(staging, "boot", name))
    fs_image = os.path.join(work, "fs.img")
    make_fs(staging, fs_image)
    install_extlinux(fs_image, work, host_boot_once(root))
    with open(MBR_BIN, "rb") as source:
        boot_code = source.read()[:440]
    disk = os.path.join(work, "disk.img")
    write_disk(disk, boot_code, fs_image)
    os.unlink(fs_image)
    return disk, staging, stubs


def grub_disk(root, work, firmware="bios"):
    """(disk image, staging dir, stub paths): GRUB 2 i386-pc on ext3.

    The core sits right after the MBR, where grub-install embeds it; the
    boot sector and diskboot's block list defaults already point there.
    """
    staging, stubs = stage_boot(root, work)
    fs_image = os.path.join(work, "fs.img")
    make_fs(staging, fs_image)
    with open(os.path.join(GRUB_DIR, "boot.img"), "rb") as source:
        boot_code = source.read()[:440]
    with open(grub_core(GRUB_PREFIX[firmware]), "rb") as source:
        core = source.read()
    disk = os.path.join(work, "disk.img")
    write_disk(disk, boot_code, fs_image, gap=core)
    os.unlink(fs_image)
    return disk, staging, stubs


def scratch(parent=None):
    return tempfile.mkdtemp(prefix="oracle-", dir=parent)
