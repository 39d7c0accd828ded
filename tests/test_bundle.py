"""The bundle (build_bundle.py, bundle.sh) on fake roots: reproducible,
read from a copy or from standard input by each shell, checked before
anything is installed, and gone from the temp folder afterwards.

The bundled runtime is stood in for by bench/standin.py; over real SSH with
the real runtime: tests/test_fleet_ssh.py.
"""
import gzip
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile

import pytest

from bench.standin import standin_runtime
from tests.conftest import REPO
from tests.hosts import K835, K847, Kernel, tree_state

BUILD = os.path.join(REPO, "build_bundle.py")
SHELLS = [shell for shell in (["dash"], ["bash"], ["busybox", "sh"])
          if shutil.which(shell[0])]


def build(dist, output):
    """Run build_bundle.py: the payload's sha256 it wrote beside output."""
    subprocess.run([sys.executable, BUILD, "--dist", str(dist), "--output",
                    str(output)], check=True, stdout=subprocess.DEVNULL)
    with open(str(output)[:-3] + ".payload-sha256") as written:
        return written.read().strip()


@pytest.fixture(scope="session")
def bundle(tmp_path_factory, zipapp, python36):
    """(path, payload sha256) of a bundle of the session's zipapp."""
    dist = tmp_path_factory.mktemp("bundle-dist")
    shutil.copy(zipapp, str(dist / "ovs-rescue.pyz"))
    shutil.copy(os.path.join(os.path.dirname(zipapp), "ovs-rescue.8"),
                str(dist / "ovs-rescue.8"))
    standin_runtime(dist / "runtime", python36)
    output = dist / "ovs-rescue-bundle.sh"
    return str(output), build(dist, output)


@pytest.fixture
def host(make_host):
    return make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)


@pytest.fixture
def temp(tmp_path):
    folder = tmp_path / "tmp"
    folder.mkdir()
    return str(folder)


def run(argv, stdin=None, temp=None, path=None):
    env = dict(os.environ, TMPDIR=temp or "/tmp")
    if path is not None:
        env["PATH"] = path
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as source:
        done = subprocess.run(argv, stdin=source, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env)
    return (done.returncode, done.stdout.decode(errors="replace"),
            done.stderr.decode(errors="replace"))


def staged(root):
    return os.path.join(root, "boot", "ovs-rescue")


def test_two_builds_are_byte_for_byte_the_same(bundle, tmp_path):
    path, digest = bundle
    again = tmp_path / "again.sh"
    assert build(os.path.dirname(path), again) == digest
    with open(path, "rb") as one, open(str(again), "rb") as other:
        assert one.read() == other.read()


def payload_of(path):
    with open(path, "rb") as handle:
        data = handle.read()
    marker = b"\n__OVS_RESCUE_PAYLOAD__\n"
    return data[data.index(marker) + len(marker):]


def test_the_payload_is_what_install_sh_finds_beside_itself(bundle):
    path, digest = bundle
    data = payload_of(path)
    assert hashlib.sha256(data).hexdigest() == digest
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(data))) as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert {"install.sh", "ovs-rescue.pyz", "ovs-rescue.8", "bundle.sh",
            "runtime/i686/python3", "runtime/x86_64/python311.zip",
            "runtime/x86_64/python311-startup.zip"} \
        <= set(names)
    assert all(m.uid == 0 and m.mtime == 1577836800 for m in members)
    assert {m.name: m.mode for m in members}["runtime/i686/python3"] == 0o755
    assert "bundle %s:" % digest[:16] in open(path, errors="replace") \
        .readlines()[1]


@pytest.mark.parametrize("shell", SHELLS, ids=lambda s: s[0])
@pytest.mark.parametrize("how", ["copy", "stdin"])
def test_each_shell_installs_from_a_copy_or_standard_input(
        bundle, host, temp, shell, how):
    path, digest = bundle
    options = ["--sha256", digest, "--root", host]
    if how == "copy":
        code, out, err = run(shell + [path] + options, temp=temp)
    else:
        code, out, err = run(shell + ["-s", "--"] + options, stdin=path,
                             temp=temp)
    assert code == 0, err
    assert "installed %s/ovs-rescue.pyz" % staged(host) in out
    with open(os.path.join(staged(host), "BUNDLE")) as stamp:
        lines = stamp.read().splitlines()
    assert lines[0].startswith("ovs-rescue bundle %s arch=" % digest[:16])
    assert "  /usr/local/sbin/ovs-rescue" in lines[-2] + lines[-1]
    assert os.listdir(temp) == []


