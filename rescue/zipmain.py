"""The zipapp's __main__.py: run ovs-rescue straight from the archive.

build_pyz.py copies this file into the archive in place of shiv's
bootstrap. The runtime is pure standard-library Python, so it is imported
from inside the zip (zipimport): nothing is extracted, so there is no cache
directory another user could pre-seed, and a run needs no writable disk
(a read-only or full /boot is a rescue case). zipimport opens the archive
again by its path for each module, so as root the archive and every
directory above it must be safe from other users before anything more is
imported from it. Python 2.6 and 2.7 must be able to run this file, to say
plainly that they are too old.

The startup sequence is written once, in start(): this file run as the
zipapp's __main__.py, the launcher's -c (install.sh) and `python -m rescue`
(rescue/__main__.py) all call run(). The rule for where the bytecode of
this Python lives is written once, in bytecode_folder().
"""
import os
import stat
import sys

MINIMUM = (3, 6)
OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH
SOURCES = "site-packages"       # the package's sources, for any Python


def too_old(version_info):
    return tuple(version_info[:2]) < MINIMUM


def bytecode_folder(version_info=sys.version_info):
    """The archive's folder of the package compiled by this Python:
    site-packages-<major><minor> (build_pyz.py fills it, bytecode only: 3.6
    for dom0, 3.11 for the bundled runtime), loaded without compiling.
    Any other Python uses SOURCES. preload, build_pyz.py and the launcher's
    -c (which needs it to find this module) name it so."""
    return "%s-%d%d" % (SOURCES, version_info[0], version_info[1])


def site_packages(archive, version_info=sys.version_info):
    """Where in the archive to import the package from: its
    bytecode_folder when that holds the package (this module came from
    there, or zipimport finds rescue in it), else SOURCES."""
    import zipimport
    compiled = os.path.join(archive, bytecode_folder(version_info))
    if __file__.startswith(compiled + os.sep):      # the launcher's import
        return compiled
    try:
        importer = zipimport.zipimporter(compiled)
        find = getattr(importer, "find_spec", None)     # 3.10 on
        if (find or importer.find_module)("rescue"):
            return compiled
    except zipimport.ZipImportError:
        pass
    return os.path.join(archive, SOURCES)


def path_chain(path):
    """path and every directory above it, up to /."""
    chain = [path]
    while os.path.dirname(chain[-1]) != chain[-1]:
        chain.append(os.path.dirname(chain[-1]))
    return chain


def unsafe_part(path, euid, lstat=os.lstat):
    """Why a user other than euid or root could change path, or None.

    Checked: the file and every directory above it, where it is named and
    where its symlinks lead. A sticky directory such as /tmp is fine: others
    cannot replace root's entries in it. install.sh and its launcher make
    the same check in sh.
    """
    path = os.path.abspath(path)
    for part in path_chain(path) + path_chain(os.path.realpath(path)):
        try:
            info = lstat(part)
        except OSError as error:
            return "%s cannot be read (%s)" % (part, error.strerror)
        if info.st_uid not in (0, euid):
            return "%s is owned by uid %d, not root" % (part, info.st_uid)
        sticky_dir = stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX
        if (not stat.S_ISLNK(info.st_mode) and info.st_mode & OTHERS_WRITE
                and not sticky_dir):
            return "%s is writable by group or others (mode %o)" % (
                part, stat.S_IMODE(info.st_mode))
    return None


def checked_preload(archive, version_info=sys.version_info):
    """This Python's rescue.preload from archive, run from the very bytes
    whose CRC-32 is checked here: (module, None), or (None, why the archive
    is damaged), or (None, None) to leave it to a plain import (a zipimport
    without a directory table, _files; bytecode of another Python).

    zipimport checks no CRC (a flipped bit in bytecode can crash the
    interpreter), and preload checks every module after it, so it is
    checked first; zipimport would also read and unmarshal it twice more.
    rescue/zipmain must be there too: the launcher checks it and zipimport
    loads it from there.
    """
    import marshal
    import zipimport
    import zlib
    archived = zipimport.zipimporter(archive)
    files = getattr(archived, "_files", None)
    if files is None:
        return None, None
    folder = bytecode_folder(version_info)
    for module in ("zipmain", "preload"):
        name = "%s/rescue/%s.pyc" % (folder, module)
        if name not in files:
            return None, "rescue.%s is missing from it" % module
    data = archived.get_data(name)
    if zlib.crc32(data) & 0xFFFFFFFF != files[name][7]:
        return None, "%s fails its CRC-32 check" % name
    external = sys.modules.get("_frozen_importlib_external")
    if data[:4] != getattr(external, "MAGIC_NUMBER", None):
        return None, None
    import rescue                   # its parent, as any import of it
    module = type(sys)("rescue.preload")
    module.__file__ = os.path.join(archive, name)
    module.__package__ = "rescue"
    module.__spec__ = type(rescue.__spec__)(
        module.__name__, None, origin=module.__file__)
    sys.modules[module.__name__] = module
    try:
        exec(marshal.loads(data[16 if sys.version_info >= (3, 7) else 12:]),
             module.__dict__)
    except BaseException:
        del sys.modules[module.__name__]
        raise
    rescue.preload = module
    return module, None


