"""Gather every fact about a host once: /boot, rpm, module files."""
import os
import stat

from rescue.core import bootlinks as bootfacts, naming
from rescue.host import bootscan as bootdir, rpmdb
from rescue.errors import CannotInspect, UsageError
from rescue.core.layouts import XS56
from rescue.core.records import record

# Not needed to start rpm: imported while it answers (read_host), and
# where used.
AFTER_RPM_STARTS = ("rescue.host.statedir", "rescue.host.filedigest",
                    "rescue.host.kmodfile", "rescue.host.modinfo",
                    "rescue.core.rpmvercmp")


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
    "root dbpath boot running ovs_build modules journal next_boot markers "
    "link_owners modprobe dep_problems"))
NO_NEXT_BOOT = bootfacts.NextBoot(None, None, None, None, XS56, ())


class HostFacts(_HostFactsFields):
    # root: str
    # dbpath: str
    # boot: bootdir.BootFacts
    # running: Optional[str]
    # ovs_build: str
    # modules: Dict[str, Tuple[ModulePackage, ...]]   # by kernel release
    # journal: the recorded changes, oldest first (journal.Change)
    # next_boot: bootfacts.NextBoot   # the boot loader's next entry, layout
    # markers: bootfacts.Markers      # dracut, reboot and network markers
    # link_owners: Dict[str, str]     # boot link name -> package owning it
    # modprobe: Dict[str, ModuleFile] # release -> the module modules.dep
    #   names, where that is not the packaged one
    # dep_problems: Dict[str, str]    # release -> why modprobe finds no
    #   openvswitch module (no modules.dep, or no line for it)
    __slots__ = ()

    def __new__(cls, root, dbpath, boot, running, ovs_build, modules,
                journal, next_boot=NO_NEXT_BOOT, markers=bootfacts.NO_MARKERS,
                link_owners=None, modprobe=None, dep_problems=None):
        return super().__new__(cls, root, dbpath, boot, running, ovs_build,
                               modules, journal, next_boot, markers,
                               link_owners or {}, modprobe or {},
                               dep_problems or {})


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
           package_list=None, timeout=rpmdb.DEFAULT_TIMEOUT, firmware=None,
           deep=False, meanwhile=None):
    """Read the host below root; the only reads the decisions rest on.

    With package_list, a saved `rpm -qa --qf` listing stands in for rpm.
    meanwhile(), if given, is called while rpm answers.
    """
    read = read_host(root, dbpath, running, package_list, timeout, firmware,
                     deep, meanwhile)
    digests = {}
    if deep:
        from rescue.host import filedigest
        digests = filedigest.all_digests(read.packages)
    return assemble(root, dbpath, read.boot, running, read.packages,
                    read.changes,
                    lambda path: check_module_file(root, path,
                                                   digests.get(path)),
                    read.next_boot, read.markers, read.modprobe,
                    read.dep_problems)


# What a host's files and rpm said, before any decision: what gather turns
# into HostFacts and `snapshot` saves. loader: bootloader.BootLoaderFiles;
# modprobe: release -> the module path its modules.dep names first;
# dep_problems: release -> why its modules.dep names none.
HostReads = record("HostReads", "loader next_boot boot packages changes "
                                "modprobe markers dep_problems")


def read_host(root, dbpath, running, package_list=None,
              timeout=rpmdb.DEFAULT_TIMEOUT, firmware=None, deep=False,
              meanwhile=None):
    """Every read the decisions rest on, once: boot loader, the files its
    next entry opens, /boot, rpm (or a saved listing), the journal,
    modules.dep and the markers."""
    check_root(root)
    early = None if package_list else rpmdb.start_query(
        root, dbpath, likely_names(root, running), timeout)
    try:
        return _read_host(root, dbpath, running, package_list, timeout,
                          firmware, deep, early, meanwhile)
    finally:
        if early is not None:
            early.cancel()          # not wanted: let it end, unread


def _read_host(root, dbpath, running, package_list, timeout, firmware, deep,
               early, meanwhile):
    from rescue.core import loaderconfig as bootloader
    from rescue.host import nextboot as bootconfig, bootfiles
    loader = bootconfig.read_boot_loader(root, firmware,
                                         os.path.realpath(root) == "/")
    next_boot = bootloader.next_boot_of(loader)
    next_boot = next_boot._replace(boots=bootfiles.read_boots(
        root, next_boot, deep))
    boot = scan_next_boot(root, next_boot)
    try:                    # while rpm works: these do not need its answer
        for name in AFTER_RPM_STARTS:
            __import__(name)
        from rescue.host import filedigest, statedir as journal
        changes = journal.read_journal(bootdir.boot_dir(root))
        modprobe, dep_problems = {}, {}
        for release in sorted(releases_of(boot, running)):
            path, problem = bootconfig.modprobe_path(root, release)
            if path is not None:
                modprobe[release] = path
            else:
                dep_problems[release] = problem
        markers = bootconfig.read_markers(root)
        if meanwhile is not None:
            meanwhile()
    except Exception:       # rpm's failure came first, and still does
        read_packages(root, dbpath, boot, running, package_list, timeout,
                      early)
        raise
    packages = read_packages(root, dbpath, boot, running, package_list,
                             timeout, early)
    if deep:
        next_boot = next_boot._replace(boots=bootfiles.with_digests(
            root, next_boot.boots, filedigest.all_digests(packages)))
    return HostReads(loader, next_boot, boot, packages, changes, modprobe,
                     markers, dep_problems)


