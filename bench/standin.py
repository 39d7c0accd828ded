"""A stand-in for build_runtime.py's output, for tests and the benchmark.

runtime/<arch>/ holds python3 (a copy of Python 3.6's binary: a real ELF,
which finds its standard library where pyenv built it), python3._pth and
two stdlib zips whose text names the architecture, the names
build_runtime.py writes. install.sh is generic over the files of an
architecture's folder.
"""
import os
import shutil

ARCHES = ("i686", "x86_64")


def standin_runtime(folder, python36, arches=ARCHES):
    """folder/<arch>/ for each arch; returns folder."""
    binary = os.path.realpath(python36)
    for arch in arches:
        here = os.path.join(str(folder), arch)
        os.makedirs(here)
        shutil.copy(binary, os.path.join(here, "python3"))
        with open(os.path.join(here, "python3._pth"), "w") as pth:
            pth.write("python311-startup.zip\npython311.zip\n")
        for name, what in (("python311-startup.zip", "startup stdlib"),
                           ("python311.zip", "stdlib")):
            with open(os.path.join(here, name), "w") as stdlib:
                stdlib.write("stand-in %s for %s\n" % (what, arch))
    return str(folder)