def archive_of(path):
    """The archive a path inside it names (.../ovs-rescue.pyz/site-packages
    .../rescue/cli.pyc -> .../ovs-rescue.pyz), or path when it is none."""
    head, marker, _ = path.partition("/site-packages")
    return head if marker else path


def damage_reason(error):
    """A few words on what a damaged archive raised while its code was read
    (a module missing, bytecode or compressed data that does not load), or
    None when error is not of that kind."""
    name = getattr(error, "name", None) or ""
    kind = type(error)
    if kind.__name__ == "ModuleNotFoundError" and name.startswith("rescue"):
        return "%s is missing from it" % name
    if kind.__module__ == "zlib":
        return "compressed data does not inflate: %s" % str(error).split(
            ": ", 1)[-1]
    if kind.__name__ in ("ZipImportError", "DamagedEntry"):
        return str(error)
    if isinstance(error, (EOFError, ValueError)) and "marshal" in str(error):
        return "bytecode does not load: %s" % error
    if isinstance(error, (SyntaxError, ImportError)):
        return "%s: %s" % (kind.__name__, error)
    return None


def archive_damage(error, modules=sys.modules):
    """(archive, reason) when error, raised mid-run, is the zipapp the
    package runs from failing to give a module (loaded lazily), else None."""
    origin = getattr(modules.get("rescue"), "__file__", None) or ""
    archive = archive_of(origin)
    reason = damage_reason(error)
    if archive == origin or not reason or not os.path.isfile(archive):
        return None
    return archive, reason


def say_damaged(archive, reason, argv=None):
    """The one line for a damaged archive, on stderr (on stdout as the
    plugin's UNKNOWN for a monitor: --nagios or a word meant as it);
    exit code 3."""
    words = sys.argv[1:] if argv is None else argv
    text = "%s is damaged (%s): reinstall it" % (archive, reason)
    try:
        if any(word.startswith("--nag") for word in words):
            sys.stdout.write("OVS-RESCUE UNKNOWN - %s\n" % "".join(
                "?" if char == "|" or ord(char) < 32 else char
                for char in text))
            sys.stdout.flush()
        else:
            sys.stderr.write("ovs-rescue: error: %s\n" % text)
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    return 3


def start(archive, checked=False):
    """The startup sequence, up to the CLI, which exits itself; returns the
    exit code of a refusal. archive: the zipapp's path, or None for the
    package's sources (python -m rescue). checked: the launcher's shell
    made the ownership check (unsafe_path) already.

    Too old a Python is told so; as root, an archive others could change is
    refused before anything more is imported from it; then the package is
    imported from this Python's bytecode, checked (checked_preload) and read
    once (rescue.preload), else from the sources; a damaged archive is said
    in one line (say_damaged).
    """
    if too_old(sys.version_info):
        sys.stderr.write("ovs-rescue: error: needs Python 3.6 or newer, not "
                         "%s; run it with a staged python3 (install.sh "
                         "--python PATH)\n" % sys.version.split()[0])
        return 3
    # No cyclic garbage collector: a run is short, makes few cycles and
    # leaves by os._exit, and the collections its imports set off cost
    # about 4% of a `check` (callgrind).
    import gc
    gc.disable()
    if archive is None:
        from rescue.cli import exit_now, main as cli_main
        exit_now(cli_main())
    if not checked and os.geteuid() == 0:
        why = unsafe_part(archive, 0)
        if why:
            sys.stderr.write("ovs-rescue: error: refusing to run %s as root: "
                             "%s; keep it where only root can write "
                             "(install.sh)\n" % (archive, why))
            return 3
    try:
        site = site_packages(archive)
        if site not in sys.path:
            sys.path.insert(0, site)
        if not site.endswith(os.sep + SOURCES):     # bytecode of this Python
            why = checked_preload(archive)[1]
            if why:
                return say_damaged(archive, why)
            from rescue.preload import install
            if install(archive):
                # The launcher checks these bytes before it runs them; a
                # direct run never loads them, yet an archive with them
                # damaged is damaged: checked from preload's one read.
                sys.meta_path[0].payload(
                    bytecode_folder() + "/rescue/zipmain.pyc")
        from rescue.cli import exit_now, main as cli_main
    except Exception as error:      # what reading a damaged archive raises
        return say_damaged(archive, damage_reason(error) or "%s: %s" % (
            type(error).__name__, error))
    exit_now(cli_main())


def run(archive, checked=False):
    """start(), exiting with its code; Ctrl-C before the CLI took over is
    one line, exit 130."""
    try:
        sys.exit(start(archive, checked))
    except KeyboardInterrupt:
        try:
            sys.stderr.write("ovs-rescue: interrupted\n")
            sys.stderr.flush()      # 3.6 buffers a stderr that is no tty
        finally:
            os._exit(130)


if __name__ == "__main__":
    # The zipapp's __main__.py serves as the package's rescue.zipmain too
    # (cli and preload import it): read and run once.
    sys.modules["rescue.zipmain"] = sys.modules[__name__]
    run(os.path.dirname(os.path.abspath(__file__)))
