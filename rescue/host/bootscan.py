"""Read /boot: kernel images, their initrds, and where the boot links point."""
import os
import stat

from rescue.core import naming
from rescue.errors import CannotInspect


class HostFiles(object):
    """The file system the scan reads: this host's. A snapshot passes its
    own, built from the entries it saved, to the same scan."""
    # os looked up at each call, not bound here: a test's fake os applies.
    def listdir(self, path):
        return os.listdir(path)

    def lstat(self, path):
        return os.lstat(path)

    def readlink(self, path):
        return os.readlink(path)


HOST_FILES = HostFiles()


def boot_dir(root, files=HOST_FILES):
    """The host's /boot below root, its links followed inside root only."""
    try:
        parts, mode = resolve_in_root(root, (), naming.BOOT, files.lstat,
                                      files.readlink)
    except Unresolved as why:
        raise CannotInspect("%s: %s" % (os.path.join(root, "boot"), why))
    if not stat.S_ISDIR(mode):
        raise CannotInspect("%s is not a directory" % os.path.join(root, "boot"))
    return os.path.join(root, *parts)


class Unresolved(ValueError):
    """A path that does not lead anywhere inside the root."""


MAX_LINKS = 40      # as the kernel's path walk


def resolve_in_root(root, start, path, lstat=None, readlink=None,
                    max_links=MAX_LINKS):
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
            if links > max_links:
                raise Unresolved("too many levels of symbolic links")
            target = readlink(full)
            if target.startswith("/"):
                parts = []
            queue = _components(target) + queue
            continue
        if queue and not stat.S_ISDIR(info.st_mode):
            raise Unresolved("%s is not a directory" % "/".join(parts + [name]))
        parts.append(name)
    try:
        return parts, lstat(os.path.join(root, *parts)).st_mode
    except OSError as error:
        raise Unresolved("/%s: %s" % ("/".join(parts), error.strerror))


def _components(path):
    """The names of a path; a trailing `/` becomes `.` (it needs a directory)."""
    names = [name for name in path.split("/") if name]
    if path.endswith("/") and names:
        names.append(".")
    return names


def scan_boot(root, link_names=naming.BOOT_LINKS, files=HOST_FILES):
    """Gather the boot facts below root; only a missing /boot is an error."""
    from rescue.core.bootlinks import BootFacts, BootLink   # not to start rpm
    path = boot_dir(root, files)
    try:
        names = files.listdir(path)
    except OSError as error:
        raise CannotInspect("cannot read %s: %s" % (path, error.strerror))
    images, initrds = set(), set()
    for name in names:
        release = naming.release_of_image(name)
        if release and _is_regular(files, os.path.join(path, name)):
            images.add(release)
        release = naming.release_of_initrd(name)
        if release and _is_regular(files, os.path.join(path, name)):
            initrds.add(release)
    links = {}
    for position, name in enumerate(link_names):    # image first
        if "/" in name:
            links.setdefault(name, BootLink(
                name, True, None, None, None, "the next entry names %s, "
                "not a file directly in /boot: ovs-rescue vouches only for "
                "those" % name))
            continue
        links.setdefault(name, read_link(path, name, root, position == 0,
                                         files))
    return BootFacts(frozenset(images), frozenset(initrds), links)


def _is_regular(files, path):
    try:
        return stat.S_ISREG(files.lstat(path).st_mode)
    except OSError:
        return False


def read_link(path, name, root=None, image=None, files=HOST_FILES):
    """Describe the boot link `name` in the directory `path` (below root)."""
    from rescue.core.bootlinks import BootLink, describe_link
    full = os.path.join(path, name)
    try:
        mode = files.lstat(full).st_mode
    except OSError:
        return BootLink(name, False, None, None, None, "%s is missing" % name)
    if not stat.S_ISLNK(mode):
        return BootLink(name, True, None, None, None,
                        "%s is not a symlink" % name)
    target = files.readlink(full)
    if root is None:
        root = os.path.dirname(path)
    start = os.path.relpath(path, root).split(os.sep)
    start = [] if start == ["."] else start
    try:
        parts, mode = resolve_in_root(root, start, target, files.lstat,
                                      files.readlink)
    except Unresolved as why:
        parts, mode = None, "%s" % why
    return describe_link(name, target, start, parts, mode, image)


