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
"""
import os
import stat
import sys

MINIMUM = (3, 6)
OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH


def too_old(version_info):
    return tuple(version_info[:2]) < MINIMUM


def site_packages(main_file, version_info=sys.version_info):
    """Where in the archive to import the package from.

    site-packages-<major><minor>/ holds it compiled by that Python
    (bytecode only, see build_pyz.py: 3.6 for dom0, 3.11 for the bundled
    runtime), which it loads without compiling; any other Python, or an
    archive built without it, uses the sources. The launcher's bootstrap
    applies the same rule.
    """
    import zipimport
    archive = os.path.dirname(os.path.abspath(main_file))
    compiled = os.path.join(archive, "site-packages-%d%d"
                            % tuple(version_info[:2]))
    try:
        importer = zipimport.zipimporter(compiled)
        find = getattr(importer, "find_spec", None)     # 3.10 on
        if (find or importer.find_module)("rescue"):
            return compiled
    except zipimport.ZipImportError:
        pass
    return os.path.join(archive, "site-packages")


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


def preload_damage(archive, version_info=sys.version_info):
    """Why this Python's rescue/preload in archive is not to be run, or None.

    zipimport reads it without checking its CRC-32 (a flipped bit in
    bytecode can crash the interpreter), and preload checks every module
    after it, so it is checked first. The launcher does the same. A Python
    whose zipimport keeps no directory table (_files) skips the check.
    """
    import zipimport
    import zlib
    name = "site-packages-%d%d/rescue/preload.pyc" % tuple(version_info[:2])
    archived = zipimport.zipimporter(archive)
    entry = (getattr(archived, "_files", None) or {}).get(name)
    if entry and zlib.crc32(archived.get_data(name)) & 0xFFFFFFFF != entry[7]:
        return "%s fails its CRC-32 check" % name
    return None


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


def main():
    if too_old(sys.version_info):
        sys.stderr.write("ovs-rescue: error: needs Python 3.6 or newer, not "
                         "%s; run it with a staged python3 (install.sh "
                         "--python PATH)\n" % sys.version.split()[0])
        return 3
    archive = os.path.dirname(os.path.abspath(__file__))
    if os.geteuid() == 0:
        why = unsafe_part(archive, 0)
        if why:
            sys.stderr.write("ovs-rescue: error: refusing to run %s as root: "
                             "%s; keep it where only root can write "
                             "(install.sh)\n" % (archive, why))
            return 3
    try:
        site = site_packages(__file__)
        sys.path.insert(0, site)
        if not site.endswith("/site-packages"):     # bytecode of this Python
            why = preload_damage(archive)
            if why:
                return say_damaged(archive, why)
            from rescue.preload import install
            install(archive)
        from rescue.cli import exit_now, main as cli_main
    except Exception as error:      # what reading a damaged archive raises
        return say_damaged(archive, damage_reason(error) or "%s: %s" % (
            type(error).__name__, error))
    exit_now(cli_main())


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:       # Ctrl-C before the CLI took over
        try:
            sys.stderr.write("ovs-rescue: interrupted\n")
        finally:
            os._exit(130)
