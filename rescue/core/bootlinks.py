"""What the boot links are, from what was read of them: pure.

The records of /boot (kernels, initrds, links) and the rules that say
whether a link is usable, given where its target was found to lead;
host/bootscan.py does the reading.
"""
import posixpath
import stat

from rescue.core import naming
from rescue.core.naming import BOOT
from rescue.core.records import record


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


def describe_link(name, target, boot_parts, parts, mode, image=None):
    """The BootLink of a symlink, from where its target was found to lead.

    parts and mode come from resolve_in_root (mode is the reason text when
    parts is None); what the boot loader would open decides, whatever the
    spelling of the target.
    """
    if image is None:
        image = name.startswith(naming.IMAGE_PREFIX)
    file_name = file_name_in_boot(target)
    if parts is None or not stat.S_ISREG(mode):
        if file_name is None:
            return BootLink(name, True, target, None, None,
                            "%s points outside /boot (%s)" % (name, target))
        if _release(image, file_name) is None:
            return BootLink(name, True, target, file_name, None,
                            "%s points at %s, not a kernel file"
                            % (name, target))
        why = mode if parts is None else "not a regular file"
        return BootLink(name, True, target, file_name, None,
                        "%s is dangling (%s does not lead to a file: %s)"
                        % (name, target, why))
    if parts[:-1] != list(boot_parts):
        return BootLink(name, True, target, file_name, None,
                        "%s points outside /boot (%s leads to /%s)"
                        % (name, target, "/".join(parts)))
    # Both loaders follow a chain of links: where it ends decides.
    release = _release(image, parts[-1])
    if release is None:
        return BootLink(name, True, target, file_name, None,
                        "%s points at %s, which leads to %s, not a kernel "
                        "file" % (name, target, parts[-1]))
    problem = None
    if posixpath.isabs(target):
        problem = ("%s has an absolute target %s; the installer writes "
                   "relative ones" % (name, target))
    return BootLink(name, True, target, parts[-1], release, problem)


def _release(image, file_name):
    """The release a file name holds, read as an image or an initrd."""
    return (naming.release_of_image(file_name) if image
            else naming.release_of_initrd(file_name))


def pending_pair(links):
    """The releases the image and initrd links name: (image, initrd)."""
    image, initrd = link_names(links)
    return links[image].release, links[initrd].release


def link_names(links):
    """(image link, initrd link) names of a links mapping: the image's is
    first, as the boot entry names them (one name, if it named one file
    for both)."""
    names = list(links)
    return names[0], names[-1]


def link_problems(links):
    """Problems of the boot links, in link order."""
    return tuple(links[n].problem for n in link_names(links)
                 if links[n].problem)


_NextBootFields = record("NextBoot", "config_path loader entry how layout "
                                     "notes override_entry cannot_tell boots")

# file: the config (inside the root) where reading stopped, or None; line:
# 1-based, or None; construct: what the tool does not model, in short
CannotTell = record("CannotTell", "file line construct")

# written: the path as the entry writes it; file: the regular file the
# boot loader opens, inside the root, every link followed, or None;
# problem: why it will not boot (missing, empty, not that format), or None
# version: a kernel's embedded release (bzImage version string), or None
BootFile = record("BootFile", "written file problem version")

def cannot_tell_text(cannot_tell):
    """`cannot tell what boots next: FILE line N: CONSTRUCT`."""
    where = cannot_tell.file or "the boot loader"
    if cannot_tell.line is not None:
        where += " line %d" % cannot_tell.line
    return "cannot tell what boots next: %s: %s" % (where,
                                                    cannot_tell.construct)


# each a BootFile; extras: files loaded before the kernel (Xen under tboot)
Boots = record("Boots", "hypervisor kernel initrd extras")


def boots_document(boots):
    """Boots as JSON-able lists, for a snapshot (None stays None)."""
    if boots is None:
        return None
    return {"hypervisor": list(boots.hypervisor), "kernel": list(boots.kernel),
            "initrd": list(boots.initrd),
            "extras": [list(f) for f in boots.extras]}


