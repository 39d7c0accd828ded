"""What the real boot loader boots from a test root: the oracle's one call."""
import shutil

from tests.bootoracle import image, qemu, report

LOADERS = {"extlinux": image.extlinux_disk,
           "grub": image.grub_disk,
           "grub-uefi": lambda root, work: image.grub_disk(root, work, "uefi")}


def boots(root, loader, parent=None):
    """report.Outcome of booting root's /boot with `loader` under qemu."""
    work = image.scratch(parent)
    try:
        disk, staging, stubs = LOADERS[loader](root, work)
        serial, ending = qemu.boot(disk, work)
        return report.outcome(serial, ending, staging, stubs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
