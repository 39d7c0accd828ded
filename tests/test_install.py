"""install.sh on fake roots: idempotent, atomic, checked, shellcheck-clean.

The bundled runtime is stood in for by bench/standin.py: Python 3.6's
binary beside files of the names build_runtime.py writes.
"""
import hashlib
import os
import re
import shutil
import stat
import subprocess

import pytest

from bench.standin import ARCHES, standin_runtime
from tests.conftest import REPO
from tests.hosts import K835, K847, Kernel, tree_state
from tests.zipdamage import DAMAGE, TRUNCATED, python_tag

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


def man_page(root):
    """Where the man page goes: share/man/man8 of the launcher's prefix."""
    return os.path.join(root, "usr", "local", "share", "man", "man8",
                        "ovs-rescue.8")


def built_man_page(zipapp):
    """The page build_pyz.py wrote beside the zipapp."""
    return os.path.join(os.path.dirname(zipapp), "ovs-rescue.8")


STAGED_PYTHON = "/boot/ovs-rescue/runtime/python3"


@pytest.fixture
def bundle(tmp_path, zipapp, python36):
    """A release bundle: install.sh, ovs-rescue.pyz, ovs-rescue.8,
    runtime/<arch>/."""
    folder = tmp_path / "bundle"
    folder.mkdir()
    shutil.copy(INSTALL, str(folder / "install.sh"))
    shutil.copy(zipapp, str(folder / "ovs-rescue.pyz"))
    shutil.copy(built_man_page(zipapp), str(folder / "ovs-rescue.8"))
    standin_runtime(folder / "runtime", python36)
    return str(folder)


def run_bundle(bundle, root, *options, shell="sh", env=None):
    """install.sh of the bundle, as an operator runs it: no --python."""
    return subprocess.run([shell, os.path.join(bundle, "install.sh"),
                           "--root", str(root)] + list(options),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=env)


def staged_runtime(root):
    return os.path.join(root, "boot", "ovs-rescue", "runtime")


def runtime_folders(root):
    prefix = os.path.join(root, "boot", "ovs-rescue")
    return sorted(n for n in os.listdir(prefix) if n.startswith("runtime."))


def staged_arch(root):
    """Which architecture's runtime is behind the link, by its stdlib zip."""
    with open(os.path.join(staged_runtime(root), "python311.zip")) as text:
        return text.read().split()[-1]


def sums_hold(folder):
    """The staged SHA256SUMS matches every file beside it, and lists all."""
    done = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"],
                          cwd=folder, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True)
    listed = {line.split()[1] for line in open(os.path.join(folder,
                                                            "SHA256SUMS"))}
    return (done.returncode == 0 and
            listed | {"SHA256SUMS"} == set(os.listdir(folder)))


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
    assert "\npython='%s'\n" % python36 in text
    assert "\narchive='/boot/ovs-rescue/ovs-rescue.pyz'\n" in text
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


def test_no_runtime_and_no_python3_on_path_is_refused_naming_python_option(
        host, zipapp, tmp_path):
    lone = tmp_path / "lone"                    # a bundle without runtime/
    lone.mkdir()
    shutil.copy(INSTALL, str(lone / "install.sh"))
    shutil.copy(zipapp, str(lone / "ovs-rescue.pyz"))
    done = run_bundle(str(lone), host, shell=shutil.which("sh"),
                      env={"PATH": bare_path(tmp_path, ("python3",))})
    assert done.returncode == 3
    assert "no python3 on PATH" in done.stderr and "--python PATH" in done.stderr
    assert len(done.stderr.splitlines()) == 1


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
    """The installed launcher, pointed at root's zipapp (and runtime)."""
    archive, launcher = paths(root)
    text = open(launcher).read().replace(
        "\narchive='/boot/ovs-rescue/ovs-rescue.pyz'\n",
        "\narchive='%s'\n" % archive).replace(
        "\npython='%s'\n" % STAGED_PYTHON,
        "\npython='%s%s'\n" % (root, STAGED_PYTHON))
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


