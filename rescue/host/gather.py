"""Gather every fact about a host once: /boot, rpm, module files."""
import os
import stat

from rescue.core import naming, rpmquery
from rescue.host import bootscan, rpmdb
from rescue.errors import CannotInspect
from rescue.core.records import record

# Not needed to start rpm, so imported after it starts: these while it
# answers (read_host), the facts' and the boot links' modules where used.
AFTER_RPM_STARTS = ("rescue.host.statedir", "rescue.host.filedigest",
                    "rescue.host.kmodfile", "rescue.host.modinfo",
                    "rescue.core.rpmvercmp")


def default_running(root):
    """`uname -r` when the root is this host's, else unknown."""
    if os.path.realpath(root) == "/":
        return os.uname().release
    return None


def check_root(root):
    if not os.path.isdir(root):
        raise CannotInspect("root %s is not a directory; check --root" % root)


def gather(root, dbpath=rpmdb.DEFAULT_DBPATH, running=None,
           package_list=None, timeout=rpmdb.DEFAULT_TIMEOUT, firmware=None,
           deep=False, meanwhile=None):
    """Read the host below root; the only reads the decisions rest on.

    With package_list, a saved `rpm -qa --qf` listing stands in for rpm.
    meanwhile(), if given, is called while rpm answers.
    """
    read = read_host(root, dbpath, running, package_list, timeout, firmware,
                     deep, meanwhile)
    from rescue.core.hostfacts import assemble
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
# into HostFacts and `snapshot` saves. loader: loaderconfig.BootLoaderFiles;
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
    early = None
    if not package_list:
        try:
            early = rpmdb.start_query(root, dbpath,
                                      likely_names(root, running), timeout)
        except CannotInspect:       # said when rpm's answer is wanted
            pass
    try:
        return _read_host(root, dbpath, running, package_list, timeout,
                          firmware, deep, early, meanwhile)
    finally:
        if early is not None:
            early.cancel()          # not wanted: let it end, unread


def _read_host(root, dbpath, running, package_list, timeout, firmware, deep,
               early, meanwhile):
    from rescue.core import loaderconfig
    from rescue.core.hostfacts import releases_of
    from rescue.host import nextboot, bootfiles
    loader = nextboot.read_boot_loader(root, firmware,
                                       os.path.realpath(root) == "/")
    next_boot = loaderconfig.next_boot_of(loader)
    next_boot = next_boot._replace(boots=bootfiles.read_boots(
        root, next_boot, deep))
    boot = scan_next_boot(root, next_boot)
    try:                    # while rpm works: these do not need its answer
        for name in AFTER_RPM_STARTS:
            __import__(name)
        from rescue.host import filedigest, statedir
        changes = statedir.read_journal(bootscan.boot_dir(root))
        modprobe, dep_problems = {}, {}
        for release in sorted(releases_of(boot, running)):
            path, problem = nextboot.modprobe_path(root, release)
            if path is not None:
                modprobe[release] = path
            else:
                dep_problems[release] = problem
        markers = nextboot.read_markers(root)
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
        names = os.listdir(bootscan.boot_dir(root))
    except (OSError, CannotInspect):
        names = ()
    releases = {naming.release_of_image(name) for name in names}
    releases.discard(None)
    if running:
        releases.add(running)
    return rpmquery.wanted_names(releases)


def scan_next_boot(root, next_boot, files=bootscan.HOST_FILES):
    """/boot with the links the next entry names, a named file as such;
    files: the file system to read (a snapshot's stands in for the host's)."""
    from rescue.core import bootlinks
    boot = bootscan.scan_boot(root, next_boot.link_names, files)
    title = next_boot.entry.title if next_boot.entry else None
    image = next_boot.link_names[0]
    return boot._replace(links={
        name: bootlinks.direct_file_link(link, title, name == image)
        for name, link in boot.links.items()})


def read_packages(root, dbpath, boot, running, package_list=None,
                  timeout=rpmdb.DEFAULT_TIMEOUT, early=None):
    """openvswitch and the module packages of those kernels, by name.

    early: a query started before (rpmdb.start_query); its answer stands
    when it asked for these names, else it is let end unread."""
    from rescue.core.hostfacts import releases_of, require_ovs
    names = rpmquery.wanted_names(releases_of(boot, running))
    if package_list:
        packages = rpmdb.read_package_list(package_list, names)
    elif early is not None and early.names == names:
        packages = early.answer()
    else:
        if early is not None:
            early.cancel()
        packages = rpmdb.query_packages(root, dbpath, names, timeout)
    require_ovs(packages,
                package_list or rpmdb.database_path(root, dbpath))
    return packages


def refresh_boot(facts):
    """The same host with /boot and the journal read again.

    They are all another run of the tool changes; rpm's answers stay valid,
    so a run that has waited for the lock asks rpm nothing twice.
    """
    from rescue.host import statedir
    return facts._replace(
        boot=scan_next_boot(facts.root, facts.next_boot),
        journal=statedir.read_journal(bootscan.boot_dir(facts.root)))


def check_module_file(root, path, digest=None):
    """Is the module file there, a regular file, and whose kernel is it
    for? With rpm's digest of it, does it match?"""
    from rescue.core.hostfacts import module_file_fact
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
        parts, mode = bootscan.resolve_in_root(root, (), directory or "/")
    except bootscan.Unresolved:
        return None
    if not stat.S_ISDIR(mode) or name in ("", ".", ".."):
        return None
    return os.path.join(root, *(parts + [name]))
