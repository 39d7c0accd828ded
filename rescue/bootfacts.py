"""What the boot links are, from what was read of them: pure.

The records of /boot (kernels, initrds, links) and the rules that say
whether a link is usable, given where its target was found to lead;
bootdir.py does the reading.
"""
import posixpath
import stat

from rescue import naming
from rescue.records import record

BOOT = "/boot"


_BootLinkFields = record("BootLink", (
    "name present target file_name release problem"))


class BootLink(_BootLinkFields):
    """One boot link as found on disk; `release` is set when it is usable."""
    # name: str
    # present: bool                 # something exists under that name
    # target: Optional[str]         # readlink(), or None if not a symlink
    # file_name: Optional[str]      # the target's name inside /boot, if it stays there
    # release: Optional[str]        # the kernel it names, if its target is a kernel file
    # problem: Optional[str]        # why it is not usable, or a warning
    __slots__ = ()


class BootFacts(record("BootFacts", "images initrds links")):
    # images: FrozenSet[str]        # releases with a regular vmlinuz-<release>
    # initrds: FrozenSet[str]       # releases with a regular initrd-<release>.img
    # links: Dict[str, BootLink]    # by link name
    __slots__ = ()


def file_name_in_boot(target):
    """Where a link target lands, as a plain file name in /boot, or None.

    Relative targets are read from /boot; absolute ones are taken inside the
    root, never outside it.
    """
    joined = posixpath.normpath(posixpath.join(BOOT, target))
    directory, name = posixpath.split(joined)
    if directory != BOOT or not name or name in (".", ".."):
        return None
    return name


def describe_link(name, target, boot_parts, parts, mode):
    """The BootLink of a symlink, from where its target was found to lead.

    parts and mode come from resolve_in_root (mode is the reason text when
    parts is None); what the boot loader would open decides, whatever the
    spelling of the target.
    """
    file_name = file_name_in_boot(target)
    if file_name is None:
        return BootLink(name, True, target, None, None,
                        "%s points outside /boot (%s)" % (name, target))
    if _release_for_link(name, file_name) is None:
        return BootLink(name, True, target, file_name, None,
                        "%s points at %s, not a kernel file" % (name, target))
    if parts is None or not stat.S_ISREG(mode):
        why = mode if parts is None else "not a regular file"
        return BootLink(name, True, target, file_name, None,
                        "%s is dangling (%s does not lead to a file: %s)"
                        % (name, target, why))
    if parts[:-1] != list(boot_parts):
        return BootLink(name, True, target, file_name, None,
                        "%s points outside /boot (%s leads to /%s)"
                        % (name, target, "/".join(parts)))
    release = _release_for_link(name, parts[-1])
    if release is None:
        return BootLink(name, True, target, file_name, None,
                        "%s points at %s, which leads to %s, not a kernel "
                        "file" % (name, target, parts[-1]))
    problem = None
    if posixpath.isabs(target):
        problem = ("%s has an absolute target %s; the installer writes "
                   "relative ones" % (name, target))
    return BootLink(name, True, target, parts[-1], release, problem)


def _release_for_link(link_name, file_name):
    if link_name == naming.IMAGE_LINK:
        return naming.release_of_image(file_name)
    return naming.release_of_initrd(file_name)


def pending_pair(links):
    """The releases the image and initrd links name: (image, initrd)."""
    image = links[naming.IMAGE_LINK].release
    initrd = links[naming.INITRD_LINK].release
    return image, initrd


def link_problems(links):
    """Problems of the boot links, in link order."""
    return tuple(links[n].problem for n in naming.BOOT_LINKS
                 if links[n].problem)
