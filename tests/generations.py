"""Fixture roots of each generation, from the facts in docs/domain.md.

Real RPMs (the kernel package owning its image, short links and in-tree
module, `Provides: kernel-uname-r`, the initrd as %ghost; kernel-alt with
its own full-release links), installed with the real rpm, and boot loader
files written as XenServer's installer and boot-config library write them.
"""
import os

from rescue.sample import trees as sample
from tests.hosts import Rpm, install_rpms, make_host, ovs_rpm

XS8_UNAME = "4.19.0+1"
ALT_UNAME = "4.19.322+1"
XS65_UNAME = "3.10.0+2"
XS70_UNAME = "3.10.0+10"

XS62_EXTLINUX = """\
serial 0 115200
default {default}
prompt 1
timeout 50

label xe
  # XenServer
  kernel mboot.c32
  append /boot/xen.gz mem=1024G dom0_max_vcpus=4 dom0_mem=752M,max:752M \
watchdog_timeout=300 lowmem_emergency_pool=1M crashkernel=64M@32M \
cpuid_mask_xsave_eax=0 console=vga vga=mode-0x0311 --- /boot/{image} \
root=LABEL=root-kgiswlbk ro xencons=hvc console=hvc0 console=tty0 quiet \
vga=785 splash --- /boot/{initrd}

label xe-serial
  # XenServer (Serial)
  kernel mboot.c32
  append /boot/xen.gz com1=115200,8n1 console=com1,vga --- /boot/{image} \
root=LABEL=root-kgiswlbk ro console=tty0 xencons=hvc console=hvc0 --- \
/boot/{initrd}

label safe
  # XenServer in Safe Mode
  kernel mboot.c32
  append /boot/xen.gz nosmp noreboot noirqbalance acpi=off noapic \
com1=115200,8n1 console=com1,vga --- /boot/{image} nousb \
root=LABEL=root-kgiswlbk ro console=tty0 xencons=hvc console=hvc0 --- \
/boot/{initrd}

label fallback
  # XenServer (Xen 4.1.5 / Linux {fallback})
  kernel mboot.c32
  append /boot/xen.gz --- /boot/vmlinuz-{fallback} root=LABEL=root-kgiswlbk \
ro --- /boot/initrd-{fallback}.img
"""

GRUB_HEAD = """\
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set default={default}
set timeout=5
"""
GRUB_OVERRIDE = """\
if [ -s $prefix/grubenv ]; then
\tload_env
fi

if [ -n "$override_entry" ]; then
\tset default=$override_entry
fi

"""
GRUB_ENTRY = """\
menuentry '{title}' {{
\tsearch --label --set root root-vgdorj
\tmultiboot2 /boot/{xen} dom0_mem=7584M,max:7584M watchdog ucode=scan \
dom0_max_vcpus=1-16 crashkernel=256M,below=4G console=vga vga=mode-0x0311
\tmodule2 /boot/{image} root=LABEL=root-vgdorj ro nolvm hpet=disable \
console=hvc0 console=tty0 quiet vga=785 splash plymouth.ignore-serial-consoles
\tmodule2 /boot/{initrd}
}}
"""


def write(root, path, text):
    return sample.write_file(root, path, text.encode())


def xs62_host(root, factory, kernels, pending, default="xe", kdump=None):
    """A 5.6-6.2 host with the installer's extlinux.conf (and a kdump
    kernel beside the others, if named)."""
    make_host(root, factory, kernels, pending)
    write(root, "/boot/extlinux.conf", XS62_EXTLINUX.format(
        default=default, image="vmlinuz-2.6-xen", initrd="initrd-2.6-xen.img",
        fallback=kernels[0].release))
    if kdump:
        sample.write_kernel(root, kdump)
    return root


def write_in_tree_dep(root, uname, module=True):
    """kmod's modules.dep (relative paths) of a 7.x+ kernel."""
    sample.write_modules_dep(root, uname, [
        "/lib/modules/%s/kernel/net/openvswitch/openvswitch.ko" % uname]
        if module else [])


