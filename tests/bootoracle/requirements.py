"""What the oracle needs on this machine, and a clean skip where it is missing."""
import os
import shutil
import subprocess

import pytest

from tests.bootoracle import image, qemu

COMMON = [qemu.QEMU, "mke2fs", "gcc"]
NEEDS = {"extlinux": ["extlinux", "mount", "umount"],
         "grub": ["grub-mkimage"], "grub-uefi": ["grub-mkimage"]}
FILES = {"extlinux": [image.MBR_BIN] + [
    os.path.join(image.SYSLINUX_MODULES, n) for n in image.C32],
         "grub": [os.path.join(image.GRUB_DIR, "boot.img")],
         "grub-uefi": [os.path.join(image.GRUB_DIR, "boot.img")]}


def missing(loader):
    """Why the oracle cannot boot with `loader` here, or None."""
    tools = [t for t in COMMON + NEEDS[loader] if not shutil.which(t)]
    if tools:
        return "needs %s (tests/run installs them)" % ", ".join(tools)
    files = [f for f in FILES[loader] if not os.path.exists(f)]
    if files:
        return "needs %s" % ", ".join(files)
    if loader == "extlinux":
        if os.geteuid() != 0:
            return "extlinux --install needs root (a loop mount)"
        if not os.path.exists("/dev/loop-control"):
            return "extlinux --install needs loop devices"
    if not _gcc_m32():
        return "gcc cannot build -m32 freestanding code here"
    return None


_M32 = []


def _gcc_m32():
    if not _M32:
        done = subprocess.run(["gcc", "-m32", "-ffreestanding", "-c", "-x", "c",
                               "-o", os.devnull, "-"], input=b"int x;",
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        _M32.append(done.returncode == 0)
    return _M32[0]


def skip_unless_available(loader):
    reason = missing(loader)
    if reason:
        pytest.skip("boot loader oracle: " + reason)
