"""Fixture hosts on the real file system with a real RPM database.

The one place tests build hosts: real RPMs from generated spec files
(cached per session), installed with the real `rpm` into a temporary root,
a /boot of real files and symlinks, module files with a real ELF .modinfo.
"""
import hashlib
import os
import shutil
import subprocess
import textwrap
from typing import NamedTuple, Optional, Tuple

from rescue.core import naming
from rescue.sample import trees as sample

OVS_BUILD = "1.11.0"
OLD_BUILD = "1.10.0"
# Three XenServer 6.x kernels, oldest first.
K_OLD = "2.6.32.12-0.7.1.xs5.6.100.323.170596xen"
K835 = "2.6.32.43-0.4.1.xs1.8.0.835.170778xen"
K847 = "2.6.32.43-0.4.1.xs1.8.0.847.170785xen"
DBPATH = "/var/lib/rpm"
STOCK_EXTLINUX = sample.STOCK_EXTLINUX


class Rpm(NamedTuple):
    name: str
    version: str
    release: str = "1"
    files: Tuple[Tuple[str, bytes], ...] = ()
    links: Tuple[Tuple[str, str], ...] = ()     # (path, target) symlinks
    provides: Tuple[str, ...] = ()              # e.g. kernel-uname-r = 4.19.0+1
    ghosts: Tuple[str, ...] = ()                # %ghost, as dracut's initrd
    requires: Tuple[str, ...] = ()              # e.g. kernel-xen = 2.6.32-1
    arch: str = "noarch"                        # else rpmbuild --target
    legacy: bool = False                        # gzip, md5: CentOS 5's rpm


class Kernel(NamedTuple):
    release: str
    image: bool = True
    initrd: bool = True
    module_build: Optional[str] = OVS_BUILD    # None: no module RPM
    module_on_disk: bool = True
    vermagic: Optional[str] = None             # default: the release itself


def module_rpm(release, build, vermagic=None):
    """The openvswitch-modules-xen package of one kernel and OVS build."""
    elf = sample.module_elf(vermagic or release)
    return Rpm(naming.module_package_name(release), build, "1",
               ((sample.module_path(release), elf),))


def ovs_rpm(build=OVS_BUILD):
    return Rpm(naming.OVS_PACKAGE, build, "1",
               (("/usr/share/openvswitch/build", build.encode() + b"\n"),))


class RpmFactory:
    """Builds noarch RPMs with rpmbuild, each once per cache directory."""

    def __init__(self, cache_dir):
        self.cache_dir = cache_dir

    def build(self, rpm):
        digest = hashlib.sha256(repr(rpm).encode()).hexdigest()[:16]
        out = os.path.join(self.cache_dir, "%s-%s.rpm" % (rpm.name, digest))
        if os.path.exists(out):
            return out
        top = os.path.join(self.cache_dir, "build-" + digest)
        payload = os.path.join(top, "payload")
        for path, data in rpm.files:
            sample.write_file(payload, path, data)
        os.makedirs(payload, exist_ok=True)
        for path, target in rpm.links:
            full = os.path.join(payload, path.lstrip("/"))
            os.makedirs(os.path.dirname(full), exist_ok=True)
            os.symlink(target, full)
        for path in rpm.ghosts:
            sample.write_file(payload, path, b"")
        spec = os.path.join(top, "package.spec")
        with open(spec, "w") as handle:
            handle.write(_spec(rpm, payload))
        options = [] if rpm.arch == "noarch" else ["--target", rpm.arch]
        if rpm.legacy:
            options += ["--define", "_binary_payload w9.gzdio",
                        "--define", "_binary_filedigest_algorithm 1"]
        subprocess.run(["rpmbuild", "-bb", "--quiet",
                        "--define", "_topdir " + top,
                        "--define", "_build_id_links none"] + options
                       + [spec], check=True, stdout=subprocess.DEVNULL)
        built = [os.path.join(d, f) for d, _, fs in os.walk(top)
                 for f in fs if f.endswith(".rpm")]
        shutil.move(built[0], out)
        shutil.rmtree(top)
        return out


def _spec(rpm, payload):
    files = "\n".join([path for path, _ in rpm.files]
                      + [path for path, _ in rpm.links]
                      + ["%ghost " + path for path in rpm.ghosts])
    provides = "".join("Provides: %s\n" % p for p in rpm.provides)
    provides += "".join("Requires: %s\n" % r for r in rpm.requires)
    if rpm.arch == "noarch":
        provides += "BuildArch: noarch\n"
    return textwrap.dedent("""\
        Name: {name}
        Version: {version}
        Release: {release}
        Summary: ovs-rescue test package
        License: GPL
        AutoReqProv: no
        {provides}%description
        Test package.
        %install
        mkdir -p %{{buildroot}}
        cp -a {payload}/. %{{buildroot}}/
        %files
        {files}
        """).format(name=rpm.name, version=rpm.version, release=rpm.release,
                    payload=payload, files=files, provides=provides)


def install_rpms(root, paths, dbpath=DBPATH):
    """Install built RPMs into root's database with the real rpm."""
    os.makedirs(os.path.join(root, dbpath.lstrip("/")), exist_ok=True)
    command = ["rpm", "--root", root, "--dbpath", dbpath, "-i", "--nodeps",
               "--noscripts", "--ignorearch", "--force"]
    if not paths:
        command = ["rpm", "--root", root, "--dbpath", dbpath, "--initdb"]
    subprocess.run(command + list(paths), check=True,
                   stderr=subprocess.DEVNULL)