@pytest.mark.parametrize("redirect", [">/dev/full", ">&-"])
def test_launcher_keeps_the_verdict_when_stdout_cannot_be_written(
        host, install, tmp_path, redirect):
    install(host)
    launcher, _ = local_launcher(host, tmp_path)
    done = subprocess.run(
        "%s check --root %s --running-kernel %s %s" % (launcher, host, K835,
                                                       redirect),
        shell=True, stderr=subprocess.PIPE, universal_newlines=True)
    assert done.returncode == 1, done.stderr
    assert "Exception" not in done.stderr and "Traceback" not in done.stderr


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


def test_launcher_says_a_damaged_zipapp_in_one_line_and_exits_3(
        host, install, tmp_path, pyz_python, zipapp):
    """Cut short, bits flipped, a header broken, a module missing: under
    each Python the launcher may run, one line and exit 3, nothing
    changed; never a traceback, a crash, or damaged bytecode run."""
    install(host, python=pyz_python)
    launcher, archive = local_launcher(host, tmp_path)
    with open(zipapp, "rb") as handle:
        data = handle.read()
    tag = python_tag(pyz_python)
    staged = os.path.relpath(archive, host)
    before = tree_state(host)
    del before[staged]
    said = {}
    for label, damage in DAMAGE + TRUNCATED:
        with open(archive, "wb") as out:
            out.write(damage(data, tag))
        done = subprocess.run([launcher, "rollback", "--root", host,
                               "--running-kernel", K835],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)
        said[label] = (done.returncode, done.stderr)
    after = tree_state(host)
    del after[staged]
    assert after == before
    wrong = {label: (code, text) for label, (code, text) in said.items()
             if code != 3 or text.count("\n") != 1 or not text.startswith(
                 "ovs-rescue: error: %s is damaged (" % archive)}
    assert wrong == {}


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


# The bundled runtime ----------------------------------------------------

@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("arch", ARCHES)
def test_install_stages_the_runtime_of_the_arch_and_the_launcher_uses_it(
        host, bundle, arch, shell):
    done = run_bundle(bundle, host, "--arch", arch, shell=shell)
    assert done.returncode == 0, done.stderr
    runtime = staged_runtime(host)
    assert "installed %s (%s)\n" % (runtime, arch) in done.stdout
    assert os.path.islink(runtime) and staged_arch(host) == arch
    for name in ("python3", "python3._pth", "python311-startup.zip",
                 "python311.zip"):
        with open(os.path.join(bundle, "runtime", arch, name), "rb") as src:
            assert open(os.path.join(runtime, name), "rb").read() == src.read()
    modes = {n: stat.S_IMODE(os.stat(os.path.join(runtime, n)).st_mode)
             for n in os.listdir(runtime)}
    assert modes == {"python3": 0o755, "python3._pth": 0o644,
                     "python311-startup.zip": 0o644, "python311.zip": 0o644,
                     "SHA256SUMS": 0o644}
    assert sums_hold(runtime)
    assert "\npython='%s'\n" % STAGED_PYTHON in open(paths(host)[1]).read()
    assert "[check exit 1]" in done.stdout and leftovers(host) == []


def fake_uname(tmp_path, machine):
    """A PATH whose uname -m says machine, in front of the real one."""
    bin_dir = tmp_path / "uname-bin"
    bin_dir.mkdir()
    (bin_dir / "uname").write_text("#!/bin/sh\necho %s\n" % machine)
    (bin_dir / "uname").chmod(0o755)
    return "%s:%s" % (bin_dir, os.environ["PATH"])


@pytest.mark.parametrize("machine, arch", [
    ("i386", "i686"), ("i586", "i686"), ("i686", "i686"),
    ("x86_64", "x86_64"),
])
def test_uname_m_picks_the_runtime(host, bundle, tmp_path, machine, arch):
    done = run_bundle(bundle, host, env=dict(
        os.environ, PATH=fake_uname(tmp_path, machine)))
    assert done.returncode == 0, done.stderr
    assert staged_arch(host) == arch


