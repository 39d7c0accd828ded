"""Host facts of every generation, built in memory: no rpm, no disk.

Each builder says what tests/generations.py puts on a real host of the
same generation (the /boot entries, the boot loader's files in the same
words, the packages' file lists, the markers, modules.dep's answer) and
turns that into HostFacts through the tool's own pure code: the boot
loader parsers, the /boot scan over a file system held in memory (the one
a snapshot replays through) and hostfacts.assemble. tests/test_purehosts.py
holds each builder equal to what gather reads from the real host.
"""
import errno
import os

from rescue.core import bootlinks, hostfacts, loaderconfig, naming, rpmquery
from rescue.host import bootfiles, bootscan, gather, snapshot
from rescue.sample import trees as sample
from tests import generations as gen
from tests.hosts import DBPATH, OVS_BUILD

ROOT = "/host"
IN_TREE = "/lib/modules/%s/kernel/net/openvswitch/openvswitch.ko"
OUT_OF_TREE = "/lib/modules/%s/extra/openvswitch/openvswitch.ko"


class PureHost(object):
    """What a fixture host holds, as the decisions see it, in memory."""

    def __init__(self):
        self.boot = {}              # name in /boot -> (kind, link target)
        self.versions = {}          # kernel file in /boot -> its release
        self.packages = {}          # name -> (rpmquery.Package, ...)
        self.modules = {}           # module path -> vermagic (on disk)
        self.dep = {}               # release -> module modules.dep names
        self.regenerate = set()     # unames dracut has not rebuilt
        self.loader = None          # loaderconfig.BootLoaderFiles

    def file(self, name, version=None):
        self.boot[name] = ("file", None)
        if version:
            self.versions[name] = version

    def link(self, name, target):
        self.boot[name] = ("link", target)

    def kernel(self, release, image=True, initrd=True):
        if image:
            self.file(naming.image_name(release), release)
        if initrd:
            self.file(naming.initrd_name(release))

    def package(self, name, version, release="1", files=()):
        self.packages.setdefault(name, ())
        self.packages[name] += (rpmquery.Package(name, version, release,
                                                 tuple(files)),)

    def module(self, path, vermagic=None, on_disk=True):
        """A module file on disk (vermagic default: its kernel's release)."""
        if on_disk:
            self.modules[path] = vermagic or path.split("/")[3]

    def facts(self, running):
        """HostFacts as gather reads them from the host this describes."""
        files = _Files(self.boot)
        next_boot = loaderconfig.next_boot_of(self.loader)
        next_boot = next_boot._replace(boots=self._boots(next_boot, files))
        boot = gather.scan_next_boot("/", next_boot, files)
        releases = hostfacts.releases_of(boot, running)
        modprobe = {r: self.dep[r] for r in releases if self.dep.get(r)}
        dep_problems = {
            r: "/lib/modules/%s/modules.dep names no openvswitch module "
               "(depmod never ran?)" % r for r in releases if r in self.dep
            and not self.dep[r]}
        markers = bootlinks.Markers(frozenset(self.regenerate), (), None)
        return hostfacts.assemble(
            ROOT, DBPATH, boot, running, self.packages, (), self._module_file,
            next_boot, markers, modprobe, dep_problems)

    def _module_file(self, path):
        if path not in self.modules:
            return hostfacts.module_file_fact(path, "absent")
        return hostfacts.module_file_fact(path, "file", self.modules[path])

    def _boots(self, next_boot, files):
        """The files the next entry opens, as bootfiles.read_boots finds
        them; their first bytes are taken to be sound."""
        entry = next_boot.entry
        if entry is None or next_boot.cannot_tell is not None:
            return None
        limit = bootfiles.MAX_LINKS.get(next_boot.loader, 7)

        def one(role, written):
            path = next_boot.entry_path(written)
            try:
                parts, _ = bootscan.resolve_in_root(
                    "/", (), path, files.lstat, files.readlink, limit)
            except bootscan.Unresolved as why:
                return bootlinks.BootFile(
                    written, None, "%s %s does not lead to a file: %s"
                    % (role, written, why), None)
            version = self.versions.get(parts[-1]) if role == "kernel" \
                else None
            return bootlinks.BootFile(written, "/" + "/".join(parts), None,
                                      version)
        roles = ("hypervisor",) * len(entry.extras) + ("kernel", "initrd")
        modules = [one(role, written) for role, written in zip(
            roles, tuple(entry.extras) + (entry.kernel, entry.initrd))]
        if next_boot.loader == loaderconfig.GRUB:
            modules = bootfiles._grub_modules(modules, roles, one)
        return bootlinks.Boots(one("hypervisor", entry.hypervisor),
                               modules[-2], modules[-1], tuple(modules[:-2]))


class _Files(snapshot.SnapshotFiles):
    """The host's /boot held in memory; a name not there is missing in
    the words the host's own file system uses."""

    def _entry(self, path):
        try:
            return super()._entry(path)
        except OSError:
            raise OSError(errno.ENOENT, os.strerror(errno.ENOENT))


def extlinux_loader(text):
    return loaderconfig.BootLoaderFiles("/boot/extlinux.conf",
                                        loaderconfig.EXTLINUX, text, None,
                                        None)


def _extlinux_files(host):
    for name in ("ldlinux.sys", "mboot.c32", "xen.gz"):
        host.file(name)


