"""The one wrapper every subprocess of the tool goes through."""
import os
import subprocess
from collections import namedtuple

from rescue.errors import CannotInspect


class Completed(namedtuple("Completed", "returncode stdout stderr")):
    # returncode: int
    # stdout: str
    # stderr: str
    __slots__ = ()


def find_program(name):
    """The first executable `name` on PATH, or None (shutil costs imports)."""
    for directory in os.environ.get("PATH", os.defpath).split(os.pathsep):
        path = os.path.join(directory or ".", name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def run(argv):
    """Run argv with a C locale and no stdin; raise if it cannot start."""
    env = dict(os.environ, LC_ALL="C", LANG="C")
    try:
        proc = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                universal_newlines=True, env=env,
                                errors="replace")
    except OSError as error:
        raise CannotInspect("cannot run %s: %s" % (argv[0], error.strerror))
    stdout, stderr = proc.communicate()
    return Completed(proc.returncode, stdout, stderr)