def test_a_machine_without_a_runtime_uses_python3_on_path(
        host, bundle, tmp_path, python36):
    path = fake_uname(tmp_path, "aarch64")
    os.symlink(python36, str(tmp_path / "uname-bin" / "python3"))
    done = run_bundle(bundle, host, env=dict(os.environ, PATH=path))
    assert done.returncode == 0, done.stderr
    assert not os.path.lexists(staged_runtime(host))
    assert "\npython='%s'\n" % (tmp_path / "uname-bin" / "python3") \
        in open(paths(host)[1]).read()


def test_python_option_wins_over_the_runtime_and_stages_none(
        host, bundle, python36):
    done = run_bundle(bundle, host, "--python", python36)
    assert done.returncode == 0, done.stderr
    assert not os.path.lexists(staged_runtime(host))
    assert "\npython='%s'\n" % python36 in open(paths(host)[1]).read()


def test_an_unknown_arch_option_is_a_usage_error(host, bundle):
    before = tree_state(host)
    done = run_bundle(bundle, host, "--arch", "sparc")
    assert done.returncode == 2 and "--arch sparc is not i686" in done.stderr
    assert tree_state(host) == before


def bare_path(tmp_path, missing):
    """A PATH of symlinks to what install.sh and the tool use, less some."""
    bin_dir = tmp_path / "bare-bin"
    bin_dir.mkdir()
    for tool in ("sh", "dirname", "uname", "stat", "id", "readlink", "cat",
                 "cmp", "mkdir", "rm", "chmod", "sync", "mv", "ln", "ls",
                 "wc", "cut", "head", "rpm", "sha256sum"):
        if tool not in missing:
            (bin_dir / tool).symlink_to(shutil.which(tool))
    return str(bin_dir)


@pytest.mark.parametrize("missing", [("python3",), ("python3", "sha256sum")])
def test_a_host_without_python3_gets_a_working_install(
        host, bundle, tmp_path, missing):
    env = {"PATH": bare_path(tmp_path, missing)}
    done = run_bundle(bundle, host, env=env)
    assert done.returncode == 0, done.stderr
    assert "[check exit 1]" in done.stdout and sums_hold(staged_runtime(host))
    launcher, _ = local_launcher(host, tmp_path)
    ran = subprocess.run([launcher, "check", "--root", host, "--running-kernel",
                          K835], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True)
    assert ran.returncode == 1 and ran.stdout.startswith("UNSAFE"), ran.stderr


def test_second_bundle_install_changes_nothing_and_says_so(host, bundle):
    assert run_bundle(bundle, host).returncode == 0
    before = tree_state(host)
    done = run_bundle(bundle, host)
    assert done.returncode == 0 and "nothing changed" in done.stdout
    assert "unchanged: %s (x86_64)" % staged_runtime(host) in done.stdout
    assert tree_state(host) == before


def test_check_only_says_the_runtime_would_be_staged(host, bundle):
    before = tree_state(host)
    done = run_bundle(bundle, host, "--check-only")
    assert done.returncode == 1
    assert "would install %s (x86_64)" % staged_runtime(host) in done.stdout
    assert tree_state(host) == before
    run_bundle(bundle, host)
    done = run_bundle(bundle, host, "--check-only")
    assert done.returncode == 0
    assert "up to date: %s (x86_64)" % staged_runtime(host) in done.stdout


@pytest.mark.parametrize("change", [
    lambda f: open(os.path.join(f, "python3._pth"), "a").write("# new\n"),
    lambda f: open(os.path.join(f, "_lzma.so"), "w").write("added\n"),
    lambda f: os.unlink(os.path.join(f, "python3._pth")),
], ids=["changed", "added", "removed"])
def test_a_new_runtime_replaces_the_old_one_whole(host, bundle, change):
    run_bundle(bundle, host)
    old = runtime_folders(host)
    kept = [os.stat(p).st_mtime_ns for p in paths(host)]
    change(os.path.join(bundle, "runtime", "x86_64"))
    done = run_bundle(bundle, host)
    assert done.returncode == 0, done.stderr
    assert "installed %s (x86_64)" % staged_runtime(host) in done.stdout
    new = runtime_folders(host)
    assert len(new) == 1 and new != old and sums_hold(staged_runtime(host))
    assert sorted(os.listdir(staged_runtime(host))) == sorted(
        os.listdir(os.path.join(bundle, "runtime", "x86_64")) + ["SHA256SUMS"])
    assert [os.stat(p).st_mtime_ns for p in paths(host)] == kept
    assert leftovers(host) == []


