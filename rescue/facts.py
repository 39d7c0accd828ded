"""Gather every fact about a host once: /boot, rpm, module files."""
import os
import stat
from collections import namedtuple

from rescue import bootdir, journal, modinfo, naming, rpmdb
from rescue.rpmvercmp import version_key
from rescue.errors import CannotInspect, UsageError


class ModuleFile(namedtuple("ModuleFile", "path vermagic problem")):
    # path: Optional[str]            # as the package lists it, or None
    # vermagic: Optional[str]        # kernel release the module was built for
    # problem: Optional[str]         # why it cannot be loaded, if it cannot
    __slots__ = ()


_ModulePackageFields = namedtuple("ModulePackage", (
    "name version release module"))


class ModulePackage(_ModulePackageFields):
    # name: str
    # version: str                   # the OVS build it was built from
    # release: str
    # module: ModuleFile
    __slots__ = ()

    @property
    def nvr(self):
        return "%s-%s-%s" % (self.name, self.version, self.release)


_HostFactsFields = namedtuple("HostFacts", (
    "root dbpath boot running ovs_build modules journal"))


class HostFacts(_HostFactsFields):
    # root: str
    # dbpath: str
    # boot: bootdir.BootFacts
    # running: Optional[str]
    # ovs_build: str
    # modules: Dict[str, Tuple[ModulePackage, ...]]   # by kernel release
    # journal: the recorded changes, oldest first (journal.Change)
    __slots__ = ()


def default_running(root):
    """`uname -r` when the root is this host's, else unknown."""
    if os.path.realpath(root) == "/":
        return os.uname().release
    return None


def check_root(root):
    if not os.path.isdir(root):
        raise CannotInspect("root %s is not a directory; check --root" % root)


def check_release_option(release, option):
    if release is not None and not naming.is_release(release):
        raise UsageError("%s %r is not a kernel release (like "
                         "2.6.32.43-0.4.1.xs1.8.0.847.170785xen)"
                         % (option, release))


def gather(root, dbpath=rpmdb.DEFAULT_DBPATH, running=None,
           package_list=None):
    """Read the host below root; the only reads the decisions rest on.

    With package_list, a saved `rpm -qa --qf` listing stands in for rpm.
    """
    check_root(root)
    boot = bootdir.scan_boot(root)
    packages = read_packages(root, dbpath, boot, running, package_list)
    ovs = packages[naming.OVS_PACKAGE]
    modules = {}
    for release in sorted(releases_of(boot, running)):
        found = packages.get(naming.module_package_name(release) or "", ())
        modules[release] = tuple(_module_package(root, release, p) for p in found)
    # Two openvswitch packages at once is odd; the newer one runs.
    newest = max(ovs, key=lambda p: (version_key(p.version),
                                     version_key(p.release)))
    changes = journal.read_journal(bootdir.boot_dir(root))
    return HostFacts(root, dbpath, boot, running, newest.version, modules,
                     changes)


def releases_of(boot, running):
    """Every kernel the decisions may name: in /boot, linked, or running."""
    releases = set(boot.images)
    releases |= {r for r in bootdir.pending_pair(boot.links) if r}
    if running:
        releases.add(running)
    return releases


def read_packages(root, dbpath, boot, running, package_list=None):
    """openvswitch and the module packages of those kernels, by name."""
    names = rpmdb.wanted_names(releases_of(boot, running))
    if package_list:
        packages = rpmdb.read_package_list(package_list, names)
    else:
        packages = rpmdb.query_packages(root, dbpath, names)
    if not packages.get(naming.OVS_PACKAGE):
        where = package_list or os.path.join(root, dbpath.lstrip("/"))
        raise CannotInspect("%s is not installed according to %s; is "
                            "--root/--dbpath right?" % (naming.OVS_PACKAGE,
                                                        where))
    return packages


def refresh_boot(facts):
    """The same host with /boot and the journal read again.

    They are all another run of the tool changes; rpm's answers stay valid,
    so a run that has waited for the lock asks rpm nothing twice.
    """
    return facts._replace(
        boot=bootdir.scan_boot(facts.root),
        journal=journal.read_journal(bootdir.boot_dir(facts.root)))


def _module_package(root, release, package):
    return ModulePackage(package.name, package.version, package.release,
                         check_module_file(root, rpmdb.module_file(package)))


def check_module_file(root, path):
    """Is the module file there, a regular file, and whose kernel is it for?"""
    if path is None:
        return ModuleFile(None, None, "the package owns no .ko file")
    full = os.path.join(root, path.lstrip("/"))
    try:
        mode = os.lstat(full).st_mode
    except OSError:
        return ModuleFile(path, None, "module file %s missing from %s"
                          % _split(path))
    if not stat.S_ISREG(mode):
        return ModuleFile(path, None, "module file %s in %s is not a regular "
                          "file" % _split(path))
    try:
        vermagic = modinfo.vermagic_release(full)
    except modinfo.ModinfoError as error:
        return ModuleFile(path, None, "module file %s in %s: %s"
                          % (_split(path) + (error,)))
    return ModuleFile(path, vermagic, None)


def _split(path):
    """(name, directory): keeps each part of a long module path under 80."""
    directory, name = os.path.split(path)
    return name, directory
