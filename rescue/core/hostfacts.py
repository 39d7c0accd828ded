"""The facts of a host, one record, and how they are put together from
what was read (on the host or from a snapshot): pure."""
from rescue.core import bootlinks, naming, rpmquery
from rescue.core.layouts import XS56
from rescue.core.records import record
from rescue.errors import CannotInspect


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
NO_NEXT_BOOT = bootlinks.NextBoot(None, None, None, None, XS56, ())


class HostFacts(_HostFactsFields):
    # root: str
    # dbpath: str
    # boot: bootlinks.BootFacts
    # running: Optional[str]
    # ovs_build: str
    # modules: Dict[str, Tuple[ModulePackage, ...]]   # by kernel release
    # journal: the recorded changes, oldest first (journal.Change)
    # next_boot: bootlinks.NextBoot   # the boot loader's next entry, layout
    # markers: bootlinks.Markers      # dracut, reboot and network markers
    # link_owners: Dict[str, str]     # boot link name -> package owning it
    # modprobe: Dict[str, ModuleFile] # release -> the module modules.dep
    #   names, where that is not the packaged one
    # dep_problems: Dict[str, str]    # release -> why modprobe finds no
    #   openvswitch module (no modules.dep, or no line for it)
    __slots__ = ()

    def __new__(cls, root, dbpath, boot, running, ovs_build, modules,
                journal, next_boot=NO_NEXT_BOOT, markers=bootlinks.NO_MARKERS,
                link_owners=None, modprobe=None, dep_problems=None):
        return super().__new__(cls, root, dbpath, boot, running, ovs_build,
                               modules, journal, next_boot, markers,
                               link_owners or {}, modprobe or {},
                               dep_problems or {})


def assemble(root, dbpath, boot, running, packages, changes,
             module_file_of, next_boot=NO_NEXT_BOOT,
             markers=bootlinks.NO_MARKERS, modprobe=None, dep_problems=None):
    """HostFacts from what was read, on a host or from a snapshot.

    module_file_of(path) -> ModuleFile says what the module file is;
    modprobe: release -> the module path modules.dep names, if any.
    """
    ovs = packages[naming.OVS_PACKAGE]
    modules, loaded = {}, {}
    for release in sorted(releases_of(boot, running)):
        modules[release] = tuple(
            ModulePackage(p.name, p.version, p.release,
                          module_file_of(rpmquery.module_file(p, release)))
            for p in module_packages(packages, release))
        path = (modprobe or {}).get(release)
        if path and path not in {p.module.path for p in modules[release]}:
            loaded[release] = module_file_of(path)
    owners = {name: package.name
              for name in boot.links
              for versions in packages.values() for package in versions
              if "/boot/" + name in package.files}
    # Two openvswitch packages at once is odd; the newer one runs.
    from rescue.core.rpmvercmp import version_key   # not before rpm starts
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
                   if p not in named
                   and naming.datapath_module_in(p.files, release))
    return tuple(named) + owners


def releases_of(boot, running):
    """Every kernel the decisions may name: in /boot, linked, or running."""
    releases = set(boot.images)
    releases |= {r for r in bootlinks.pending_pair(boot.links) if r}
    if running:
        releases.add(running)
    return releases


def require_ovs(packages, where):
    """Refuse a package set without openvswitch: the wrong root, likely."""
    if not packages.get(naming.OVS_PACKAGE):
        raise CannotInspect("%s is not installed according to %s; is "
                            "--root/--dbpath right?" % (naming.OVS_PACKAGE,
                                                        where))


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
    """(name, directory): keeps each part of a long module path under 80.

    As os.path.split splits it, without importing os into the core.
    """
    cut = path.rfind("/") + 1
    directory, name = path[:cut], path[cut:]
    if directory and directory != "/" * len(directory):
        directory = directory.rstrip("/")
    return name, directory