def kernel_rpm(uname, version, release, name="kernel", link_version="4.19",
               module=True, vermagic=None, own_links=True):
    """The kernel package of 7.x and later (or kernel-alt)."""
    files = [("/boot/vmlinuz-%s" % uname, sample.kernel_image(uname))]
    if module:
        files.append(("/lib/modules/%s/kernel/net/openvswitch/openvswitch.ko"
                      % uname, sample.module_elf(vermagic or uname)))
    links = ()
    if own_links:
        short = link_version if name == "kernel" else uname
        links = (("/boot/vmlinuz-%s-xen" % short, "vmlinuz-%s" % uname),
                 ("/boot/initrd-%s-xen.img" % short, "initrd-%s.img" % uname))
    provides = ("kernel-uname-r = %s" % uname,) if name == "kernel" else ()
    return Rpm(name, version, release, tuple(files), links, provides,
               ("/boot/initrd-%s.img" % uname,))


def grub_cfg(brand, entries, default=0, override=True):
    """grub.cfg text; entries: (title, image, initrd) in menu order."""
    text = GRUB_HEAD.format(default=default)
    if override:
        text += GRUB_OVERRIDE
    for title, image, initrd in entries:
        text += GRUB_ENTRY.format(title=title, xen="xen.gz", image=image,
                                  initrd=initrd)
    return text


def xs8_menu(brand, alt=False):
    """(title, image, initrd) of each entry XenServer 8's installer writes,
    and kernel-alt's when it is installed."""
    entries = [(brand, "vmlinuz-4.19-xen", "initrd-4.19-xen.img"),
               ("%s (Serial)" % brand, "vmlinuz-4.19-xen",
                "initrd-4.19-xen.img"),
               ("%s in Safe Mode" % brand, "vmlinuz-4.19-xen",
                "initrd-4.19-xen.img"),
               ("%s (Xen 4.17.5 / Linux %s)" % (brand, XS8_UNAME),
                "vmlinuz-fallback", "initrd-fallback.img")]
    if alt:
        entries.append(("%s kernel-alt %s" % (brand, ALT_UNAME),
                        "vmlinuz-%s-xen" % ALT_UNAME,
                        "initrd-%s-xen.img" % ALT_UNAME))
    return entries


def xs8_host(root, factory, brand="XCP-ng", firmware="bios", module=True,
             vermagic=None, alt=False, default=0, override_entry=None,
             upgrade=False, dracut_done=True, extra_entries=()):
    """An XCP-ng 8.3 / XenServer 8 host: one kernel, owned links, grub."""
    os.makedirs(os.path.join(root, "boot"), exist_ok=True)
    rpms = [Rpm("openvswitch", "2.17.7", "1", (
        ("/usr/share/openvswitch/build", b"2.17.7\n"),)),
            kernel_rpm(XS8_UNAME, "4.19.19", "8.0.38.1.xcpng8.3",
                       module=module, vermagic=vermagic)]
    if alt:
        rpms.append(kernel_rpm(ALT_UNAME, "4.19.322", "1.xcpng8.3",
                               name="kernel-alt"))
    install_rpms(root, [factory.build(r) for r in rpms])
    for uname in (XS8_UNAME,) + ((ALT_UNAME,) if alt else ()):
        if dracut_done or uname != XS8_UNAME:
            sample.write_file(root, "/boot/initrd-%s.img" % uname,
                              sample.initrd_image(uname))
        write_in_tree_dep(root, uname, module or uname != XS8_UNAME)
    for name in ("xen.gz", "xen-fallback.gz"):
        sample.write_file(root, "/boot/" + name, sample.hypervisor_image())
    sample.write_file(root, "/boot/vmlinuz-fallback",
                      sample.kernel_image(XS8_UNAME, tag="fallback copy"))
    sample.write_file(root, "/boot/initrd-fallback.img",
                      sample.initrd_image(XS8_UNAME, tag="fallback copy"))
    entries = xs8_menu(brand, alt)
    if upgrade:
        entries.append(("upgrade", "vmlinuz-4.19-xen", "initrd-4.19-xen.img"))
    entries += list(extra_entries)
    text = grub_cfg(brand, entries, default)
    places = {"bios": ["/boot/grub/grub.cfg"],
              "uefi": ["/boot/efi/EFI/xenserver/grub.cfg"],
              "both": ["/boot/grub/grub.cfg",
                       "/boot/efi/EFI/xenserver/grub.cfg"]}[firmware]
    if firmware in ("bios", "both"):
        write(root, "/boot/grub/i386-pc/normal.mod", "")
    for place in places:
        write(root, place, text)
        env = "# GRUB Environment Block\n"
        if override_entry is not None:
            env += "override_entry=%s\n" % override_entry
        write(root, os.path.dirname(place) + "/grubenv",
              env + "#" * (1024 - len(env)))
    if not dracut_done:
        write(root, "/var/lib/rpm-state/regenerate-initrd-%s" % XS8_UNAME, "")
    return root