def xs62(kernels, pending, running=None, default="xe"):
    """gen.xs62_host: 5.6-6.2, extlinux, one module package a kernel."""
    host = PureHost()
    host.package(naming.OVS_PACKAGE, OVS_BUILD, files=(
        "/usr/share/openvswitch/build",))
    for k in kernels:
        host.kernel(k.release, k.image, k.initrd)
        if k.module_build:
            path = sample.module_path(k.release)
            host.package(naming.module_package_name(k.release),
                         k.module_build, files=(path,))
            host.module(path, k.vermagic, k.module_on_disk)
        host.dep[k.release] = sample.module_path(k.release) \
            if k.module_build else None
    _extlinux_files(host)
    host.file("extlinux.conf")
    if pending:
        host.link(naming.IMAGE_LINK, naming.image_name(pending))
        host.link(naming.INITRD_LINK, naming.initrd_name(pending))
    host.loader = extlinux_loader(gen.XS62_EXTLINUX.format(
        default=default, image=naming.IMAGE_LINK, initrd=naming.INITRD_LINK,
        fallback=kernels[0].release))
    return host.facts(running)


def _short_links(host, short, uname):
    host.link("vmlinuz-%s-xen" % short, "vmlinuz-" + uname)
    host.link("initrd-%s-xen.img" % short, "initrd-%s.img" % uname)


def xs65(module=True):
    """gen.xs65_host: extlinux, 3.10 links, an out-of-tree module package."""
    uname = gen.XS65_UNAME
    host = PureHost()
    host.package(naming.OVS_PACKAGE, "2.1.3")
    host.package("kernel", "3.10.41", "323", (
        "/boot/vmlinuz-" + uname, "/boot/initrd-%s.img" % uname))
    host.kernel(uname)
    if module:
        host.package("openvswitch-modules", "2.1.3",
                     files=(OUT_OF_TREE % uname,))
        host.module(OUT_OF_TREE % uname)
    host.dep[uname] = OUT_OF_TREE % uname if module else None
    _extlinux_files(host)
    host.file("extlinux.conf")
    _short_links(host, "3.10", uname)
    text = gen.XS62_EXTLINUX.format(
        default="xe", image="vmlinuz-3.10-xen", initrd="initrd-3.10-xen.img",
        fallback=uname)
    host.loader = extlinux_loader(text.replace(
        "vmlinuz-" + uname, "vmlinuz-fallback").replace(
        "initrd-%s.img" % uname, "initrd-fallback.img"))
    return host.facts(uname)


def _kernel_package(host, uname, version, release, name="kernel",
                    short="4.19", module=True, vermagic=None,
                    own_links=True):
    """gen.kernel_rpm's package: its files, and the module on disk."""
    files = ["/boot/vmlinuz-" + uname, "/boot/initrd-%s.img" % uname]
    if module:
        files.append(IN_TREE % uname)
        host.module(IN_TREE % uname, vermagic)
    if own_links:
        short = short if name == "kernel" else uname
        files += ["/boot/vmlinuz-%s-xen" % short,
                  "/boot/initrd-%s-xen.img" % short]
        _short_links(host, short, uname)
    host.package(name, version, release, files)
    host.dep[uname] = IN_TREE % uname if module else None


def _grub_loader(host, firmware, text, override_entry=None):
    path = {"bios": "/boot/grub/grub.cfg",
            "uefi": "/boot/efi/EFI/xenserver/grub.cfg"}[firmware]
    env = "# GRUB Environment Block\n"
    if override_entry is not None:
        env += "override_entry=%s\n" % override_entry
    host.loader = loaderconfig.BootLoaderFiles(
        path, loaderconfig.GRUB, text, env + "#" * (1024 - len(env)), None)


def xs70(module=True):
    """gen.xs70_host: grub, 3.10 links made by the kernel's %post."""
    uname = gen.XS70_UNAME
    host = PureHost()
    host.package(naming.OVS_PACKAGE, "2.3.2")
    _kernel_package(host, uname, "3.10.96", "484", module=module,
                    own_links=False)
    host.kernel(uname)
    host.file("xen.gz")
    _short_links(host, "3.10", uname)
    text = gen.grub_cfg("XenServer", [
        ("XenServer", "vmlinuz-3.10-xen", "initrd-3.10-xen.img")],
        override=False)
    host.loader = loaderconfig.BootLoaderFiles(
        "/boot/grub/grub.cfg", loaderconfig.GRUB, text, None, None)
    return host.facts(uname)


def xs8(brand="XCP-ng", firmware="bios", module=True, vermagic=None,
        alt=False, default=0, override_entry=None, dracut_done=True):
    """gen.xs8_host: XCP-ng 8.3 / XenServer 8, one kernel, owned links,
    GRUB for BIOS or UEFI, kernel-alt beside it if asked."""
    uname, alt_uname = gen.XS8_UNAME, gen.ALT_UNAME
    host = PureHost()
    host.package(naming.OVS_PACKAGE, "2.17.7")
    _kernel_package(host, uname, "4.19.19", "8.0.38.1.xcpng8.3",
                    module=module, vermagic=vermagic)
    host.file("vmlinuz-" + uname, uname)
    if dracut_done:
        host.file("initrd-%s.img" % uname)
    else:
        host.regenerate.add(uname)
    if alt:
        _kernel_package(host, alt_uname, "4.19.322", "1.xcpng8.3",
                        name="kernel-alt")
        host.kernel(alt_uname)
    for name in ("xen.gz", "xen-fallback.gz", "initrd-fallback.img"):
        host.file(name)
    host.file("vmlinuz-fallback", uname)
    _grub_loader(host, firmware, gen.grub_cfg(brand, gen.xs8_menu(brand, alt),
                                              default),
                 override_entry)
    return host.facts(uname)
