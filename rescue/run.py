"""The one wrapper every subprocess of the tool goes through."""
import os
import subprocess
from typing import NamedTuple, Sequence

from rescue.errors import CannotInspect


class Completed(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


def run(argv: Sequence[str]) -> Completed:
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
