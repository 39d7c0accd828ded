"""Is a boot file what its role needs, from its first bytes: pure.

The hypervisor is gzip'd or ELF (xen.gz; tboot.gz); the kernel a bzImage,
"HdrS" at 0x202 and the offset of its version string (`uname -r`, then
build details) at 0x20E, counted from 0x200; the initrd gzip, xz or a cpio
archive (an early microcode cpio in front of a compressed one is cpio).
"""
import struct

HEAD_BYTES = 64 * 1024          # the setup header and its version string
GZIP, XZ = b"\x1f\x8b", b"\xfd7zXZ\x00"
CPIO = (b"070701", b"070702", b"070707")


def hypervisor_problem(head, size):
    if size == 0:
        return "is empty"
    if head.startswith(GZIP) or head.startswith(b"\x7fELF"):
        return None
    return "is neither gzip'd nor ELF: not a hypervisor"


def kernel_version(head):
    """The release in a bzImage's version string, or None if none."""
    if len(head) < 0x210 or head[0x202:0x206] != b"HdrS":
        return None
    offset = struct.unpack("<H", head[0x20E:0x210])[0]
    if not offset:
        return None
    text = head[offset + 0x200:].split(b"\0", 1)[0]
    words = text.decode("ascii", "replace").split()
    return words[0] if words else None


def kernel_problem(head, size):
    if size == 0:
        return "is empty"
    if len(head) < 0x210 or head[0x202:0x206] != b"HdrS":
        return "is not a bzImage (no HdrS at 0x202)"
    if kernel_version(head) is None:
        return "has no version string (a damaged bzImage)"
    return None


def initrd_problem(head, size):
    if size == 0:
        return "is empty"
    if head.startswith(GZIP) or head.startswith(XZ) or head[:6] in CPIO:
        return None
    return "is neither gzip, xz nor cpio: not an initrd"


PROBLEMS = {"hypervisor": hypervisor_problem, "kernel": kernel_problem,
            "initrd": initrd_problem}
