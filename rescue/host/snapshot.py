"""Save what the decisions read from a host, and replay it anywhere.

`ovs-rescue snapshot` writes one JSON document: the entries of /boot, the
change journal, the openvswitch and module packages (as an `rpm -q --qf`
listing) and what each module file is. `--snapshot FILE` builds the host's
facts from that document in memory, a second source of facts beside the
host, and runs the usual decisions on them: a reviewer sees the exact plan
the host would get, without the host, and nothing is written anywhere.
"""
import os
import stat

from rescue import __version__
from rescue.core import bootlinks, hostfacts, loaderconfig, naming, rpmquery
from rescue.host import bootscan, gather, rpmdb, statedir
from rescue.errors import CannotInspect, UsageError
from rescue.host.untrusted import read_untrusted

KIND = "ovs-rescue snapshot"
SCHEMA_VERSION = 1
MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024
_MODES = {"file": stat.S_IFREG | 0o644, "link": stat.S_IFLNK | 0o777,
          "dir": stat.S_IFDIR | 0o755, "other": stat.S_IFIFO | 0o644}


def entry_kind(path):
    """file, link, dir, other, or absent: what lstat says is there."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return "absent"
    for kind, test in (("file", stat.S_ISREG), ("link", stat.S_ISLNK),
                       ("dir", stat.S_ISDIR)):
        if test(mode):
            return kind
    return "other"


def boot_entries(boot):
    """Each name in /boot (but our state directory): its kind and target."""
    entries = {}
    for name in sorted(os.listdir(boot)):
        if name == statedir.STATE_DIR:
            continue
        path = os.path.join(boot, name)
        kind = entry_kind(path)
        entries[name] = {"type": kind}
        if kind == "link":
            entries[name]["target"] = os.readlink(path)
    return entries


def take_snapshot(root, dbpath, running, package_list=None, timeout=None,
                  firmware=None):
    """The snapshot document of the host below root."""
    read = gather.read_host(root, dbpath, running, package_list,
                            timeout or rpmdb.DEFAULT_TIMEOUT, firmware)
    packages = read.packages
    listed = [p for name in sorted(packages) for p in packages[name]]
    releases = sorted(hostfacts.releases_of(read.boot, running))
    paths = {rpmquery.module_file(p, r) for p in listed for r in releases}
    modules = {}
    for path in sorted((paths | set(read.modprobe.values())) - {None}):
        if path is not None:
            found = gather.check_module_file(root, path)
            full = gather.path_in_root(root, path)
            modules[path] = {
                "type": entry_kind(full) if full else "absent",
                "vermagic": found.vermagic}
            if found.problem and found.vermagic is None:
                modules[path]["problem"] = found.problem
    return {
        "kind": KIND, "schema_version": SCHEMA_VERSION,
        "taken_by": "ovs-rescue %s" % __version__,
        "source": {"host": os.uname().nodename, "root": root,
                   "dbpath": dbpath},
        "running": running,
        "boot": boot_entries(bootscan.boot_dir(root)),
        # written back as the tool writes it: its last journal.KEEP changes
        "journal": statedir.journal_text(read.changes) if read.changes
                   else None,
        "packages": rpmquery.package_listing(listed),
        "module_files": modules,
        "boot_loader": dict(zip(loaderconfig.BootLoaderFiles._fields,
                                read.loader)),
        "markers": _markers_document(read.markers),
        "modprobe": read.modprobe,
        "modules_dep_problems": read.dep_problems,
        "boots": bootlinks.boots_document(read.next_boot.boots),
    }


def _markers_document(markers):
    return {"regenerate": sorted(markers.regenerate),
            "reboot_required": list(markers.reboot_required),
            "network_backend": markers.network_backend}


def load_snapshot(path):
    """Read and check a snapshot file; CannotInspect names what is wrong."""
    import json
    data = read_untrusted(path, MAX_SNAPSHOT_BYTES, "snapshot")
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        raise CannotInspect("snapshot %s is not JSON (%s); make it with "
                            "ovs-rescue snapshot" % (path, error))
    if not isinstance(document, dict) or document.get("kind") != KIND:
        raise CannotInspect("%s is not an ovs-rescue snapshot; make one with "
                            "ovs-rescue snapshot" % path)
    if document.get("schema_version") != SCHEMA_VERSION:
        raise CannotInspect("snapshot %s has schema_version %r; this "
                            "ovs-rescue reads %d" % (
                                path, document.get("schema_version"),
                                SCHEMA_VERSION))
    return document


class Damaged(ValueError):
    """A part of a snapshot is not what `ovs-rescue snapshot` writes; the
    text says which, in the tool's words."""


