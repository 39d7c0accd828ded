"""install.sh on fake roots: idempotent, atomic, checked, shellcheck-clean."""
import hashlib
import os
import shutil
import stat
import subprocess

import pytest

from tests.conftest import REPO
from tests.hosts import K835, K847, Kernel, tree_state

INSTALL = os.path.join(REPO, "install.sh")
SHELLS = [s for s in ("dash", "bash") if shutil.which(s)]


def sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@pytest.fixture
def host(make_host):
    return make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)


@pytest.fixture
def install(zipapp, python36):
    """install(root, *options) -> CompletedProcess of install.sh."""
    def run(root, *options, shell="sh", python=python36, env=None):
        argv = [shell, INSTALL, "--root", str(root), "--archive", zipapp]
        argv += ["--python", python] if python else []
        return subprocess.run(argv + list(options), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True,
                              env=env)
    return run


def paths(root):
    return (os.path.join(root, "boot", "ovs-rescue", "ovs-rescue.pyz"),
            os.path.join(root, "usr", "local", "sbin", "ovs-rescue"))


def leftovers(root):
    return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files
            if f.startswith(".ovs-rescue-install")]


@pytest.mark.parametrize("shell", SHELLS)
def test_install_puts_zipapp_and_launcher_and_shows_the_check(
        host, install, zipapp, python36, shell):
    done = install(host, shell=shell)
    assert done.returncode == 0, done.stderr
    archive, launcher = paths(host)
    assert sha256(archive) == sha256(zipapp)
    for path in (archive, launcher):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o755
    text = open(launcher).read()
    assert "\npython=%s\n" % python36 in text
    assert "\narchive=/boot/ovs-rescue/ovs-rescue.pyz\n" in text
    assert "installed %s\n  sha256 %s\n" % (archive, sha256(zipapp)) \
        in done.stdout
    assert all(len(line) <= 80 for line in done.stdout.replace(host, "")
               .splitlines())          # the fake root's path aside
    assert "UNSAFE to reboot" in done.stdout and "[check exit 1]" in done.stdout
    assert leftovers(host) == []


def test_second_install_changes_nothing_and_says_so(host, install):
    assert install(host).returncode == 0
    before = tree_state(host)
    done = install(host)
    assert done.returncode == 0 and "nothing changed" in done.stdout
    assert "unchanged: " in done.stdout and "installed" not in done.stdout
    assert tree_state(host) == before


def test_check_only_changes_nothing_and_exits_1_when_behind(host, install):
    before = tree_state(host)
    done = install(host, "--check-only")
    assert done.returncode == 1 and "would install" in done.stdout
    assert tree_state(host) == before
    install(host)
    done = install(host, "--check-only")
    assert done.returncode == 0 and done.stdout.startswith("up to date")


def test_a_changed_zipapp_is_replaced_and_the_launcher_kept(host, install):
    install(host)
    archive, launcher = paths(host)
    with open(archive, "ab") as damaged:
        damaged.write(b"junk")
    kept = os.stat(launcher).st_mtime_ns
    done = install(host)
    assert done.returncode == 0
    assert "installed %s" % archive in done.stdout
    assert "unchanged: %s" % launcher in done.stdout
    assert os.stat(launcher).st_mtime_ns == kept


