"""A dom0-like userland for the upgrade's host scripts: one shell as `sh`.

Each shell the scripts must run under (dash, bash, busybox sh) gets a bin
folder that is the whole PATH: `sh` is that shell, and the few tools the
scripts use come from busybox for busybox, else from the test machine.
`setsid` is there or not, as the test asks (CentOS 5 has util-linux's).
"""
import os
import shutil
import subprocess

import pytest

TOOLS = ("mkdir", "mv", "rm", "chmod", "cat", "sed", "tr", "date", "sleep",
         "tar", "gzip", "mktemp", "head", "ls", "kill", "echo", "env")
SHELLS = ("dash", "bash", "busybox")


def shell_bin(folder, shell, setsid=True, sha256sum=False):
    """A PATH folder where `sh` is `shell`; returns its path."""
    os.makedirs(folder, exist_ok=True)
    busybox = shutil.which("busybox")
    program = shutil.which(shell)
    if program is None:
        pytest.skip("%s is not installed (tests/run installs busybox-static)"
                    % shell)
    tools = list(TOOLS) + (["setsid"] if setsid else []) + (
        ["sha256sum"] if sha256sum else [])
    if shell == "busybox":
        links = {name: busybox for name in tools + ["sh"]}
    else:
        links = {name: shutil.which(name) for name in tools}
        links["sh"] = program
    for name, target in links.items():
        if target is None:
            pytest.skip("no %s on this machine" % name)
        path = os.path.join(folder, name)
        if shell == "busybox":
            # busybox picks the applet by the name it is run as.
            os.symlink(target, path)
        else:
            os.symlink(os.path.realpath(target), path)
    return folder


def run_sh(bin_dir, argv, timeout=30, **options):
    """argv run with PATH=bin_dir only: (rc, stdout, stderr)."""
    env = {"PATH": bin_dir, "LC_ALL": "C", "HOME": "/"}
    done = subprocess.run([os.path.join(bin_dir, "sh")] + list(argv),
                          env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                          timeout=timeout, universal_newlines=True, **options)
    return done.returncode, done.stdout, done.stderr
