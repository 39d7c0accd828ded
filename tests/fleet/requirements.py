"""What a fleet needs from the machine running the tests."""
import os
import shutil
import subprocess

from tests.fleet import dom0root

TOOLS = ("sshd", "ssh", "ssh-keygen", "busybox", "unshare", "nsenter",
         "bash", "rpm", "ldd")


def missing(pythons=("2.7", "3.6")):
    """Why no fleet can start here (a skip reason), or None."""
    if os.geteuid() != 0:
        return "the fleet needs root (chroot, mounts, sshd)"
    absent = [tool for tool in TOOLS
              if not shutil.which(tool, path=os.environ.get("PATH", "")
                                  + ":/usr/sbin:/sbin")]
    if absent:
        return ("the fleet needs %s (tests/run installs openssh-server and "
                "busybox-static)" % ", ".join(absent))
    for version in pythons:
        try:
            dom0root.pyenv_version(version)
        except LookupError as error:
            return str(error)
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private",
                            "true"], stderr=subprocess.PIPE)
    if probe.returncode != 0:
        return "no private mount namespaces here: %s" % probe.stderr.decode(
            errors="replace").strip()
    return None
