"""Which openvswitch module modprobe loads for a kernel, from its modules.dep: pure.

Each line is `module path: dependencies`; module-init-tools (CentOS 5)
writes absolute paths, kmod relative ones. When more than one line names
an openvswitch module, depmod's search order decides: override/, then
updates/, then extra/, then the rest (kernel/, the in-tree build); lines
of the same rank in file order.
"""
from rescue.core.naming import MODULE_NAMES

NAMES = tuple(name.encode("ascii") for name in MODULE_NAMES)
SEARCH_ORDER = ("override/", "updates/", "extra/")


def entries(data):
    """The module paths of the lines that name an openvswitch module, in
    file order, found without splitting a ~0.5 MB file into lines."""
    found = []
    for name in NAMES:
        at = data.find(name + b":")
        while at >= 0:
            start = data.rfind(b"\n", 0, at) + 1
            if at == start or data[at - 1:at] == b"/":
                found.append((start, data[start:at + len(name)]))
            at = data.find(name + b":", at + 1)
    return [path.decode("utf-8", "replace").strip()
            for _, path in sorted(found)]


def winning_module(data, release):
    """The absolute path modprobe loads openvswitch from, or None."""
    prefix = "/lib/modules/%s/" % release
    paths = [p if p.startswith("/") else prefix + p for p in entries(data)]
    if not paths:
        return None
    return min(paths, key=lambda path: (_rank(path[len(prefix):]
                                              if path.startswith(prefix)
                                              else path), paths.index(path)))


def _rank(relative):
    for rank, directory in enumerate(SEARCH_ORDER):
        if relative.startswith(directory):
            return rank
    return len(SEARCH_ORDER)