def boots_of_document(document):
    """The Boots a snapshot saved with boots_document (TypeError if not)."""
    if document is None:
        return None

    def one(values):
        if not (isinstance(values, list) and len(values) == 4 and all(
                v is None or isinstance(v, str) for v in values)):
            raise TypeError("boots holds something not a boot file")
        return BootFile(*values)
    return Boots(one(document["hypervisor"]), one(document["kernel"]),
                 one(document["initrd"]),
                 tuple(one(f) for f in document.get("extras") or ()))


class NextBoot(_NextBootFields):
    """What the boot loader boots next, as far as its files say."""
    # config_path: Optional[str]     # the config read, inside the root
    # loader: Optional[str]          # "extlinux" or "grub"
    # entry: Optional[loaderconfig.Entry]   # the entry that boots next
    # how: Optional[str]             # default, override_entry, ONTIMEOUT,
    #                                # or why nothing boots
    # layout: layouts.Layout
    # notes: Tuple[str, ...]         # said, not problems
    # override_entry: Optional[str]  # grubenv's one-shot choice, if used
    # cannot_tell: Optional[CannotTell]  # where the reading stopped
    # boots: Optional[Boots]         # the files the entry opens, checked
    __slots__ = ()

    def __new__(cls, config_path, loader, entry, how, layout, notes,
                override_entry=None, cannot_tell=None, boots=None):
        return super().__new__(cls, config_path, loader, entry, how, layout,
                               notes, override_entry, cannot_tell, boots)

    @property
    def link_names(self):
        """(image, initrd) names the next entry boots, or the layout's.

        A file directly in /boot is named by its name there; anything else
        by its full path inside the root, which no boot link has.
        """
        if self.entry is not None and self.entry.kernel and self.entry.initrd:
            return tuple(_name_in_boot(self.entry_path(path)) for path in
                         (self.entry.kernel, self.entry.initrd))
        return (self.layout.image_link, self.layout.initrd_link)

    def entry_path(self, written):
        """A path of the entry as an absolute path inside the root."""
        return path_in_root(written, self.config_path or BOOT + "/",
                            self.loader)


def path_in_root(written, config_path, loader):
    """The absolute path inside the root a written path names, or None.

    extlinux reads a relative path from the config's directory; GRUB needs
    an absolute one (a `(device)` prefix is another disk: not modelled).
    """
    if not written or "\0" in written:
        return None
    if written.startswith("/"):
        return posixpath.normpath(written)
    if loader == "extlinux" and not written.startswith("("):
        return posixpath.normpath(posixpath.join(
            posixpath.dirname(config_path), written))
    return None


def _name_in_boot(path):
    """`vmlinuz-x` for /boot/vmlinuz-x; any other path as it is."""
    if path is None:
        return "(unreadable path)"
    directory, name = posixpath.split(path)
    return name if directory == BOOT and name else path


# regenerate: unames whose initrd dracut has not rebuilt since an update
# reboot_required: kernel updates installed and waiting for a reboot
# network_backend: network.conf's word (openvswitch, bridge) or None
Markers = record("Markers", "regenerate reboot_required network_backend")
NO_MARKERS = Markers(frozenset(), (), None)


def direct_file_link(link, entry_title, image=True):
    """A BootLink for an entry that names a regular file itself.

    A fallback entry names `vmlinuz-<uname>` (5.6-6.2) or the install-time
    copy `vmlinuz-fallback` (6.5 on), whose release is in the entry's
    title (`... Linux <uname>)`); such a file is what boots, not a problem.
    """
    if not link.present or link.target is not None:
        return link
    release = _release(image, link.name)
    if release is None and "fallback" in link.name:
        words = (entry_title or "").replace(")", " ").split()
        if "Linux" in words[:-1]:
            release = words[words.index("Linux") + 1]
            release = release if naming.is_release(release) else None
    if release is None:
        return link
    return link._replace(file_name=link.name, release=release, problem=None)