def _object(value, what):
    """value when it is a JSON object, else Damaged naming what it is."""
    if not isinstance(value, dict):
        raise Damaged("%s is not an object" % what)
    return value


def check_replay_options(root, dbpath, package_list, command, dry_run):
    """--snapshot stands for --root, --dbpath and --packages, and never writes."""
    if root != "/" or package_list or dbpath != rpmdb.DEFAULT_DBPATH:
        raise UsageError("--snapshot replays a saved host; leave out --root, "
                         "--dbpath and --packages")
    if command == "snapshot" or not dry_run:
        raise UsageError("--snapshot only replays a host: use it with status, "
                         "check, or rollback/undo --dry-run")


def replay_facts(path, running=None):
    """The HostFacts a snapshot file describes, built in memory."""
    document = load_snapshot(path)
    running = running or document.get("running")
    if running is not None and not (isinstance(running, str)
                                    and naming.is_release(running)):
        raise CannotInspect("snapshot %s: running kernel %r is not a kernel "
                            "release" % (path, running))
    try:
        return facts_of(document, running, path)
    except Damaged as error:
        why = str(error)
    except KeyError as error:
        why = "it has no %s" % error.args[0] if error.args else "a part is " \
            "missing"
    except (TypeError, AttributeError, ValueError, OSError,
            RecursionError):                # not Python's words: say ours
        why = "a part holds a value of the wrong kind"
    raise CannotInspect("snapshot %s is incomplete or damaged (%s); make it "
                        "again with ovs-rescue snapshot" % (path, why))


def facts_of(document, running, source):
    """HostFacts from a snapshot document: the pure half of a replay."""
    entries = _boot_entries(document["boot"])
    next_boot = loaderconfig.next_boot_of(_loader_files(document))
    boots = document.get("boots")
    try:
        next_boot = next_boot._replace(boots=bootlinks.boots_of_document(
            boots if boots is None else _object(boots, "boots")))
    except KeyError as error:
        raise Damaged("boots has no %s" % error.args[0])
    except TypeError:
        raise Damaged("boots holds something not a boot file")
    boot = gather.scan_next_boot("/", next_boot, SnapshotFiles(entries))
    text = document.get("journal")
    if text is not None and not isinstance(text, str):
        raise Damaged("its journal is not text")
    try:
        changes = statedir.parse_journal(text) if text else ()
    except (ValueError, RecursionError) as error:
        raise CannotInspect("snapshot %s: its journal is damaged (%s)"
                            % (source, error))
    listing = document["packages"]
    if not isinstance(listing, str):
        raise Damaged("packages is not a listing")
    found, _ = rpmquery.parse_query_output(listing)
    names = rpmquery.wanted_names(hostfacts.releases_of(boot, running))
    packages = {name: found[name] for name in names if name in found}
    hostfacts.require_ovs(packages, "snapshot %s" % source)
    modules = document["module_files"]
    if not isinstance(modules, dict):
        raise Damaged("module_files is not an object")
    modprobe = document.get("modprobe") or {}
    if not isinstance(modprobe, dict) or not all(
            isinstance(p, str) for p in modprobe.values()):
        raise Damaged("modprobe is not an object of paths")
    dep_problems = document.get("modules_dep_problems") or {}
    if not isinstance(dep_problems, dict) or not all(
            isinstance(p, str) for p in dep_problems.values()):
        raise Damaged("modules_dep_problems is not an object of text")
    return hostfacts.assemble(None, None, boot, running, packages, changes,
                              lambda path: _module_file(modules, path),
                              next_boot, _markers(document.get("markers")),
                              modprobe, dep_problems)


