"""Save what the decisions read from a host, and replay it anywhere.

`ovs-rescue snapshot` writes one JSON document: the entries of /boot, the
change journal, the openvswitch and module packages (as an `rpm -q --qf`
listing) and what each module file is. `--snapshot FILE` rebuilds that host
in a temporary directory and runs the usual commands on it, so a reviewer
sees the exact plan the host would get, without the host.
"""
import contextlib
import json
import os
import shutil
import stat
import tempfile

from rescue import __version__, bootdir, facts, journal, naming, rpmdb, sample
from rescue.errors import CannotInspect, UsageError

KIND = "ovs-rescue snapshot"
SCHEMA_VERSION = 1
PACKAGE_LIST = "packages.txt"


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
        if name == journal.STATE_DIR:
            continue
        path = os.path.join(boot, name)
        kind = entry_kind(path)
        entries[name] = {"type": kind}
        if kind == "link":
            entries[name]["target"] = os.readlink(path)
    return entries


def journal_document(boot):
    """The host's journal, read and written back as the tool writes it
    (its last journal.KEEP changes), or None when there is none."""
    changes = journal.read_journal(boot)   # refuses a damaged journal
    return journal.journal_text(changes) if changes else None


def take_snapshot(root, dbpath, running, package_list=None):
    """The snapshot document of the host below root."""
    facts.check_root(root)
    boot = bootdir.scan_boot(root)
    packages = facts.read_packages(root, dbpath, boot, running, package_list)
    listed = [p for name in sorted(packages) for p in packages[name]]
    modules = {}
    for package in listed:
        path = rpmdb.module_file(package)
        if path is not None:
            found = facts.check_module_file(root, path)
            modules[path] = {
                "type": entry_kind(os.path.join(root, path.lstrip("/"))),
                "vermagic": found.vermagic}
    return {
        "kind": KIND, "schema_version": SCHEMA_VERSION,
        "taken_by": "ovs-rescue %s" % __version__,
        "source": {"host": os.uname().nodename, "root": root,
                   "dbpath": dbpath},
        "running": running,
        "boot": boot_entries(bootdir.boot_dir(root)),
        "journal": journal_document(bootdir.boot_dir(root)),
        "packages": rpmdb.package_listing(listed),
        "module_files": modules,
    }


def load_snapshot(path):
    """Read and check a snapshot file; CannotInspect names what is wrong."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as error:
        raise CannotInspect("cannot read snapshot %s: %s"
                            % (path, error.strerror))
    except ValueError as error:
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


def restore(document, root, source="snapshot"):
    """Rebuild the snapshot's host below root; return its package list."""
    try:
        _restore_boot(document["boot"], root)
        if document.get("journal"):
            sample.write_file(root, "/boot/%s/%s" % (journal.STATE_DIR,
                                                     journal.JOURNAL),
                              document["journal"].encode())
        for path, module in document["module_files"].items():
            _restore_module(root, path, module)
        listing = os.path.join(root, PACKAGE_LIST)
        with open(listing, "w", encoding="utf-8") as out:
            out.write(document["packages"])
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise CannotInspect("snapshot %s is incomplete or damaged (%s: %s)"
                            % (source, type(error).__name__, error))
    return listing


def _inside(root, path):
    """root/path, refusing names that would climb out of root."""
    parts = [p for p in path.split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        raise ValueError("bad path %r" % path)
    return os.path.join(root, *parts)


def _restore_boot(entries, root):
    boot = bootdir.boot_dir(root)
    os.makedirs(boot, exist_ok=True)
    for name, entry in sorted(entries.items()):
        path = _inside(boot, name)
        kind = entry["type"]
        if kind == "file":
            with open(path, "wb") as placeholder:
                placeholder.write(b"from a snapshot\n")
        elif kind == "link":
            os.symlink(entry["target"], path)
        elif kind == "dir":
            os.mkdir(path)


def _restore_module(root, path, module):
    full = _inside(root, path)
    kind = module["type"]
    if kind == "file":
        vermagic = module["vermagic"]
        sample.write_file(root, path, sample.module_elf(vermagic) if vermagic
                          else b"not an ELF object\n")
    elif kind in ("dir", "other"):
        os.makedirs(full)
    elif kind == "link":
        os.makedirs(os.path.dirname(full), exist_ok=True)
        os.symlink("missing", full)


def check_replay_options(args):
    """--snapshot stands for --root, --dbpath and --packages, and never writes."""
    if args.root != "/" or args.packages or args.dbpath != rpmdb.DEFAULT_DBPATH:
        raise UsageError("--snapshot replays a saved host; leave out --root, "
                         "--dbpath and --packages")
    if args.command == "snapshot" or not getattr(args, "dry_run", True):
        raise UsageError("--snapshot only replays a host: use it with status, "
                         "check, or rollback/undo --dry-run")


@contextlib.contextmanager
def replayed(args):
    """args pointed at the snapshot's host, rebuilt in a temporary directory."""
    check_replay_options(args)
    document = load_snapshot(args.snapshot)
    running = args.running_kernel or document.get("running")
    if running is not None and not naming.is_release(running):
        raise CannotInspect("snapshot %s: running kernel %r is not a kernel "
                            "release" % (args.snapshot, running))
    try:
        root = tempfile.mkdtemp(prefix="ovs-rescue-replay-")
    except OSError as error:
        raise CannotInspect("cannot make a directory to replay snapshot %s "
                            "in: %s; set TMPDIR" % (args.snapshot,
                                                    error.strerror))
    try:
        try:
            args.packages = restore(document, root, args.snapshot)
        except OSError as error:
            raise CannotInspect("cannot rebuild snapshot %s in %s: %s; set "
                                "TMPDIR" % (args.snapshot, root,
                                            error.strerror))
        args.root, args.running_kernel = root, running
        yield args
    finally:
        shutil.rmtree(root, ignore_errors=True)
