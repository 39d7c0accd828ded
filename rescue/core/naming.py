"""Names of things on a XenServer host: kernel releases, boot files, packages."""
# A kernel release in `uname -r` form: starts with a digit, then only these.
_DIGITS = "0123456789"
RELEASE_CHARS = _RELEASE_CHARS = frozenset(
    _DIGITS + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._+~^-")

BOOT = "/boot"                  # the boot files' folder, inside the root
IMAGE_PREFIX = "vmlinuz-"
INITRD_PREFIX = "initrd-"
INITRD_SUFFIX = ".img"
XEN_SUFFIX = "xen"
KDUMP_SUFFIX = "kdump"
LINK_SUFFIX = "-xen"

OVS_PACKAGE = "openvswitch"
MODULE_PACKAGE_PREFIX = "openvswitch-modules-xen-"
# The file names of the datapath module (openvswitch_mod: OVS 1.x's own
# build), plain first: depmod, modprobe and the packages use each of them.
MODULE_NAMES = tuple(stem + ".ko" + compression
                     for stem in ("openvswitch", "openvswitch_mod")
                     for compression in ("", ".gz", ".xz"))
MODULE_SUFFIXES = (".ko", ".ko.gz", ".ko.xz")


def datapath_module_in(paths, release):
    """The OVS datapath module among a package's paths under
    /lib/modules/<release>/, the plain name first (MODULE_NAMES' order),
    or None: what makes a package carry the module for that kernel."""
    prefix = "/lib/modules/%s/" % release
    for wanted in MODULE_NAMES:
        for path in paths:
            if path.startswith(prefix) and path.endswith("/" + wanted):
                return path
    return None


# The boot links of XenServer 5.6-6.2, named by extlinux.conf's `xe` entry.
IMAGE_LINK = "vmlinuz-2.6-xen"
INITRD_LINK = "initrd-2.6-xen.img"
BOOT_LINKS = (IMAGE_LINK, INITRD_LINK)


def is_release(text):
    """True when text is a well-formed kernel release."""
    return (text[:1] != "" and text[0] in _DIGITS
            and _RELEASE_CHARS.issuperset(text))


def image_name(release):
    return IMAGE_PREFIX + release


def initrd_name(release):
    return INITRD_PREFIX + release + INITRD_SUFFIX


def release_of_image(name):
    """The release of a `vmlinuz-<release>` file name, or None.

    Boot link names (`vmlinuz-2.6-xen`, `vmlinuz-4.19-xen`, kernel-alt's
    `vmlinuz-<alt>-xen`) end in `-xen`, which no kernel release does.
    """
    if name.startswith(IMAGE_PREFIX):
        release = name[len(IMAGE_PREFIX):]
        if is_release(release) and not release.endswith(LINK_SUFFIX):
            return release
    return None


def release_of_initrd(name):
    """The release of an `initrd-<release>.img` file name, or None."""
    if name.startswith(INITRD_PREFIX) and name.endswith(INITRD_SUFFIX):
        release = name[len(INITRD_PREFIX):-len(INITRD_SUFFIX)]
        if is_release(release) and not release.endswith(LINK_SUFFIX):
            return release
    return None


def release_of_boot_file(link_name, file_name):
    """The release of file_name read as what link_name's role names: an
    image for a `vmlinuz-` link, else an initrd."""
    if link_name.startswith(IMAGE_PREFIX):
        return release_of_image(file_name)
    return release_of_initrd(file_name)


def is_kdump(release):
    """A 5.6-6.2 crash kernel (`<V-R>kdump`): never a boot target."""
    return release.endswith(KDUMP_SUFFIX)


def module_package_name(release):
    """The package that carries OVS's module for a xen kernel release.

    The package names the kernel without the `xen` of `uname -r`:
    2.6.32.43-0.4.1.xs1.8.0.847.170785xen ->
    openvswitch-modules-xen-2.6.32.43-0.4.1.xs1.8.0.847.170785
    """
    if not release.endswith(XEN_SUFFIX) or len(release) == len(XEN_SUFFIX):
        return None
    return MODULE_PACKAGE_PREFIX + release[:-len(XEN_SUFFIX)]


def link_target_release(link_name, target):
    """The release a journal may name as a boot link's target, or None.

    Only the forms the tool and the installer write: `vmlinuz-<REL>` or
    `/boot/vmlinuz-<REL>` for the image link, `initrd-<REL>.img` (or its
    /boot/ form) for the initrd link.
    """
    if not isinstance(target, str):
        return None
    name = target[len("/boot/"):] if target.startswith("/boot/") else target
    return release_of_boot_file(link_name, name)
