"""Package headers as `rpm --qf` prints them, and rpm's dependency rules: pure.

The same query format serves package files (`rpm -qp`) and installed
packages (`rpm -q`): one line a package, then one a Requires, a Provides
and a file. Tabs cannot occur in names, versions or flags.
"""
from rescue.core.records import record
from rescue.core.rpmvercmp import version_key

QUERY_FORMAT = (
    "P\\t%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n"
    "[R\\t%{REQUIRENAME}\\t%{REQUIREFLAGS:depflags}\\t%{REQUIREVERSION}\\n]"
    "[V\\t%{PROVIDENAME}\\t%{PROVIDEFLAGS:depflags}\\t%{PROVIDEVERSION}\\n]"
    "[F\\t%{FILENAMES}\\n]")
NONE = "(none)"                     # what rpm prints for an absent tag

# name: str; flags: "", "=", "<", ">", "<=" or ">="; version: "[E:]V[-R]"
Dependency = record("Dependency", "name flags version")


class Header(record("Header", "name epoch version release arch requires "
                              "provides files path")):
    # name, version, release: str
    # epoch: Optional[str]           # None when the package has none
    # arch: Optional[str]            # i386, i686, x86_64, noarch ...
    # requires, provides: Tuple[Dependency, ...]
    # files: Tuple[str, ...]
    # path: Optional[str]            # the package file; None if installed
    __slots__ = ()

    @property
    def nvr(self):
        return "%s-%s-%s" % (self.name, self.version, self.release)

    @property
    def nvra(self):
        return "%s.%s" % (self.nvr, self.arch or "noarch")

    @property
    def evr(self):
        prefix = "%s:" % self.epoch if self.epoch else ""
        return "%s%s-%s" % (prefix, self.version, self.release)


def parse_headers(text, path_of=None):
    """The headers rpm printed, in order; path_of(index) names each file."""
    headers = []
    for line in text.splitlines():
        fields = line.split("\t")
        if fields[0] == "P" and len(fields) == 6:
            epoch = None if fields[2] == NONE else fields[2]
            arch = None if fields[5] == NONE else fields[5]
            path = path_of(len(headers)) if path_of else None
            headers.append([fields[1], epoch, fields[3], fields[4], arch,
                            [], [], [], path])
        elif headers and fields[0] in ("R", "V") and len(fields) == 4:
            where = headers[-1][5 if fields[0] == "R" else 6]
            where.append(Dependency(fields[1], fields[2], fields[3]))
        elif headers and fields[0] == "F" and len(fields) >= 2:
            headers[-1][7].append(line[2:])
    return tuple(Header(h[0], h[1], h[2], h[3], h[4], tuple(h[5]),
                        tuple(h[6]), tuple(h[7]), h[8]) for h in headers)


def not_installed_count(text):
    """How many names `rpm -q` said are not installed."""
    return sum(1 for line in text.splitlines()
               if line.startswith("package ")
               and line.endswith(" is not installed"))


def split_evr(evr):
    """(epoch, version, release) of "[E:]V[-R]"; epoch "0" when absent,
    release None when absent. The first ':' and the last '-' split it,
    as rpm's parseEVR does."""
    epoch, colon, rest = evr.partition(":")
    if not colon or not epoch.isdigit():
        epoch, rest = "0", evr
    version, dash, release = rest.rpartition("-")
    if not dash:
        return epoch, rest, None
    return epoch, version, release


def compare_evr(left, right):
    """-1, 0 or 1: left against right, rpm's way; a release that either
    side lacks is not compared (a Requires of `V` matches any `V-R`)."""
    (le, lv, lr), (re_, rv, rr) = split_evr(left), split_evr(right)
    key_left = [int(le), version_key(lv)]
    key_right = [int(re_), version_key(rv)]
    if lr is not None and rr is not None:
        key_left.append(version_key(lr))
        key_right.append(version_key(rr))
    return (key_left > key_right) - (key_left < key_right)


_SENSES = {"=": (0,), "<": (-1,), ">": (1,), "<=": (-1, 0), ">=": (0, 1)}


def provides(provide, require):
    """True when one Provides meets one Requires (names equal, ranges
    overlap as rpm's rpmdsCompare has them for a versioned Provides)."""
    if provide.name != require.name:
        return False
    if not require.flags or not require.version:
        return True
    if not provide.flags or not provide.version:
        return True                 # an unversioned Provides meets any
    if provide.flags != "=":
        return False                # ranged Provides: not in packages here
    return compare_evr(provide.version, require.version) in _SENSES.get(
        require.flags, ())


def satisfied(require, headers):
    """The headers whose Provides meet require (a package provides its own
    name at its own EVR, whether or not rpmbuild wrote it down)."""
    return tuple(h for h in headers
                 if any(provides(p, require) for p in h.provides
                        + (Dependency(h.name, "=", h.evr),)))


def newer(left, right):
    """-1, 0 or 1: left header's EVR against right's."""
    return compare_evr("%s:%s-%s" % (left.epoch or 0, left.version,
                                      left.release),
                       "%s:%s-%s" % (right.epoch or 0, right.version,
                                      right.release))


# Architectures by the machine they run on; noarch runs on any.
_FAMILIES = {"i386": "x86-32", "i486": "x86-32", "i586": "x86-32",
             "i686": "x86-32", "athlon": "x86-32", "x86_64": "x86-64",
             "amd64": "x86-64"}


def arch_family(arch):
    """x86-32, x86-64, the arch itself for any other, or None (noarch)."""
    if arch in (None, "noarch"):
        return None
    return _FAMILIES.get(arch, arch)


def arch_fits(arch, machine_arch):
    """Can a package of arch run where machine_arch's packages run?"""
    family, machine = arch_family(arch), arch_family(machine_arch)
    return family is None or machine is None or family == machine