def make_host(root, factory, kernels, pending=None, ovs_build=OVS_BUILD,
              extra_rpms=()):
    """A host with these kernels; boot links at `pending`'s pair."""
    os.makedirs(root, exist_ok=True)
    os.makedirs(os.path.join(root, "boot"), exist_ok=True)
    rpms = [ovs_rpm(ovs_build)] if ovs_build else []
    rpms += list(extra_rpms)
    for kernel in kernels:
        sample.write_kernel(root, kernel.release, kernel.image, kernel.initrd)
        if kernel.module_build:
            rpms.append(module_rpm(kernel.release, kernel.module_build,
                                   kernel.vermagic))
    install_rpms(root, [factory.build(r) for r in rpms])
    for kernel in kernels:
        # depmod ran when each kernel and module package was installed
        # (module-init-tools on CentOS 5: absolute paths)
        sample.write_modules_dep(
            root, kernel.release, [sample.module_path(kernel.release)]
            if kernel.module_build else [], absolute=True)
    sample.write_extlinux_files(root)
    sample.write_file(root, "/boot/extlinux.conf", STOCK_EXTLINUX.encode())
    for kernel in kernels:
        if kernel.module_build and not kernel.module_on_disk:
            os.unlink(os.path.join(
                root, sample.module_path(kernel.release).lstrip("/")))
    if pending:
        sample.point_at(root, pending)
    return root


def tree_state(path):
    """Every entry below path with its type, link target or content hash."""
    state = {}
    for directory, dirs, files in os.walk(path):
        for name in sorted(dirs + files):
            full = os.path.join(directory, name)
            rel = os.path.relpath(full, path)
            if os.path.islink(full):
                state[rel] = ("link", os.readlink(full))
            elif os.path.isdir(full):
                state[rel] = ("dir", oct(os.lstat(full).st_mode))
            elif not os.path.isfile(full):      # a fifo or device: not read
                state[rel] = ("special", oct(os.lstat(full).st_mode),
                              os.lstat(full).st_rdev)
            else:
                if name == "rpmdb.sqlite-shm":
                    # sqlite's shared-memory index, rewritten by every read
                    # rpm makes; not data. Every other byte and mtime counts.
                    continue
                with open(full, "rb") as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
                state[rel] = ("file", digest, os.lstat(full).st_mtime_ns)
    return state


def facts_of(kernels, pending=None, running=None, ovs_build=OVS_BUILD,
             initrd_pending=None, journal=None):
    """HostFacts built in memory, for the pure decision tests."""
    from rescue.core import bootlinks, hostfacts
    images = frozenset(k.release for k in kernels if k.image)
    initrds = frozenset(k.release for k in kernels if k.initrd)
    initrd_pending = initrd_pending or pending

    def link(name, release, file_name):
        if release is None:
            return bootlinks.BootLink(name, False, None, None, None,
                                      name + " is missing")
        return bootlinks.BootLink(name, True, file_name, file_name, release,
                                  None)
    links = {
        naming.IMAGE_LINK: link(naming.IMAGE_LINK, pending,
                                pending and naming.image_name(pending)),
        naming.INITRD_LINK: link(naming.INITRD_LINK, initrd_pending,
                                 initrd_pending and
                                 naming.initrd_name(initrd_pending)),
    }
    modules = {}
    for k in kernels:
        packages = ()
        if k.module_build:
            path = sample.module_path(k.release)
            module = hostfacts.ModuleFile(
                path, (k.vermagic or k.release) if k.module_on_disk else None,
                None if k.module_on_disk else "module file missing")
            packages = (hostfacts.ModulePackage(
                naming.module_package_name(k.release), k.module_build, "1",
                module),)
        modules[k.release] = packages
    return hostfacts.HostFacts("/host", DBPATH, bootlinks.BootFacts(
        images, initrds, links), running, ovs_build, modules, journal,
        stock_next_boot(pending, initrd_pending))


def stock_next_boot(pending, initrd_pending=None):
    """The NextBoot of a 5.6-6.2 host's stock extlinux.conf whose boot
    links lead to these releases' files (None: the link is missing)."""
    from rescue.core import bootlinks, layouts, loaderconfig
    initrd_pending = initrd_pending or pending

    def boot_file(written, name, version=None):
        if name is None:
            return bootlinks.BootFile(written, None, "%s is missing"
                                      % written, None)
        return bootlinks.BootFile(written, "/boot/" + name, None, version)
    image, initrd = "/boot/" + naming.IMAGE_LINK, "/boot/" + naming.INITRD_LINK
    boots = bootlinks.Boots(
        boot_file("/boot/xen.gz", "xen.gz"),
        boot_file(image, pending and naming.image_name(pending), pending),
        boot_file(initrd, initrd_pending and naming.initrd_name(
            initrd_pending)), ())
    entry = loaderconfig.Entry("xe", "xe", image, initrd, "/boot/xen.gz", (),
                               None)
    return bootlinks.NextBoot("/boot/extlinux.conf", "extlinux", entry,
                              "DEFAULT", layouts.XS56, (), boots=boots)


def run_cli(capsys, *argv):
    """Run the command line in-process: (exit code, stdout, stderr)."""
    from rescue.cli import main
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def bench_setup(work, kernels, pending):
    """For bench/: a zipapp built from this tree and a host, under work."""
    import sys
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    pyz = os.path.join(work, "ovs-rescue.pyz")
    subprocess.run([sys.executable, os.path.join(repo, "build_pyz.py"),
                    "--output", pyz], check=True, stdout=subprocess.DEVNULL)
    factory = RpmFactory(os.path.join(work, "rpms"))
    os.makedirs(factory.cache_dir)
    root = make_host(os.path.join(work, "host"), factory, kernels, pending)
    return pyz, root