def test_interrupted_install_leaves_the_old_version_working(host, install,
                                                            zipapp):
    install(host)
    archive, _ = paths(host)
    with open(archive, "ab") as older:          # stands for the old version
        older.write(b"\0")
    old = sha256(archive)
    killer = ["strace", "-f", "-qq", "-o", os.devnull, "-e",
              "trace=rename,renameat,renameat2", "-e",
              "inject=rename,renameat,renameat2:signal=SIGKILL"]
    done = subprocess.run(killer + ["sh", INSTALL, "--root", host,
                                    "--archive", zipapp],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert done.returncode == 3 and "old version is still in place" in done.stderr
    assert sha256(archive) == old and leftovers(host) == []


def test_a_temp_file_left_by_a_power_cut_is_swept(host, install):
    stale = os.path.join(host, "boot", "ovs-rescue",
                         ".ovs-rescue-install.12345")
    os.makedirs(os.path.dirname(stale))
    open(stale, "w").close()
    assert install(host).returncode == 0
    assert leftovers(host) == []


def fake_python(tmp_path, version):
    """An interpreter that is too old: it fails the check, names itself."""
    path = tmp_path / "python"
    path.write_text("#!/bin/sh\ncase $1 in -V) echo 'Python %s' >&2;; "
                    "*) exit 1;; esac\n" % version)
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize("options, code, message", [
    (["--bogus"], 2, "unknown option --bogus"),
    (["--prefix"], 2, "--prefix needs a value"),
    (["--prefix", "boot/x"], 2, "is not an absolute path"),
    (["--prefix", "/boot/my tool"], 2, "holds a character other than"),
    (["--python", "python3"], 2, "is not an absolute path"),
    (["--python", "/nonexistent/python3"], 3, "is not an executable file"),
    (["--archive", "/nonexistent.pyz"], 3, "is not a file"),
])
def test_bad_options_are_one_line_and_change_nothing(host, install, options,
                                                     code, message):
    before = tree_state(host)
    done = install(host, *options)
    assert done.returncode == code and message in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert tree_state(host) == before


def test_python_older_than_36_is_refused_naming_python_option(
        host, install, tmp_path):
    before = tree_state(host)
    done = install(host, python=fake_python(tmp_path, "2.4.3"))
    assert done.returncode == 3
    assert "is Python 2.4.3" in done.stderr and "--python PATH" in done.stderr
    assert tree_state(host) == before


def test_no_python3_on_path_is_refused_naming_python_option(host, install,
                                                           tmp_path):
    bin_dir = tmp_path / "bin"                  # dirname, and no python3
    bin_dir.mkdir()
    (bin_dir / "dirname").symlink_to(shutil.which("dirname"))
    done = install(host, shell=shutil.which("sh"), python=None,
                   env={"PATH": str(bin_dir)})
    assert done.returncode == 3
    assert "no python3 on PATH" in done.stderr and "--python PATH" in done.stderr


@pytest.mark.parametrize("change, why", [
    (lambda p: os.chmod(p, 0o777), "is writable by group or others"),
    (lambda p: os.chown(p, 65534, -1), "is owned by uid 65534"),
])
def test_install_refuses_a_prefix_others_can_write(host, install, change,
                                                   why):
    prefix = os.path.join(host, "boot", "ovs-rescue")
    os.makedirs(prefix)
    change(prefix)
    done = install(host)
    assert done.returncode == 3 and why in done.stderr
    assert os.listdir(prefix) == []


def test_install_refuses_a_python_others_could_replace(host, install,
                                                       tmp_path, python36):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    (shared / "python3").symlink_to(python36)
    before = tree_state(host)
    done = install(host, python=str(shared / "python3"))
    assert done.returncode == 3
    assert "shared is writable by group or others" in done.stderr
    assert tree_state(host) == before


def local_launcher(root, tmp_path):
    """The installed launcher, pointed at root's copy of the zipapp."""
    archive, launcher = paths(root)
    text = open(launcher).read().replace(
        "\narchive=/boot/ovs-rescue/ovs-rescue.pyz\n",
        "\narchive=%s\n" % archive)
    local = os.path.join(root, "usr", "local", "sbin", "ovs-rescue-local")
    with open(local, "w") as out:
        out.write(text)
    os.chmod(local, 0o755)
    return local, archive


def test_launcher_runs_the_zipapp_isolated_and_writes_nothing(
        host, install, tmp_path):
    install(host)
    launcher, _ = local_launcher(host, tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    before = tree_state(host)
    done = subprocess.run(
        [launcher, "check", "--root", host, "--running-kernel", K835],
        cwd=str(home), env={"PATH": os.environ["PATH"], "HOME": str(home),
                            "PYTHONPATH": str(home)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True)
    assert done.returncode == 1 and done.stdout.startswith("UNSAFE")
    assert list(home.iterdir()) == [] and tree_state(host) == before


@pytest.mark.parametrize("change, why", [
    (lambda a: os.chmod(a, 0o775), "is writable by group or others"),
    (lambda a: os.chown(os.path.dirname(a), 65534, -1), "is owned by uid"),
])
def test_launcher_refuses_a_zipapp_others_could_have_changed(
        host, install, tmp_path, change, why):
    install(host)
    launcher, archive = local_launcher(host, tmp_path)
    change(archive)
    done = subprocess.run([launcher, "check", "--root", host],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert done.returncode == 3 and done.stdout == ""
    assert done.stderr.startswith("ovs-rescue: error: refusing to run ")
    assert why in done.stderr and len(done.stderr.splitlines()) == 1


def test_install_sh_and_its_launcher_are_shellcheck_clean(host, install):
    install(host)
    done = subprocess.run(["shellcheck", INSTALL, paths(host)[1]],
                          stdout=subprocess.PIPE, universal_newlines=True)
    assert done.returncode == 0, done.stdout


def test_help_fits_80_columns_and_lists_exit_codes():
    done = subprocess.run(["sh", INSTALL, "--help"], stdout=subprocess.PIPE,
                          universal_newlines=True)
    assert done.returncode == 0 and "exit codes:" in done.stdout
    assert all(len(line) <= 80 for line in done.stdout.splitlines())
