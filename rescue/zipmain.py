"""The zipapp's __main__.py: run ovs-rescue straight from the archive.

build_pyz.py copies this file into the archive in place of shiv's
bootstrap. The runtime is pure standard-library Python, so it is imported
from inside the zip (zipimport): nothing is extracted, so there is no cache
directory another user could pre-seed, and a run needs no writable disk
(a read-only or full /boot is a rescue case). Python 2 must be able to
parse this file, to say plainly that it is too old.
"""
import os
import sys

MINIMUM = (3, 6)


def too_old(version_info):
    return tuple(version_info[:2]) < MINIMUM


def site_packages(main_file):
    """The archive's site-packages, beside this __main__.py inside the zip."""
    return os.path.join(os.path.dirname(os.path.abspath(main_file)),
                        "site-packages")


def main():
    if too_old(sys.version_info):
        sys.stderr.write("ovs-rescue: error: needs Python 3.6 or newer, not "
                         "%s; run it with a staged python3 (install.sh "
                         "--python PATH)\n" % sys.version.split()[0])
        return 3
    sys.path.insert(0, site_packages(__file__))
    from rescue.cli import main as cli_main
    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
