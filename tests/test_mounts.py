"""Write errors on a real mount: read-only /boot, full /boot; and races.

Each mount is made in a private mount namespace (unshare -m), so nothing
outside the test sees it.
"""
import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.hosts import K835, K847, Kernel, tree_state


def can_unshare():
    return shutil.which("unshare") and subprocess.run(
        ["unshare", "-m", "true"], stderr=subprocess.DEVNULL).returncode == 0


needs_namespaces = pytest.mark.skipif(not can_unshare(),
                                      reason="needs unshare -m (root)")

FULL_BOOT = r"""
import json, os, subprocess, sys
sys.path.insert(0, os.environ["REPO"])
from tests.hosts import tree_state
root, python36, zipapp = sys.argv[1:4]
boot = os.path.join(root, "boot")
saved = {}                        # the tmpfs hides boot's files: keep them
for name in os.listdir(boot):
    path = os.path.join(boot, name)
    saved[name] = (("link", os.readlink(path)) if os.path.islink(path)
                   else ("file", open(path, "rb").read()))
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", boot],
               check=True)
for name, (kind, value) in saved.items():
    if kind == "link":
        os.symlink(value, os.path.join(boot, name))
    else:
        with open(os.path.join(boot, name), "wb") as copy:
            copy.write(value)
try:
    with open(os.path.join(boot, "filler"), "wb") as filler:
        while True:
            filler.write(b"x" * 4096)
            filler.flush()
except OSError:
    pass
before = tree_state(boot)
done = subprocess.run([python36, zipapp] + sys.argv[4:], stdout=subprocess.PIPE,
                      stderr=subprocess.PIPE, universal_newlines=True)
print(json.dumps({"rc": done.returncode, "err": done.stderr,
                  "links": os.readlink(os.path.join(boot, "vmlinuz-2.6-xen")),
                  "same": tree_state(boot) == before}))
"""


def broken_host(make_host):
    return make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)


@needs_namespaces
def test_read_only_boot_exits_3_and_changes_nothing(make_host, zipapp,
                                                    python36):
    root = broken_host(make_host)
    boot = os.path.join(root, "boot")
    before = tree_state(root)
    script = ('mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" '
              '&& shift && exec "$@"')
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", boot, python36, zipapp,
         "rollback", "--root", root, "--running-kernel", K835],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True,
        env=dict(os.environ))
    assert done.returncode == 3, done.stderr
    assert "read-only file system" in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert tree_state(root) == before


@needs_namespaces
def test_full_boot_exits_3_and_changes_nothing(make_host, zipapp, python36):
    root = broken_host(make_host)
    done = subprocess.run(
        ["unshare", "-m", sys.executable, "-c", FULL_BOOT, root,
         python36, zipapp, "rollback", "--root", root,
         "--running-kernel", K835],
        stdout=subprocess.PIPE, universal_newlines=True,
        env=dict(os.environ, REPO=REPO))
    result = json.loads(done.stdout)
    assert result["rc"] == 3 and "free" in result["err"]
    assert result["same"] and result["links"] == "vmlinuz-" + K847


def test_boot_not_writable_for_the_user_exits_3(make_host, capsys,
                                                monkeypatch):
    from tests.hosts import run_cli
    root = broken_host(make_host)
    before = tree_state(root)
    real_access = os.access
    boot = os.path.join(root, "boot")
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False
                        if path == boot and mode == os.W_OK
                        else real_access(path, mode, **kw))
    code, _, err = run_cli(capsys, "rollback", "--root", root,
                           "--running-kernel", K835)
    assert code == 3 and "not writable" in err
    assert tree_state(root) == before


def test_four_concurrent_rollbacks_end_in_the_planned_pair(make_host, zipapp,
                                                           python36):
    root = broken_host(make_host)
    env = dict(os.environ)
    runs = [subprocess.Popen([python36, zipapp, "rollback", "--root", root,
                              "--running-kernel", K835],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True, env=env)
            for _ in range(4)]
    codes = [run.wait() for run in runs]
    for run in runs:
        run.stdout.close()
        run.stderr.close()
    assert set(codes) <= {0, 3} and 0 in codes
    boot = os.path.join(root, "boot")
    assert os.readlink(os.path.join(boot, "vmlinuz-2.6-xen")) == "vmlinuz-" + K835
    assert (os.readlink(os.path.join(boot, "initrd-2.6-xen.img"))
            == "initrd-%s.img" % K835)
    journal = json.load(open(os.path.join(boot, ".ovs-rescue", "journal.json")))
    assert len(journal["changes"]) == 1