def probe(path, host, *options):
    """The probe's key=value answers, and the sections it printed."""
    code, out, err = run(["sh", path, "--probe", bundle_id(path), "--root",
                          host] + list(options))
    assert code == 0, err
    return out


def bundle_id(path):
    return open(path, errors="replace").readlines()[1].split()[3][:-1]


def test_the_probe_says_current_only_while_every_staged_file_is_whole(
        bundle, host, temp):
    path, digest = bundle
    assert "current=no" in probe(path, host)
    run(["sh", path, "--sha256", digest, "--root", host], temp=temp)
    answer = probe(path, host)
    assert "current=yes" in answer and "@ovs-rescue check\n" in answer
    assert '"ok": false' in answer and "@ovs-rescue exit 1" in answer
    with open(os.path.join(staged(host), "ovs-rescue.pyz"), "ab") as pyz:
        pyz.write(b"\0")
    answer = probe(path, host)
    assert "current=no" in answer and "@ovs-rescue check" not in answer


def damaged(path, tmp_path):
    copy = tmp_path / "damaged.sh"
    data = bytearray(open(path, "rb").read())
    data[-1000] ^= 0xFF
    copy.write_bytes(bytes(data))
    return str(copy)


def cut_short(path, tmp_path):
    copy = tmp_path / "short.sh"
    copy.write_bytes(open(path, "rb").read()[:20000])
    return str(copy)


@pytest.mark.parametrize("spoil, says", [
    (damaged, "the copy is damaged or not that build"),
    (cut_short, "the bundle is cut short"),
])
def test_a_spoilt_bundle_changes_nothing(bundle, host, temp, tmp_path,
                                         spoil, says):
    path, digest = bundle
    before = tree_state(host)
    code, out, err = run(["sh", spoil(path, tmp_path), "--sha256", digest,
                          "--root", host], temp=temp)
    assert code == 3 and says in err and "nothing was changed" in err
    assert tree_state(host) == before and os.listdir(temp) == []


@pytest.mark.parametrize("options, says", [
    ([], "--sha256 HEX is needed"),
    (["--sha256", "ABC"], "is not a lowercase hex sha256"),
    (["--sha256", "ab"], "is not 64 hex digits"),
    (["--bogus"], "unknown option --bogus"),
])
def test_usage_errors_are_one_line(bundle, host, options, says):
    path, _ = bundle
    code, out, err = run(["sh", path, "--root", host] + options)
    assert code == 2 and says in err and len(err.splitlines()) == 1


def test_without_sha256sum_the_bundled_python_checks_the_payload(
        bundle, host, temp, tmp_path):
    path, digest = bundle
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("sh", "tar", "gzip", "mktemp", "sed", "cat", "rm", "mkdir",
                 "chmod", "mv", "head", "uname", "cmp", "cut", "readlink",
                 "stat", "ls", "wc", "dirname", "sync", "id", "ln", "rpm"):
        os.symlink(shutil.which(tool), str(bare / tool))
    code, out, err = run(["sh", path, "--sha256", digest, "--root", host],
                         temp=temp, path=str(bare))
    assert code == 0, out + err
    assert os.path.exists(os.path.join(staged(host), "BUNDLE"))
    code, out, err = run(["sh", damaged(path, tmp_path), "--sha256", digest,
                          "--root", host], temp=temp, path=str(bare))
    assert code == 3 and "damaged" in err


def test_check_only_reports_and_installs_nothing(bundle, host, temp):
    path, digest = bundle
    before = tree_state(host)
    code, out, err = run(["sh", path, "--sha256", digest, "--root", host,
                          "--check-only", "--report", "--plan"], temp=temp)
    assert code == 1, err
    assert "@ovs-rescue install\n" in out and "\nwould install " in out
    assert "@ovs-rescue check\n" in out and "@ovs-rescue plan\n" in out
    assert "Would roll back" in out and out.endswith("@ovs-rescue end\n")
    assert tree_state(host) == before and os.listdir(temp) == []


def test_bundle_sh_is_shellcheck_clean():
    if not shutil.which("shellcheck"):
        pytest.fail("shellcheck is needed (tests/run installs it)")
    done = subprocess.run(["shellcheck", "-s", "sh",
                           os.path.join(REPO, "bundle.sh")],
                          stdout=subprocess.PIPE, universal_newlines=True)
    assert done.returncode == 0, done.stdout
