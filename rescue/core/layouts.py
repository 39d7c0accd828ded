"""The boot layout of each XenServer / XCP-ng generation, as one table: pure.

A layout is chosen from what the boot loader's next entry names (the
kernel link) and which boot loader it is; a new generation is one row
here and its tests. docs/domain.md has the facts behind each row.
"""
from rescue.core.records import record

# name: short name, in JSON and on screen
# releases: the XenServer / XCP-ng releases it stands for
# image_link, initrd_link: the boot links the default entry names
# loader: "extlinux" or "grub"
# per_kernel_modules: OVS's module ships as one package per kernel
#   (openvswitch-modules-xen-<kernel>), whose Version must be the OVS build
# links_ours: the links are not files of any package and several kernels
#   coexist, so rollback may move them (checked against rpm's file lists
#   too: a link a package owns is never moved)
Layout = record("Layout", "name releases image_link initrd_link loader "
                          "per_kernel_modules links_ours")

XS56 = Layout("xs56", "XenServer 5.6-6.2", "vmlinuz-2.6-xen",
              "initrd-2.6-xen.img", "extlinux", True, True)
XS65 = Layout("xs65", "XenServer 6.5", "vmlinuz-3.10-xen",
              "initrd-3.10-xen.img", "extlinux", False, True)
XS70 = Layout("xs70", "XenServer 7.0", "vmlinuz-3.10-xen",
              "initrd-3.10-xen.img", "grub", False, True)
XS71 = Layout("xs71", "XenServer 7.1-7.6, XCP-ng 7.x", "vmlinuz-4.4-xen",
              "initrd-4.4-xen.img", "grub", False, False)
XS8 = Layout("xs8", "Citrix Hypervisor 8.x, XenServer 8, XCP-ng 8.x",
             "vmlinuz-4.19-xen", "initrd-4.19-xen.img", "grub", False, False)
LAYOUTS = (XS56, XS65, XS70, XS71, XS8)
# The links rollback may move, in any layout whose links are ours.
OWN_LINK_PAIRS = tuple((l.image_link, l.initrd_link) for l in LAYOUTS
                       if l.links_ours)


def accepts(layout, release):
    """Does release look like a kernel of this generation? On 5.6-6.2 it
    ends in `xen` (or `kdump`, the crash kernel); later ones are
    `<major>.<minor>.<patch>+<build>`. Anything else called vmlinuz-*
    (`.orig`, `.bak`) is no kernel of the host's."""
    if layout.per_kernel_modules:
        return release.endswith("xen") or release.endswith("kdump")
    version, plus, build = release.partition("+")
    parts = version.split(".")
    return (bool(plus) and build.isdigit() and len(parts) == 3
            and all(part.isdigit() for part in parts))


def layout_for(loader, kernel_path):
    """The Layout whose default entry names kernel_path under loader.

    A full-release link (`vmlinuz-<alt>-xen`, XCP-ng's kernel-alt) or a
    versioned file named directly (a fallback entry) takes the newest
    layout of that boot loader; None when nothing matches.
    """
    name = (kernel_path or "").rsplit("/", 1)[-1]
    for layout in LAYOUTS:
        if layout.image_link == name and layout.loader == loader:
            return layout
    if name.startswith("vmlinuz-"):
        return XS8 if loader == "grub" else XS56 if loader else None
    return None
