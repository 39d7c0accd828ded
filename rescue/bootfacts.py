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


def describe_link(name, target, boot_parts, parts, mode, image=None):
    """The BootLink of a symlink, from where its target was found to lead.

    parts and mode come from resolve_in_root (mode is the reason text when
    parts is None); what the boot loader would open decides, whatever the
    spelling of the target.
    """
    if image is None:
        image = name.startswith(naming.IMAGE_PREFIX)
    file_name = file_name_in_boot(target)
    if file_name is None:
        return BootLink(name, True, target, None, None,
                        "%s points outside /boot (%s)" % (name, target))
    if _release(image, file_name) is None:
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
                                     "notes override_entry")


class NextBoot(_NextBootFields):
    """What the boot loader boots next, as far as its files say."""
    # config_path: Optional[str]     # the config read, inside the root
    # loader: Optional[str]          # "extlinux" or "grub"
    # entry: Optional[bootloader.Entry]   # the entry that boots next
    # how: Optional[str]             # default, override_entry, first entry
    # layout: layouts.Layout
    # notes: Tuple[str, ...]         # said, not problems
    # override_entry: Optional[str]  # grubenv's one-shot choice, if used
    __slots__ = ()

    def __new__(cls, config_path, loader, entry, how, layout, notes,
                override_entry=None):
        return super().__new__(cls, config_path, loader, entry, how, layout,
                               notes, override_entry)

    @property
    def link_names(self):
        """(image, initrd) names the next entry boots, or the layout's."""
        if self.entry is not None and self.entry.kernel and self.entry.initrd:
            return (self.entry.kernel.rsplit("/", 1)[-1],
                    self.entry.initrd.rsplit("/", 1)[-1])
        return (self.layout.image_link, self.layout.initrd_link)


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
