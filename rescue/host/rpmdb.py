"""Ask the RPM database about openvswitch and its module packages."""
import os
from rescue.core.records import record

from rescue.core import naming
from rescue.errors import CannotInspect
from rescue.host.untrusted import read_untrusted
from rescue.host.process import DEFAULT_TIMEOUT, find_program, run, start

DEFAULT_DBPATH = "/var/lib/rpm"
MAX_LISTING_BYTES = 64 * 1024 * 1024
# Any of these makes a directory an RPM database (sqlite, bdb, ndb backends).
DATABASE_FILES = ("rpmdb.sqlite", "Packages", "Packages.db")

# One line a package, then one a file with the digest rpm recorded for it
# (FILEMD5S: rpm 4.4 on CentOS 5 knows no other name; later rpm keeps it
# as the name of FILEDIGESTS, whatever the algorithm); tabs cannot occur in
# names or versions. A listing without digests reads too.
QUERY_FORMAT = ("P\\t%{NAME}\\t%{VERSION}\\t%{RELEASE}\\n"
                "[F\\t%{FILENAMES}\\t%{FILEMD5S}\\n]")


class Package(record("Package", "name version release files digests")):
    # name: str
    # version: str
    # release: str
    # files: Tuple[str, ...]
    # digests: Dict[str, str]        # file -> hex digest rpm recorded
    __slots__ = ()

    def __new__(cls, name, version, release, files, digests=None):
        return super().__new__(cls, name, version, release, files,
                               digests or {})


def check_database(root, dbpath):
    """Refuse a dbpath without a database: rpm would silently create one."""
    path = os.path.join(root, dbpath.lstrip("/"))
    if not any(os.path.isfile(os.path.join(path, name))
               for name in DATABASE_FILES):
        raise CannotInspect(
            "no RPM database at %s (none of %s); pass --dbpath"
            % (path, ", ".join(DATABASE_FILES)))


def rpm_argv(rpm, root, dbpath, names):
    return [rpm, "--root", root, "--dbpath", dbpath, "-q",
            "--qf", QUERY_FORMAT, "--"] + list(names)


def query_packages(root, dbpath, names, timeout=DEFAULT_TIMEOUT):
    """Installed packages of the exact names given, in one rpm process."""
    check_database(root, dbpath)
    rpm = find_program("rpm")
    if rpm is None:
        raise CannotInspect("rpm not found on PATH; install rpm")
    done = run(rpm_argv(rpm, root, dbpath, names), timeout)
    return answer_of(done, names, os.path.join(root, dbpath.lstrip("/")))


class Query:
    """An rpm query started ahead of its answer (start_query)."""

    def __init__(self, root, dbpath, names, running):
        self.root, self.dbpath, self.names = root, dbpath, list(names)
        self.running = running

    def answer(self):
        """What query_packages would return (or raise) for these names."""
        return answer_of(self.running.finish(), self.names,
                         os.path.join(self.root, self.dbpath.lstrip("/")))

    def cancel(self):
        self.running.cancel()


def start_query(root, dbpath, names, timeout=DEFAULT_TIMEOUT):
    """The query of query_packages, started now so that rpm works while
    the caller reads on, or None when it could not start: query_packages
    then says why, when its answer is wanted."""
    rpm = find_program("rpm")
    try:
        check_database(root, dbpath)
        if rpm is None:
            return None
        return Query(root, dbpath, names,
                     start(rpm_argv(rpm, root, dbpath, names), timeout))
    except CannotInspect:
        return None


def answer_of(done, names, where):
    """The packages rpm printed, or why its answer cannot be trusted.

    rpm's exit status counts the names not installed, saturated at 255, so
    it is no answer: what counts is that every name it was asked about has
    a package line or a "not installed" line, and no error line.
    """
    errors = [line for line in done.stderr.splitlines()
              if line.startswith("error:")]
    if errors:
        raise CannotInspect("rpm failed on the database at %s: %s"
                            % (where, errors[-1][len("error:"):].strip()))
    packages, missing = parse_query_output(done.stdout)
    answered = len(set(packages) & set(names)) + missing
    if done.returncode < 0 or answered < len(set(names)):
        raise CannotInspect("rpm exited %d without answering for every "
                            "package: %s" % (done.returncode,
                                             done.stderr.strip()
                                             or "no message"))
    return packages


def read_package_list(path, names):
    """Packages of the given names from a saved `rpm -qa --qf` listing."""
    text = read_untrusted(path, MAX_LISTING_BYTES, "package list")
    packages, _ = parse_query_output(text.decode("utf-8", "replace"))
    if not packages:
        raise CannotInspect("package list %s holds no packages; make it with "
                            "rpm -qa --qf '%s'" % (path, QUERY_FORMAT))
    return {name: packages[name] for name in names if name in packages}


def parse_query_output(text):
    """Packages by name, and how many names rpm said are not installed."""
    found = []
    missing = 0
    current = None
    for line in text.splitlines():
        if line.startswith("P\t"):
            fields = line.split("\t", 3)
            current = None          # a damaged listing's line: no package
            if len(fields) == 4:
                current = [fields[1], fields[2], fields[3], [], {}]
                found.append(current)
        elif line.startswith("F\t") and current is not None:
            path, tab, digest = line[2:].rpartition("\t")
            if not tab or not _is_digest(digest):
                path, digest = line[2:], ""
            current[3].append(path)
            if digest:
                current[4][path] = digest
        elif line.startswith("package ") and line.endswith(" is not installed"):
            missing += 1
    packages = {}
    for name, version, release, files, digests in found:
        packages.setdefault(name, ())
        packages[name] += (Package(name, version, release, tuple(files),
                                   digests),)
    return packages, missing


def _is_digest(text):
    """An empty digest (a directory, a link) or hex of a known length."""
    return len(text) in (0, 32, 40, 56, 64, 96, 128) and all(
        c in "0123456789abcdef" for c in text)


def package_listing(packages):
    """The `rpm -q --qf` text of packages, as parse_query_output reads it."""
    lines = []
    for package in packages:
        lines.append("P\t%s\t%s\t%s" % (package.name, package.version,
                                          package.release))
        lines += ["F\t%s\t%s" % (path, package.digests.get(path, ""))
                  for path in package.files]
    return "".join(line + "\n" for line in lines)


# Packages that may carry the datapath module of a kernel, whatever the
# kernel's release: the kernel itself (7.0 on), XCP-ng's kernel-alt, and
# an out-of-tree build (6.5, 7.0).
KERNEL_PACKAGES = ("kernel", "kernel-alt", "openvswitch-modules")


def module_file(package, release=None):
    """The OVS datapath module a package owns (for release, if given)."""
    modules = [f for f in package.files
               if f.endswith(naming.MODULE_SUFFIXES)]
    if release is not None:
        inside = [f for f in modules
                  if f.startswith("/lib/modules/%s/" % release)]
        modules = inside or modules
    for wanted in naming.MODULE_NAMES:
        for path in modules:
            if path.endswith("/" + wanted):
                return path
    return modules[0] if modules else None


def owns_module_of(package, release):
    """True when the package owns OVS's module under /lib/modules/release."""
    prefix = "/lib/modules/%s/" % release
    return any(f.startswith(prefix)
               and f.rsplit("/", 1)[-1] in naming.MODULE_NAMES
               for f in package.files)


def wanted_names(releases):
    """openvswitch plus the module package of every release, sorted."""
    names = {naming.module_package_name(r) for r in releases}
    names.discard(None)
    return [naming.OVS_PACKAGE] + sorted(names | set(KERNEL_PACKAGES))
