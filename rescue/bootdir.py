"""Read /boot: kernel images, their initrds, and where the boot links point."""
import os
import posixpath
import stat
from collections import namedtuple

from rescue import naming
from rescue.errors import CannotInspect

BOOT = "/boot"


_BootLinkFields = namedtuple("BootLink", (
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


class BootFacts(namedtuple("BootFacts", "images initrds links")):
    # images: FrozenSet[str]        # releases with a regular vmlinuz-<release>
    # initrds: FrozenSet[str]       # releases with a regular initrd-<release>.img
    # links: Dict[str, BootLink]    # by link name
    __slots__ = ()


def boot_dir(root):
    return os.path.join(root, BOOT.lstrip("/"))


def scan_boot(root):
    """Gather the boot facts below root; only a missing /boot is an error."""
    path = boot_dir(root)
    try:
        names = os.listdir(path)
    except OSError as error:
        raise CannotInspect("cannot read %s: %s" % (path, error.strerror))
    images, initrds = set(), set()
    for name in names:
        release = naming.release_of_image(name)
        if release and _is_regular(os.path.join(path, name)):
            images.add(release)
        release = naming.release_of_initrd(name)
        if release and _is_regular(os.path.join(path, name)):
            initrds.add(release)
    links = {name: read_link(path, name) for name in naming.BOOT_LINKS}
    return BootFacts(frozenset(images), frozenset(initrds), links)


def _is_regular(path):
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


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


def read_link(path, name):
    """Describe the boot link `name` in the directory `path`."""
    full = os.path.join(path, name)
    try:
        mode = os.lstat(full).st_mode
    except OSError:
        return BootLink(name, False, None, None, None, "%s is missing" % name)
    if not stat.S_ISLNK(mode):
        return BootLink(name, True, None, None, None,
                        "%s is not a symlink" % name)
    target = os.readlink(full)
    file_name = file_name_in_boot(target)
    if file_name is None:
        return BootLink(name, True, target, None, None,
                        "%s points outside /boot (%s)" % (name, target))
    release = _release_for_link(name, file_name)
    if release is None:
        return BootLink(name, True, target, file_name, None,
                        "%s points at %s, not a kernel file" % (name, target))
    if not _is_regular(os.path.join(path, file_name)):
        return BootLink(name, True, target, file_name, None,
                        "%s is dangling (%s is not a file)" % (name, target))
    problem = None
    if posixpath.isabs(target):
        problem = ("%s has an absolute target %s; the installer writes "
                   "relative ones" % (name, target))
    return BootLink(name, True, target, file_name, release, problem)


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
