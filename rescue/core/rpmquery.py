"""What rpm says about packages, as text: the query, its parse, and the
rules that find OVS's module in a package's files. Pure."""
from rescue.core import naming
from rescue.core.records import record
from rescue.errors import CannotInspect

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
    """The OVS datapath module a package owns (for release, if given).

    Laxer than naming.datapath_module_in, which says whether a package
    carries the module for a kernel: the package named for a release may
    own its module elsewhere (a packaging slip), and that file is still
    the one to check and report."""
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


def wanted_names(releases):
    """openvswitch plus the module package of every release, sorted."""
    names = {naming.module_package_name(r) for r in releases}
    names.discard(None)
    return [naming.OVS_PACKAGE] + sorted(names | set(KERNEL_PACKAGES))