def test_a_damaged_staged_runtime_is_staged_again(host, bundle):
    run_bundle(bundle, host)
    with open(os.path.join(staged_runtime(host), "python311.zip"), "a") as f:
        f.write("bit rot\n")
    done = run_bundle(bundle, host)
    assert done.returncode == 0 and "installed %s" % staged_runtime(host) \
        in done.stdout
    assert sums_hold(staged_runtime(host)) and len(runtime_folders(host)) == 1


def python_runs(root):
    return subprocess.run([os.path.join(staged_runtime(root), "python3"),
                           "-c", "pass"]).returncode == 0


@pytest.mark.parametrize("at", ["folder", "link"])
def test_runtime_install_killed_at_a_rename_leaves_the_old_runtime_whole(
        host, bundle, at):
    run_bundle(bundle, host)
    old = runtime_folders(host)
    with open(os.path.join(bundle, "runtime", "x86_64", "python3._pth"),
              "a") as newer:
        newer.write("# newer\n")
    # "folder": the first rename (the checked copy to runtime.<hash>);
    # "link": the rename of the new link over runtime.
    only = ["-P", staged_runtime(host)] if at == "link" else []
    killer = ["strace", "-f", "-qq", "-o", os.devnull] + only + [
        "-e", "trace=rename,renameat,renameat2",
        "-e", "inject=rename,renameat,renameat2:signal=SIGKILL"]
    done = subprocess.run(killer + ["sh", os.path.join(bundle, "install.sh"),
                                    "--root", host],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert done.returncode == 3, done.stderr
    assert ("cannot move" if at == "folder" else "old runtime is still in "
            "place") in done.stderr
    assert os.readlink(staged_runtime(host)) == old[0]
    assert len(runtime_folders(host)) == 1     # the new one, removed
    assert sums_hold(staged_runtime(host)) and python_runs(host)
    assert leftovers(host) == []
    done = run_bundle(bundle, host)               # the next run finishes
    assert done.returncode == 0 and runtime_folders(host) != old
    assert len(runtime_folders(host)) == 1 and python_runs(host)


def test_leftovers_of_a_power_cut_in_the_runtime_are_swept(host, bundle):
    run_bundle(bundle, host)
    prefix = os.path.join(host, "boot", "ovs-rescue")
    for stale in (".ovs-rescue-install.777", "runtime.0123456789abcdef"):
        os.makedirs(os.path.join(prefix, stale, "inner"))
    with open(os.path.join(bundle, "runtime", "x86_64", "python3._pth"),
              "a") as newer:
        newer.write("# newer\n")
    assert run_bundle(bundle, host).returncode == 0
    assert len(runtime_folders(host)) == 1 and leftovers(host) == []
    assert not os.path.exists(os.path.join(prefix, ".ovs-rescue-install.777"))


def write_sums(bundle, at_arch, damage=None, extra=None):
    """A build's SHA256SUMS, in runtime/ or runtime/x86_64/."""
    arch_dir = os.path.join(bundle, "runtime", "x86_64")
    lines = []
    for name in sorted(os.listdir(arch_dir)):
        digest = sha256(os.path.join(arch_dir, name))
        if name == damage:
            digest = "0" * 64
        lines.append("%s  %s%s\n" % (digest, "" if at_arch else "x86_64/",
                                     name))
    lines += [extra] if extra else []
    where = arch_dir if at_arch else os.path.dirname(arch_dir)
    with open(os.path.join(where, "SHA256SUMS"), "w") as out:
        out.writelines(lines)


@pytest.mark.parametrize("at_arch", [True, False])
@pytest.mark.parametrize("damage, extra, code, message", [
    (None, None, 0, ""),
    ("python311.zip", None, 3, "python311.zip does not match its sha256"),
    (None, "%s  x86_64/gone.zip\n" % ("0" * 64), 3, "gone.zip, which is not"),
])
def test_the_runtime_is_checked_against_the_builds_sums(
        host, bundle, at_arch, damage, extra, code, message):
    if extra and at_arch:
        extra = extra.replace("x86_64/", "")
    write_sums(bundle, at_arch, damage, extra)
    before = tree_state(host)
    done = run_bundle(bundle, host)
    assert done.returncode == code and message in done.stderr, done.stderr
    if code:
        assert tree_state(host) == before
        assert len(done.stderr.splitlines()) == 1


def test_a_runtime_file_the_sums_leave_out_is_refused(host, bundle):
    write_sums(bundle, at_arch=False)
    open(os.path.join(bundle, "runtime", "x86_64", "extra.zip"), "w").close()
    done = run_bundle(bundle, host)
    assert done.returncode == 3 and "extra.zip is not in" in done.stderr


@pytest.mark.parametrize("change, why", [
    (lambda r: os.chmod(os.path.join(r, "x86_64"), 0o777),
     "x86_64 is writable by group or others (mode 777)"),
    (lambda r: os.chmod(os.path.join(r, "x86_64", "python311.zip"), 0o666),
     "python311.zip is writable by group or others"),
    (lambda r: os.chown(os.path.join(r, "x86_64", "python3"), 65534, -1),
     "python3 is owned by uid 65534"),
])
def test_a_runtime_others_could_change_is_not_run_or_staged(
        host, bundle, change, why):
    change(os.path.join(bundle, "runtime"))
    before = tree_state(host)
    done = run_bundle(bundle, host)
    assert done.returncode == 3 and why in done.stderr, done.stderr
    assert "refusing to run the runtime" in done.stderr
    assert tree_state(host) == before


def test_a_runtime_that_does_not_run_here_changes_nothing(host, bundle):
    with open(os.path.join(bundle, "runtime", "i686", "python3"), "wb") as f:
        f.write(b"\x7fELF not for this machine")
    before = tree_state(host)
    done = run_bundle(bundle, host, "--arch", "i686")
    assert done.returncode == 3 and "Exec format error" in done.stderr
    assert "needs Python 3.6 or newer" in done.stderr
    assert tree_state(host) == before


# The launcher's fast path -----------------------------------------------

def execs(argv, env=None):
    """Programs argv started (strace): basenames, in order."""
    done = subprocess.run(["strace", "-f", "-qq", "-o", "/dev/stderr",
                           "-e", "trace=execve"] + argv,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          universal_newlines=True, env=env)
    return [os.path.basename(line.split('"')[1])
            for line in done.stderr.splitlines()
            if "execve(" in line and "= 0" in line]


def test_launcher_starts_one_stat_and_nothing_else_before_python(
        host, bundle, tmp_path):
    run_bundle(bundle, host)
    launcher, _ = local_launcher(host, tmp_path)
    started = execs([launcher, "check", "--root", host,
                     "--running-kernel", K835])
    assert started == ["ovs-rescue-local", "stat", "python3", "rpm"]


def verbose_launcher_run(host, install, tmp_path, python36):
    """(archive, the run of `ovs-rescue --version` through the launcher
    installed with Python 3.6 -v, its imports told on stderr)."""
    verbose = tmp_path / "python3"
    verbose.write_text('#!/bin/sh\nexec %s -v "$@"\n' % python36)
    verbose.chmod(0o755)
    assert install(host, python=str(verbose)).returncode == 0
    launcher, archive = local_launcher(host, tmp_path)
    done = subprocess.run([launcher, "--version"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    assert done.returncode == 0 and done.stdout.startswith("ovs-rescue ")
    return archive, done


def test_launcher_imports_the_bytecode_of_its_python_from_the_archive(
        host, install, tmp_path, python36):
    archive, done = verbose_launcher_run(host, install, tmp_path, python36)
    loaded = [l for l in done.stderr.splitlines() if "rescue/cli.py" in l]
    assert loaded and all("%s/site-packages-36/rescue/cli.pyc" % archive in l
                          for l in loaded), loaded
    assert "runpy" not in done.stderr and "import 'site'" not in done.stderr


@pytest.mark.parametrize("shell", SHELLS)
def test_launcher_refuses_a_runtime_folder_others_could_change(
        host, bundle, tmp_path, shell):
    run_bundle(bundle, host)
    launcher, _ = local_launcher(host, tmp_path)
    folder = os.path.realpath(staged_runtime(host))
    os.chmod(folder, 0o777)                     # behind the runtime link
    done = subprocess.run([shell, launcher, "check", "--root", host],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert done.returncode == 3 and done.stdout == ""
    assert done.stderr.startswith("ovs-rescue: error: refusing to run %s%s:"
                                  % (host, STAGED_PYTHON))
    assert "%s is writable by group or others (mode 777)" % folder \
        in done.stderr


SAFE_PATH_CASES = [
    # (what to make under a root-owned 0755 folder, path to ask, why)
    ([], "dir/file", None),
    ([("chmod", "dir", 0o777)], "dir/file", "dir is writable by group or"
                                            " others (mode 777)"),
    ([("chmod", "dir", 0o1777)], "dir/file", None),
    ([("chown", "dir", 65534)], "dir/file", "dir is owned by uid 65534"),
    ([("chmod", "dir/file", 0o664)], "dir/file", "file is writable by group"
                                                 " or others (mode 664)"),
    ([("link", "dir/file", "ln")], "ln", None),
    ([("chmod", "dir", 0o777), ("link", "dir/file", "ln")], "ln",
     "dir is writable by group or others"),
    ([("chmod", "dir", 0o777), ("link", "dir", "lnd")], "lnd/file",
     "dir is writable by group or others"),
    ([("link", "dir", "lnd")], "lnd/file", None),
    ([], "dir/gone", "dir/gone is missing"),
    ([("link", "dir", "with space")], "with space/file", None),
]


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("steps, ask, why", SAFE_PATH_CASES)
def test_unsafe_path_of_install_sh_and_the_launcher(tmp_path, shell, steps,
                                                    ask, why):
    top = tmp_path / "top"
    (top / "dir").mkdir(parents=True)
    (top / "dir" / "file").write_text("x")
    for verb, path, arg in steps:
        if verb == "chmod":
            os.chmod(str(top / path), arg)
        elif verb == "chown":
            os.chown(str(top / path), arg, -1)
        else:
            os.symlink(str(top / path), str(top / arg))
    text = open(INSTALL).read()
    function = "unsafe_path() {\n" + text.split("\nunsafe_path() {\n")[1] \
        .split("\n}\n")[0] + "\n}"
    done = subprocess.run(
        [shell, "-c", function + '\nunsafe_path "$1" && echo "$why"', "sh",
         str(top / ask)], stdout=subprocess.PIPE, universal_newlines=True)
    if why is None:
        assert done.returncode == 1 and done.stdout == ""
    else:
        assert done.returncode == 0 and why in done.stdout, done.stdout


# The man page -----------------------------------------------------------

def kill_at_rename(path=None):
    """strace argv: SIGKILL at the first rename (touching path, if given)."""
    only = ["-P", path] if path else []
    return ["strace", "-f", "-qq", "-o", os.devnull] + only + [
        "-e", "trace=rename,renameat,renameat2",
        "-e", "inject=rename,renameat,renameat2:signal=SIGKILL"]


@pytest.mark.parametrize("shell", SHELLS)
def test_install_puts_the_man_page_under_the_launchers_prefix(
        host, install, zipapp, shell):
    done = install(host, shell=shell)
    assert done.returncode == 0, done.stderr
    page = man_page(host)
    assert sha256(page) == sha256(built_man_page(zipapp))
    info = os.stat(page)
    assert stat.S_IMODE(info.st_mode) == 0o644
    assert (info.st_uid, info.st_gid) == (0, 0)
    assert "installed %s\n" % page in done.stdout
    assert leftovers(host) == []


@pytest.mark.parametrize("render", [
    lambda page: ["groff", "-man", "-Tutf8", "-ww", "-rLL=80n", page],
    lambda page: ["man", "--warnings=w", "-l", page],
    # by name, in the man tree of the launcher's prefix, as operators ask
    lambda page: ["man", "--warnings=w", "-M", page.rsplit("/", 2)[0],
                  "8", "ovs-rescue"],
], ids=["groff", "man -l", "man 8 ovs-rescue"])
def test_the_installed_man_page_renders_without_a_warning(host, install,
                                                          render):
    argv = render(man_page(host))
    if not shutil.which(argv[0]):
        pytest.fail("%s is needed to render the man page (tests/run installs "
                    "it)" % argv[0])
    install(host)
    done = subprocess.run(argv, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          env=dict(os.environ, LC_ALL="C.UTF-8",
                                   MANWIDTH="80"))
    assert done.returncode == 0 and done.stderr == ""
    text = re.sub(r".\x08", "", done.stdout)      # no overstrike bold
    assert text.startswith("OVS-RESCUE(8)") and "\nEXIT CODES\n" in text


def test_a_second_install_leaves_the_man_page_untouched(host, install):
    install(host)
    kept = os.stat(man_page(host)).st_mtime_ns
    done = install(host)
    assert "unchanged: %s\n" % man_page(host) in done.stdout
    assert "nothing changed" in done.stdout
    assert os.stat(man_page(host)).st_mtime_ns == kept


def test_a_new_man_page_alone_is_installed_and_reported_by_check_only(
        host, bundle):
    run_bundle(bundle, host)
    kept = [os.stat(p).st_mtime_ns for p in paths(host)]
    with open(os.path.join(bundle, "ovs-rescue.8"), "a") as newer:
        newer.write(".PP\nA newer page.\n")
    before = tree_state(host)
    done = run_bundle(bundle, host, "--check-only")
    assert done.returncode == 1 and tree_state(host) == before
    assert [l for l in done.stdout.splitlines() if l.startswith("would")] \
        == ["would install %s" % man_page(host)]
    done = run_bundle(bundle, host)
    assert done.returncode == 0 and "installed %s\n" % man_page(host) \
        in done.stdout
    assert sha256(man_page(host)) == sha256(os.path.join(bundle,
                                                         "ovs-rescue.8"))
    assert [os.stat(p).st_mtime_ns for p in paths(host)] == kept
    done = run_bundle(bundle, host, "--check-only")
    assert done.returncode == 0
    assert "up to date: %s\n" % man_page(host) in done.stdout


def test_a_bundle_without_the_man_page_installs_the_rest_and_says_so(
        host, bundle):
    missing = os.path.join(bundle, "ovs-rescue.8")
    os.unlink(missing)
    for options, code in ((["--check-only"], 1), ([], 0),
                          (["--check-only"], 0)):
        done = run_bundle(bundle, host, *options)
        assert done.returncode == code and done.stderr == ""
        said = [l for l in done.stdout.splitlines() if "man page" in l]
        assert said == ["skipped the man page: no %s (ovs-rescue help has "
                        "its text)" % missing]
    assert os.path.exists(paths(host)[1])
    assert not os.path.exists(os.path.dirname(os.path.dirname(
        man_page(host))))


def test_install_refuses_a_man_folder_others_can_write(host, install):
    folder = os.path.dirname(man_page(host))
    os.makedirs(folder)
    os.chmod(folder, 0o777)
    done = install(host)
    assert done.returncode == 3
    assert "refusing to install into %s: %s is writable by group or others" \
        % (folder, folder) in done.stderr
    assert os.listdir(folder) == []
    assert not os.path.exists(paths(host)[0])     # exit 3: nothing changed
    assert not os.path.exists(paths(host)[1])


def test_install_killed_at_the_man_pages_rename_keeps_the_old_page(
        host, bundle):
    run_bundle(bundle, host)
    page = man_page(host)
    old = sha256(page)
    with open(os.path.join(bundle, "ovs-rescue.8"), "a") as newer:
        newer.write(".PP\nA newer page.\n")
    done = subprocess.run(kill_at_rename(page) + [
        "sh", os.path.join(bundle, "install.sh"), "--root", host],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True)
    assert done.returncode == 3 and "old version is still in place" \
        in done.stderr
    assert sha256(page) == old and leftovers(host) == []
    assert run_bundle(bundle, host).returncode == 0
    assert sha256(page) == sha256(os.path.join(bundle, "ovs-rescue.8"))
