"""The bundle a fleet is staged with: the session's zipapp and the real
runtimes (build_runtime.py's dist/runtime), so an i686 host runs i686."""
import os
import shutil
import subprocess
import sys

from tests.fleet.play import REPO

RUNTIME = os.path.join(REPO, "dist", "runtime")
ARCHES = ("i686", "x86_64")


def runtime_missing(runtime=RUNTIME):
    """Why no real bundle can be built here (a skip reason), or None."""
    absent = [arch for arch in ARCHES
              if not os.path.isfile(os.path.join(runtime, arch, "python3"))]
    if absent:
        return ("no bundled runtime for %s in %s: run python3 build_runtime.py"
                " (tests/run does)" % (", ".join(absent), runtime))
    return None


def real_bundle(folder, zipapp, runtime=RUNTIME):
    """Build folder/ovs-rescue-bundle.sh: (its path, the payload's sha256)."""
    folder = str(folder)
    os.makedirs(folder, exist_ok=True)
    shutil.copy(zipapp, os.path.join(folder, "ovs-rescue.pyz"))
    shutil.copy(os.path.join(os.path.dirname(zipapp), "ovs-rescue.8"),
                os.path.join(folder, "ovs-rescue.8"))
    shutil.copytree(runtime, os.path.join(folder, "runtime"))
    output = os.path.join(folder, "ovs-rescue-bundle.sh")
    subprocess.run([sys.executable, os.path.join(REPO, "build_bundle.py"),
                    "--dist", folder, "--output", output], check=True,
                   stdout=subprocess.DEVNULL)
    with open(output[:-3] + ".payload-sha256") as written:
        return output, written.read().strip()
