"""Gather every fact about a host once: /boot, rpm, module files."""
import os
import stat
from rescue.records import record

from rescue import bootdir, journal, modinfo, naming, rpmdb
from rescue.rpmvercmp import version_key
from rescue.errors import CannotInspect, UsageError


class ModuleFile(record("ModuleFile", "path vermagic problem")):
    # path: Optional[str]            # as the package lists it, or None
    # vermagic: Optional[str]        # kernel release the module was built for
    # problem: Optional[str]         # why it cannot be loaded, if it cannot
    __slots__ = ()


_ModulePackageFields = record("ModulePackage", (
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


_HostFactsFields = record("HostFacts", (
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
           package_list=None, timeout=rpmdb.DEFAULT_TIMEOUT):
    """Read the host below root; the only reads the decisions rest on.

    With package_list, a saved `rpm -qa --qf` listing stands in for rpm.
    """
    check_root(root)
    boot = bootdir.scan_boot(root)
    packages = read_packages(root, dbpath, boot, running, package_list,
                             timeout)
    changes = journal.read_journal(bootdir.boot_dir(root))
    return assemble(root, dbpath, boot, running, packages, changes,
                    lambda path: check_module_file(root, path))


def assemble(root, dbpath, boot, running, packages, changes,
             module_file_of):
    """HostFacts from what was read, on a host or from a snapshot.

    module_file_of(path) -> ModuleFile says what the module file is.
    """
    ovs = packages[naming.OVS_PACKAGE]
    modules = {}
    for release in sorted(releases_of(boot, running)):
        found = packages.get(naming.module_package_name(release) or "", ())
        modules[release] = tuple(
            ModulePackage(p.name, p.version, p.release,
                          module_file_of(rpmdb.module_file(p)))
            for p in found)
    # Two openvswitch packages at once is odd; the newer one runs.
    newest = max(ovs, key=lambda p: (version_key(p.version),
                                     version_key(p.release)))
    return HostFacts(root, dbpath, boot, running, newest.version, modules,
                     changes)


def releases_of(boot, running):
    """Every kernel the decisions may name: in /boot, linked, or running."""
    releases = set(boot.images)
    releases |= {r for r in bootdir.pending_pair(boot.links) if r}
    if running:
        releases.add(running)
    return releases


def read_packages(root, dbpath, boot, running, package_list=None,
                  timeout=rpmdb.DEFAULT_TIMEOUT):
    """openvswitch and the module packages of those kernels, by name."""
    names = rpmdb.wanted_names(releases_of(boot, running))
    if package_list:
        packages = rpmdb.read_package_list(package_list, names)
    else:
        packages = rpmdb.query_packages(root, dbpath, names, timeout)
    require_ovs(packages, package_list or os.path.join(root,
                                                       dbpath.lstrip("/")))
    return packages


def require_ovs(packages, where):
    """Refuse a package set without openvswitch: the wrong root, likely."""
    if not packages.get(naming.OVS_PACKAGE):
        raise CannotInspect("%s is not installed according to %s; is "
                            "--root/--dbpath right?" % (naming.OVS_PACKAGE,
                                                        where))


def refresh_boot(facts):
    """The same host with /boot and the journal read again.

    They are all another run of the tool changes; rpm's answers stay valid,
    so a run that has waited for the lock asks rpm nothing twice.
    """
    return facts._replace(
        boot=bootdir.scan_boot(facts.root),
        journal=journal.read_journal(bootdir.boot_dir(facts.root)))


def check_module_file(root, path):
    """Is the module file there, a regular file, and whose kernel is it for?"""
    if path is None:
        return module_file_fact(None, "absent")
    full = os.path.join(root, path.lstrip("/"))
    try:
        mode = os.lstat(full).st_mode
    except OSError:
        return module_file_fact(path, "absent")
    if not stat.S_ISREG(mode):
        return module_file_fact(path, "other")
    try:
        vermagic = modinfo.vermagic_release(full)
    except modinfo.ModinfoError as error:
        return module_file_fact(path, "file", error=str(error))
    return module_file_fact(path, "file", vermagic)


def module_file_fact(path, kind, vermagic=None, error=None):
    """The ModuleFile of a module path from what is there (lstat's kind:
    file, absent or anything else) and what its .modinfo said."""
    if path is None:
        return ModuleFile(None, None, "the package owns no .ko file")
    if kind == "absent":
        return ModuleFile(path, None, "module file %s missing from %s"
                          % _split(path))
    if kind != "file":
        return ModuleFile(path, None, "module file %s in %s is not a regular "
                          "file" % _split(path))
    if vermagic is None:
        return ModuleFile(path, None, "module file %s in %s: %s"
                          % (_split(path) + (error or "no vermagic",)))
    return ModuleFile(path, vermagic, None)


def _split(path):
    """(name, directory): keeps each part of a long module path under 80."""
    directory, name = os.path.split(path)
    return name, directory
