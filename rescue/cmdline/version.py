"""Which build is running: the version and the sha256 of its zipapp."""
import hashlib
import os

from rescue import __version__


def archive_of(module_file):
    """The zipapp a module was imported from, or None when run from source.

    Inside the archive a module's path runs through the .pyz file itself
    (`/boot/ovs-rescue/ovs-rescue.pyz/site-packages/rescue/cli.py`), so the
    archive is the first regular file on the way up.
    """
    path = os.path.abspath(module_file)
    while True:
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent
        if os.path.isfile(path):
            return path


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as archive:
        for block in iter(lambda: archive.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def version_text(module_file=__file__):
    """Version, then the sha256 build_pyz.py printed: two lines under 80."""
    archive = archive_of(module_file)
    if archive is None:
        return "ovs-rescue %s\nrun from source, not a built zipapp" % __version__
    try:
        build = "sha256 %s" % sha256_of(archive)
    except OSError as error:
        build = "sha256 unknown: cannot read %s: %s" % (archive,
                                                        error.strerror)
    return "ovs-rescue %s\n%s" % (__version__, build)
