"""The upgrade's package bundle: built reproducibly on the controller,
staged on the host by stage.sh under dash, bash and busybox sh, with no
sha256sum (the Python named computes the sums), checked whole or refused."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.hostshells import SHELLS, run_sh, shell_bin

FILES = os.path.join(REPO, "ansible", "roles", "ovs_upgrade", "files")
BUILD = os.path.join(FILES, "build_packages.py")
STAGE = os.path.join(FILES, "stage.sh")


def build(packages, output):
    done = subprocess.run([sys.executable, BUILD, "--output-dir", output]
                          + list(packages), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def packages(tmp_path):
    folder = tmp_path / "candidates"
    folder.mkdir()
    for name in ("openvswitch-1.12.0-1.i386.rpm",
                 "openvswitch-modules-xen-2.6.32.43-0.4.1.xs1.8.0.847.170785"
                 "-1.12.0-1.i386.rpm"):
        (folder / name).write_bytes(os.urandom(4096))
    (folder / "README").write_text("not a package\n")
    return str(folder)


@pytest.fixture(params=SHELLS)
def bin_dir(request, tmp_path):
    """The shell's userland without sha256sum, as on CentOS 5 it may be."""
    return shell_bin(str(tmp_path / "bin"), request.param)


def stage(bin_dir, built, target, *extra):
    return run_sh(bin_dir, [built["bundle"], "--sha256", built["sha256"],
                            "--dir", target, "--python", sys.executable]
                  + list(extra))


def probe(bin_dir, built, target):
    with open(STAGE) as source:
        text = source.read()
    rc, out, err = run_sh(bin_dir, ["-c", text, "stage", "--probe",
                                    built["id"], "--dir", target,
                                    "--python", sys.executable])
    assert rc == 0, err
    return out


def test_one_set_of_packages_is_one_bundle_byte_for_byte(packages, tmp_path):
    first = build([packages], str(tmp_path / "a"))
    second = build([packages], str(tmp_path / "b"))
    assert first["id"] == second["id"]
    assert open(first["bundle"], "rb").read() == \
        open(second["bundle"], "rb").read()
    assert first["packages"] == sorted(n for n in os.listdir(packages)
                                       if n.endswith(".rpm"))


def test_staged_packages_are_whole_and_the_probe_says_so(
        bin_dir, packages, tmp_path):
    built = build([packages], str(tmp_path / "out"))
    target = str(tmp_path / "stage")
    assert probe(bin_dir, built, target).split() == ["current=no"]
    rc, out, err = stage(bin_dir, built, target)
    assert rc == 0, err
    staged = os.path.join(target, built["id"])
    assert sorted(os.listdir(staged)) == ["MANIFEST", "packages", "reload.sh"]
    for name in built["packages"]:
        assert open(os.path.join(staged, "packages", name), "rb").read() == \
            open(os.path.join(packages, name), "rb").read()
    assert os.listdir(target) == [built["id"]]          # no temp folder left
    assert "current=yes" in probe(bin_dir, built, target).split()


def test_a_damaged_staged_package_is_no_longer_current_and_is_replaced(
        bin_dir, packages, tmp_path):
    built = build([packages], str(tmp_path / "out"))
    target = str(tmp_path / "stage")
    assert stage(bin_dir, built, target)[0] == 0
    victim = os.path.join(target, built["id"], "packages",
                          built["packages"][0])
    with open(victim, "ab") as package:
        package.write(b"\0")
    assert probe(bin_dir, built, target).split() == ["current=no"]
    rc, _, err = stage(bin_dir, built, target)
    assert rc == 0, err
    assert "current=yes" in probe(bin_dir, built, target).split()
    assert os.listdir(target) == [built["id"]]


@pytest.mark.parametrize("spoil", ["payload", "sum"])
def test_a_damaged_copy_or_wrong_sum_changes_nothing(
        bin_dir, packages, tmp_path, spoil):
    built = build([packages], str(tmp_path / "out"))
    if spoil == "payload":
        data = bytearray(open(built["bundle"], "rb").read())
        data[-100] ^= 0xFF
        open(built["bundle"], "wb").write(bytes(data))
    else:
        built = dict(built, sha256="0" * 64)
    target = str(tmp_path / "stage")
    rc, out, err = stage(bin_dir, built, target)
    assert rc == 3 and "nothing was changed" in err and out == ""
    assert os.listdir(target) == []


def test_a_bundle_cut_short_changes_nothing(packages, tmp_path):
    bin_dir = shell_bin(str(tmp_path / "bin"), "dash")
    built = build([packages], str(tmp_path / "out"))
    data = open(built["bundle"], "rb").read()
    open(built["bundle"], "wb").write(data[:data.rindex(b"__OVS_UPGRADE_"
                                                       b"PAYLOAD__\n") - 1])
    rc, _, err = stage(bin_dir, built, str(tmp_path / "stage"))
    assert rc == 3 and "cut short" in err


def test_the_build_refuses_a_name_the_host_shell_would_split(tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "open vswitch.rpm").write_bytes(b"x")
    done = subprocess.run([sys.executable, BUILD, "--output-dir",
                           str(tmp_path / "out"), str(folder)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("build_packages: error: ")
    assert "open vswitch.rpm" in done.stderr


@pytest.mark.parametrize("script", [
    os.path.join(FILES, name) for name in ("stage.sh", "reload.sh",
                                           "facts.sh")] + [
    os.path.join(REPO, "tests", "standins", name)
    for name in ("openvswitch", "ovs-appctl", "ovs-vsctl")],
    ids=os.path.basename)
def test_the_host_scripts_are_shellcheck_clean_posix_sh(script):
    if not shutil.which("shellcheck"):
        pytest.fail("shellcheck is needed (tests/run installs it)")
    done = subprocess.run(["shellcheck", "-s", "sh", script],
                          stdout=subprocess.PIPE, universal_newlines=True)
    assert done.returncode == 0, done.stdout