def xs65_host(root, factory, module=True):
    """XenServer 6.5: extlinux, 3.10 links, an out-of-tree module package."""
    os.makedirs(os.path.join(root, "boot"), exist_ok=True)
    rpms = [ovs_rpm("2.1.3"), kernel_rpm(XS65_UNAME, "3.10.41", "323",
                                         module=False, own_links=False)]
    if module:
        rpms.append(Rpm("openvswitch-modules", "2.1.3", "1", ((
            "/lib/modules/%s/extra/openvswitch/openvswitch.ko" % XS65_UNAME,
            sample.module_elf(XS65_UNAME)),)))
    install_rpms(root, [factory.build(r) for r in rpms])
    sample.write_file(root, "/boot/initrd-%s.img" % XS65_UNAME,
                      sample.initrd_image(XS65_UNAME))
    sample.write_extlinux_files(root)
    sample.write_modules_dep(root, XS65_UNAME, [
        "/lib/modules/%s/extra/openvswitch/openvswitch.ko" % XS65_UNAME]
        if module else [], absolute=True)
    sample.point_boot_links(root, None, None)
    for name, target in (("vmlinuz-3.10-xen", "vmlinuz-" + XS65_UNAME),
                         ("initrd-3.10-xen.img",
                          "initrd-%s.img" % XS65_UNAME)):
        os.symlink(target, os.path.join(root, "boot", name))
    write(root, "/boot/extlinux.conf", XS62_EXTLINUX.format(
        default="xe", image="vmlinuz-3.10-xen", initrd="initrd-3.10-xen.img",
        fallback=XS65_UNAME).replace("vmlinuz-%s" % XS65_UNAME,
                                     "vmlinuz-fallback").replace(
        "initrd-%s.img" % XS65_UNAME, "initrd-fallback.img"))
    return root


def xs70_host(root, factory, module=True):
    """XenServer 7.0: grub, 3.10 links made by the kernel's %post."""
    os.makedirs(os.path.join(root, "boot"), exist_ok=True)
    rpms = [ovs_rpm("2.3.2"), kernel_rpm(XS70_UNAME, "3.10.96", "484",
                                         module=module, own_links=False)]
    install_rpms(root, [factory.build(r) for r in rpms])
    sample.write_file(root, "/boot/initrd-%s.img" % XS70_UNAME,
                      sample.initrd_image(XS70_UNAME))
    sample.write_file(root, "/boot/xen.gz", sample.hypervisor_image())
    write(root, "/boot/grub/i386-pc/normal.mod", "")
    write_in_tree_dep(root, XS70_UNAME, module)
    for name, target in (("vmlinuz-3.10-xen", "vmlinuz-" + XS70_UNAME),
                         ("initrd-3.10-xen.img",
                          "initrd-%s.img" % XS70_UNAME)):
        os.symlink(target, os.path.join(root, "boot", name))
    write(root, "/boot/grub/grub.cfg", grub_cfg("XenServer", [
        ("XenServer", "vmlinuz-3.10-xen", "initrd-3.10-xen.img")],
        override=False))
    return root