def _loader_files(document):
    """The BootLoaderFiles a snapshot saved (none: an older snapshot)."""
    saved = document.get("boot_loader") or {}
    if not isinstance(saved, dict):
        raise Damaged("boot_loader is not an object")
    values = [saved.get(name) for name in loaderconfig.BootLoaderFiles._fields]
    includes = values.pop(5)
    if includes is not None and not (isinstance(includes, dict) and all(
            isinstance(t, str) for t in includes.values())):
        raise Damaged("boot_loader includes is not an object of text")
    if not all(v is None or isinstance(v, str) for v in values):
        raise Damaged("boot_loader holds something not text")
    if values[1] not in (None, loaderconfig.EXTLINUX, loaderconfig.GRUB) or (
            values[0] is not None and values[2] is None):
        raise Damaged("boot_loader is not one the tool saves")
    return loaderconfig.BootLoaderFiles(*values[:5], includes=includes,
                                        wanted=values[5])


def _markers(saved):
    if saved is None:
        return bootlinks.NO_MARKERS
    saved = _object(saved, "markers")
    regenerate = saved.get("regenerate")
    pending = saved.get("reboot_required")
    backend = saved.get("network_backend")
    if not (isinstance(regenerate, list) and isinstance(pending, list)
            and all(isinstance(x, str) for x in regenerate + pending)
            and (backend is None or isinstance(backend, str))):
        raise Damaged("markers hold something not text")
    return bootlinks.Markers(frozenset(regenerate), tuple(pending), backend)


def _boot_entries(entries):
    """name -> (kind, target) of the snapshot's /boot, checked for shape."""
    if not isinstance(entries, dict):
        raise Damaged("boot is not an object")
    checked = {}
    for name, entry in entries.items():
        kind = _object(entry, "/boot entry %r" % name).get("type")
        if not isinstance(kind, str):
            raise Damaged("/boot entry %r has no type" % name)
        if "/" in name or name in ("", ".", "..") or kind not in _MODES:
            raise Damaged("bad /boot entry %r" % name)
        target = entry.get("target") if kind == "link" else None
        if kind == "link" and not isinstance(target, str):
            raise Damaged("link %r has no target" % name)
        checked[name] = (kind, target)
    return checked


class _Stat(tuple):
    st_mode = property(lambda self: self[0])


class SnapshotFiles(object):
    """A snapshot's /boot as the boot scan reads a file system: / and /boot
    are directories, /boot's saved entries are as they were saved, and
    nothing else is there."""

    def __init__(self, entries):
        self.entries = entries      # name -> (kind, target), as checked

    def _entry(self, path):
        parent, name = os.path.split(path)
        if path in ("/", "/boot"):
            return ("dir", None)
        if parent == "/boot" and name in self.entries:
            return self.entries[name]
        raise OSError(2, "not in the snapshot")     # ENOENT: unknown there

    def listdir(self, path):
        if path != "/boot":
            raise OSError(20, "not a directory in the snapshot")
        return sorted(self.entries)

    def lstat(self, path):
        return _Stat((_MODES[self._entry(path)[0]],))

    def readlink(self, path):
        return self._entry(path)[1]


def _module_file(modules, path):
    module = modules.get(path) if path is not None else None
    if module is None:
        return hostfacts.module_file_fact(path, "absent")
    module = _object(module, "module file %s" % path)
    vermagic, problem = module.get("vermagic"), module.get("problem")
    if module.get("type") not in list(_MODES) + ["absent"]:
        raise Damaged("module file %s has no type the tool saves" % path)
    if vermagic is not None and not isinstance(vermagic, str):
        raise Damaged("vermagic of %s is not a string" % path)
    if module["type"] == "file" and vermagic is None and problem:
        return hostfacts.ModuleFile(path, None, str(problem))   # the host's words
    return hostfacts.module_file_fact(path, module["type"], vermagic)
