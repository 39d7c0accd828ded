"""Read /boot: kernel images, their initrds, and where the boot links point."""
import os
import posixpath
import stat
from rescue.records import record

from rescue import naming
from rescue.errors import CannotInspect

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


def boot_dir(root):
    """The host's /boot below root, its links followed inside root only."""
    try:
        parts, mode = resolve_in_root(root, (), BOOT)
    except Unresolved as why:
        raise CannotInspect("%s: %s" % (os.path.join(root, "boot"), why))
    if not stat.S_ISDIR(mode):
        raise CannotInspect("%s is not a directory" % os.path.join(root, "boot"))
    return os.path.join(root, *parts)


class Unresolved(ValueError):
    """A path that does not lead anywhere inside the root."""


MAX_LINKS = 40      # as the kernel's path walk


def resolve_in_root(root, start, path, lstat=None, readlink=None):
    """(parts, mode): where path leads from the directory `start`.

    Both are lists of names below root. Absolute paths and symlinks are
    read inside root, as a boot loader reads the root file system; a `..`
    above root, a missing name, a non-directory followed by `/`, or too many
    links raise Unresolved. mode is the end's lstat mode (never a link).
    """
    lstat = lstat or os.lstat
    readlink = readlink or os.readlink
    parts = [] if path.startswith("/") else list(start)
    queue = _components(path)
    links = 0
    while queue:
        name = queue.pop(0)
        if name == ".":
            continue
        if name == "..":
            if not parts:
                raise Unresolved("%s leads out of the root" % path)
            parts.pop()
            continue
        full = os.path.join(root, *(parts + [name]))
        try:
            info = lstat(full)
        except OSError as error:
            raise Unresolved("%s: %s" % ("/".join(parts + [name]),
                                         error.strerror))
        if stat.S_ISLNK(info.st_mode):
            links += 1
            if links > MAX_LINKS:
                raise Unresolved("too many levels of symbolic links")
            target = readlink(full)
            if target.startswith("/"):
                parts = []
            queue = _components(target) + queue
            continue
        if queue and not stat.S_ISDIR(info.st_mode):
            raise Unresolved("%s is not a directory" % "/".join(parts + [name]))
        parts.append(name)
    return parts, lstat(os.path.join(root, *parts)).st_mode


def _components(path):
    """The names of a path; a trailing `/` becomes `.` (it needs a directory)."""
    names = [name for name in path.split("/") if name]
    if path.endswith("/") and names:
        names.append(".")
    return names


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
    links = {name: read_link(path, name, root) for name in naming.BOOT_LINKS}
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


def read_link(path, name, root=None):
    """Describe the boot link `name` in the directory `path` (below root)."""
    full = os.path.join(path, name)
    try:
        mode = os.lstat(full).st_mode
    except OSError:
        return BootLink(name, False, None, None, None, "%s is missing" % name)
    if not stat.S_ISLNK(mode):
        return BootLink(name, True, None, None, None,
                        "%s is not a symlink" % name)
    target = os.readlink(full)
    if root is None:
        root = os.path.dirname(path)
    start = os.path.relpath(path, root).split(os.sep)
    start = [] if start == ["."] else start
    try:
        parts, mode = resolve_in_root(root, start, target)
    except Unresolved as why:
        parts, mode = None, "%s" % why
    return describe_link(name, target, start, parts, mode)


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
