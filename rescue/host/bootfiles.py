"""Read the files the next boot entry opens, as the boot loader opens them.

Each path of the entry is followed from the root of the boot file system
(subdirectories kept), its links followed inside the root up to the
loader's own limit, and the file at the end checked by its first bytes
(bootimage.py); with deep, a compressed initrd is read to its end, so its
CRC is checked too.
"""
import os
import stat

from rescue.core import bootimage
from rescue.host import filedigest
from rescue.host.bootscan import Unresolved, resolve_in_root
from rescue.core.bootlinks import BootFile, Boots

# Links a loader follows before it gives up: syslinux's fs.c allows 20
# lookups (MAX_SYMLINK_CNT), GRUB's fshelp stops at a nesting of 8.
MAX_LINKS = {"extlinux": 19, "grub": 7}
CHUNK = 1024 * 1024
UNFOLLOWED = "is not a path the tool can follow"


def read_boots(root, next_boot, deep=False):
    """Boots of the next entry, or None when the entry is not known."""
    entry = next_boot.entry
    if entry is None or next_boot.cannot_tell is not None:
        return None
    limit = MAX_LINKS.get(next_boot.loader, 7)

    def one(role, written):
        return boot_file(root, written, next_boot.entry_path(written),
                         role, limit, deep)
    roles = ("hypervisor",) * len(entry.extras) + ("kernel", "initrd")
    modules = [one(role, written) for role, written in
               zip(roles, tuple(entry.extras) + (entry.kernel, entry.initrd))]
    if next_boot.loader == "grub":
        modules = _grub_modules(modules, roles, one)
    return Boots(one("hypervisor", entry.hypervisor), modules[-2],
                 modules[-1], tuple(modules[:-2]))


def _grub_modules(modules, roles, one):
    """The modules as Xen gets them from GRUB: a module2 line whose file
    GRUB cannot open fails on its own and the boot goes on, so each later
    module moves up into the role of the one skipped."""
    opened = [m for m in modules if m.file is not None or m.written is None
              or UNFOLLOWED in (m.problem or "")]
    if len(opened) == len(modules):
        return modules
    why = "; ".join("%s: GRUB skips it" % m.problem for m in modules
                    if m not in opened)
    moved = [one(role, m.written) for role, m in zip(roles, opened)]
    moved += [BootFile(None, None, None, None) for _ in roles[len(moved):]]
    # the first place whose file changed says why
    at = next(i for i, (m, o) in enumerate(zip(moved, modules))
              if m.written != o.written or m.file != o.file)
    moved[at] = moved[at]._replace(problem="; ".join(
        p for p in (why, moved[at].problem) if p))
    return moved


def boot_file(root, written, path, role, max_links, deep=False):
    """The BootFile of one path of the entry (path: inside the root)."""
    if written is None:
        return BootFile(None, None, "the entry names no %s" % role, None)
    if path is None:
        return BootFile(written, None, "%s %s %s" % (role, written,
                                                     UNFOLLOWED), None)
    try:
        parts, mode = resolve_in_root(root, (), path, max_links=max_links)
    except Unresolved as why:
        return BootFile(written, None, "%s %s does not lead to a file: %s"
                        % (role, written, why), None)
    found = "/" + "/".join(parts)
    if not stat.S_ISREG(mode):
        return BootFile(written, None, "%s %s leads to %s, not a regular "
                        "file" % (role, written, found), None)
    full = os.path.join(root, *parts)
    try:
        with open(full, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            head = handle.read(bootimage.HEAD_BYTES)
            problem = bootimage.PROBLEMS[role](head, size)
            if problem is None and deep and role == "initrd":
                problem = _stream_problem(handle, head)
    except OSError as error:
        return BootFile(written, found, "%s %s: %s" % (role, found,
                                                       error.strerror), None)
    version = bootimage.kernel_version(head) if role == "kernel" else None
    if problem:
        problem = "%s %s %s" % (role, found, problem)
    return BootFile(written, found, problem, version)


def _stream_problem(handle, head):
    """Read a compressed initrd to its end: a CRC or format error, or None."""
    import gzip
    handle.seek(0)
    try:
        if head.startswith(bootimage.GZIP):
            stream = gzip.GzipFile(fileobj=handle, mode="rb")
        elif head.startswith(bootimage.XZ):
            import lzma
            stream = lzma.LZMAFile(handle)
        else:
            return None
        while stream.read(CHUNK):
            pass
    except ImportError:
        return None
    except (OSError, EOFError, ValueError) as error:
        return "is damaged (%s)" % (error or "truncated")
    return None


def with_digests(root, boots, digests):
    """Boots with each file rpm recorded a digest for compared with it."""
    if boots is None:
        return None

    def one(boot_file):
        if boot_file.problem or boot_file.file not in digests:
            return boot_file
        changed = filedigest.mismatch(
            os.path.join(root, boot_file.file.lstrip("/")),
            digests[boot_file.file], boot_file.file)
        return boot_file._replace(problem=changed) if changed else boot_file
    return Boots(one(boots.hypervisor), one(boots.kernel), one(boots.initrd),
                 tuple(one(f) for f in boots.extras))
