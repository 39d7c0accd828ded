"""The launcher runs the zipapp's one startup (rescue/zipmain.py: run)."""
import os
import subprocess

import pytest

from rescue import zipmain
from tests.hosts import K835
from tests.test_install import (  # noqa: F401  (fixtures)
    host, install, local_launcher, paths)


def launcher_script(root):
    """The Python the installed launcher runs with -c."""
    text = open(paths(root)[1]).read()
    return text.split("-c 'import sys\n", 1)[1].split("' \"$archive\"")[0]


def test_the_launcher_calls_the_zipapps_startup_in_a_few_lines(host,
                                                               install):
    assert install(host).returncode == 0
    script = launcher_script(host)
    assert len(script.splitlines()) <= 15, script
    assert "from rescue.zipmain import run\n" in script
    assert script.endswith("\nrun(archive, checked=True)")
    for copied in ("preload", "zlib", "crc32", "exit_now", "say_damaged"):
        assert copied not in script


@pytest.mark.parametrize("version", [(3, 6, 15), (3, 11, 7), (3, 13, 0)])
def test_the_launcher_looks_for_zipmain_where_bytecode_folder_says(
        host, install, version):
    """Its one copy of the rule, which it needs to find the module that
    holds the rule: the two must agree."""
    assert install(host).returncode == 0
    line = [l for l in launcher_script(host).splitlines()
            if "sys.path[:0]" in l][0]
    expression = line.split("[", 2)[2].split(",")[0]
    found = eval(expression, {"archive": "/A", "sys": FakeSys(version)})
    assert found == "/A/" + zipmain.bytecode_folder(version)


class FakeSys:
    def __init__(self, version_info):
        self.version_info = version_info


def test_the_launcher_leaves_only_init_and_zipmain_to_zipimport(
        host, install, tmp_path, python36):
    """zipimport checks no CRC: zipmain checks preload's before it runs
    those very bytes, and its own through preload, which loads the rest."""
    verbose = tmp_path / "python3"
    verbose.write_text('#!/bin/sh\nexec %s -v "$@"\n' % python36)
    verbose.chmod(0o755)
    assert install(host, python=str(verbose)).returncode == 0
    launcher, _ = local_launcher(host, tmp_path)
    done = subprocess.run([launcher, "--version"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    assert done.returncode == 0 and done.stdout.startswith("ovs-rescue ")
    zipped = [line.split()[1] for line in done.stderr.splitlines()
              if " # loaded from Zip " in line]
    assert zipped == ["rescue", "rescue.zipmain"]


def archive_opens(argv, archive):
    done = subprocess.run(
        ["strace", "-f", "-qq", "-o", "/dev/stderr", "-P", archive,
         "-e", "trace=open,openat"] + argv,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=60)
    return sum(" open" in " " + line.split(" ", 1)[-1]
               for line in done.stderr.splitlines())


def test_ctrl_c_while_the_launcher_starts_is_one_line_and_130(
        host, install, tmp_path, pyz_python):
    """At each time the start reads the archive: the launcher's own import
    of zipmain, the checked preload, preload's one read."""
    assert install(host, python=pyz_python).returncode == 0
    launcher, archive = local_launcher(host, tmp_path)
    argv = [launcher, "check", "--root", host, "--running-kernel", K835]
    opens = archive_opens(argv, archive)
    assert opens >= 3
    said = {}
    for nth in range(1, opens + 1):
        done = subprocess.run(
            ["strace", "-f", "-qq", "-o", "/dev/null", "-P", archive,
             "-e", "trace=open,openat",
             "-e", "inject=open,openat:signal=INT:when=%d" % nth] + argv,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            universal_newlines=True, timeout=60)
        said[nth] = (done.returncode, done.stderr)
    assert set(said.values()) == {(130, "ovs-rescue: interrupted\n")}, [
        (n, v) for n, v in said.items() if v[1] == ""]