def likely_names(root, running):
    """The names read_packages will most likely ask rpm about, from /boot's
    names alone: rpm starts on them while /boot is read (~4 ms of a
    check), and its answer is used only when they are the very names."""
    try:
        names = os.listdir(bootdir.boot_dir(root))
    except (OSError, CannotInspect):
        names = ()
    releases = {naming.release_of_image(name) for name in names}
    releases.discard(None)
    if running:
        releases.add(running)
    return rpmdb.wanted_names(releases)


def scan_next_boot(root, next_boot):
    """/boot with the links the next entry names, a named file as such."""
    boot = bootdir.scan_boot(root, next_boot.link_names)
    title = next_boot.entry.title if next_boot.entry else None
    image = next_boot.link_names[0]
    return boot._replace(links={
        name: bootfacts.direct_file_link(link, title, name == image)
        for name, link in boot.links.items()})


def assemble(root, dbpath, boot, running, packages, changes,
             module_file_of, next_boot=NO_NEXT_BOOT,
             markers=bootfacts.NO_MARKERS, modprobe=None, dep_problems=None):
    """HostFacts from what was read, on a host or from a snapshot.

    module_file_of(path) -> ModuleFile says what the module file is;
    modprobe: release -> the module path modules.dep names, if any.
    """
    from rescue.core.rpmvercmp import version_key
    ovs = packages[naming.OVS_PACKAGE]
    modules, loaded = {}, {}
    for release in sorted(releases_of(boot, running)):
        modules[release] = tuple(
            ModulePackage(p.name, p.version, p.release,
                          module_file_of(rpmdb.module_file(p, release)))
            for p in module_packages(packages, release))
        path = (modprobe or {}).get(release)
        if path and path not in {p.module.path for p in modules[release]}:
            loaded[release] = module_file_of(path)
    owners = {name: package.name
              for name in boot.links
              for versions in packages.values() for package in versions
              if "/boot/" + name in package.files}
    # Two openvswitch packages at once is odd; the newer one runs.
    newest = max(ovs, key=lambda p: (version_key(p.version),
                                     version_key(p.release)))
    return HostFacts(root, dbpath, boot, running, newest.version, modules,
                     changes, next_boot, markers, owners, loaded,
                     dep_problems)


def module_packages(packages, release):
    """The installed packages that carry OVS's module for a kernel: its
    openvswitch-modules-xen package, or any that owns the module file under
    /lib/modules/<release>/ (the kernel itself, kernel-alt, an out-of-tree
    build)."""
    named = packages.get(naming.module_package_name(release) or "", ())
    owners = tuple(p for name in sorted(packages)
                   if name != naming.OVS_PACKAGE
                   for p in packages[name]
                   if p not in named and rpmdb.owns_module_of(p, release))
    return tuple(named) + owners


def releases_of(boot, running):
    """Every kernel the decisions may name: in /boot, linked, or running."""
    releases = set(boot.images)
    releases |= {r for r in bootdir.pending_pair(boot.links) if r}
    if running:
        releases.add(running)
    return releases


def read_packages(root, dbpath, boot, running, package_list=None,
                  timeout=rpmdb.DEFAULT_TIMEOUT, early=None):
    """openvswitch and the module packages of those kernels, by name.

    early: a query started before (rpmdb.start_query); its answer stands
    when it asked for these names, else it is let end unread."""
    names = rpmdb.wanted_names(releases_of(boot, running))
    if package_list:
        packages = rpmdb.read_package_list(package_list, names)
    elif early is not None and early.names == names:
        packages = early.answer()
    else:
        if early is not None:
            early.cancel()
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
    from rescue.host import statedir as journal
    return facts._replace(
        boot=scan_next_boot(facts.root, facts.next_boot),
        journal=journal.read_journal(bootdir.boot_dir(facts.root)))


def check_module_file(root, path, digest=None):
    """Is the module file there, a regular file, and whose kernel is it
    for? With rpm's digest of it, does it match?"""
    from rescue.host import filedigest, kmodfile, modinfo
    if path is None:
        return module_file_fact(None, "absent")
    full = path_in_root(root, path)
    try:
        mode = os.lstat(full).st_mode
    except (OSError, TypeError):            # TypeError: full is None
        return module_file_fact(path, "absent")
    if not stat.S_ISREG(mode):
        return module_file_fact(path, "other")
    try:
        vermagic = kmodfile.vermagic_release(full)
    except modinfo.ModinfoError as error:
        return module_file_fact(path, "file", error=str(error))
    changed = filedigest.mismatch(full, digest, "it")
    if changed:
        return module_file_fact(path, "file", error=changed)
    return module_file_fact(path, "file", vermagic)


def path_in_root(root, path):
    """root/path with the directories above it followed inside root only
    (an absolute link such as lib -> /usr/lib stays in the root), or None
    when they do not lead to a directory there."""
    directory, name = os.path.split(path)
    try:
        parts, mode = bootdir.resolve_in_root(root, (), directory or "/")
    except bootdir.Unresolved:
        return None
    if not stat.S_ISDIR(mode) or name in ("", ".", ".."):
        return None
    return os.path.join(root, *(parts + [name]))


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
