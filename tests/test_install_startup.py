"""The launcher runs the zipapp's one startup (rescue/zipmain.py: run), and
install.sh leaves no runtime folder behind once the link names another."""
import os
import subprocess

import pytest

from rescue import zipmain
from tests.hosts import K835
from tests.zipdamage import _entry, python_tag
from tests.test_install import (  # noqa: F401  (fixtures)
    bundle, host, install, leftovers, local_launcher, paths, python_runs,
    run_bundle, runtime_folders, staged_runtime, verbose_launcher_run)


def launcher_script(root):
    """The Python the installed launcher runs with -c."""
    text = open(paths(root)[1]).read()
    return text.split("-c 'import sys\n", 1)[1].split("' \"$archive\"")[0]


def test_the_launcher_calls_the_zipapps_startup_in_a_few_lines(host,
                                                               install):
    assert install(host).returncode == 0
    script = launcher_script(host)
    assert len(script.splitlines()) <= 22, script
    assert "from rescue.zipmain import run\n" in script
    assert script.endswith("\nrun(archive, checked=True)")
    for copied in ("preload", "marshal", "exit_now", "say_damaged"):
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
    """zipimport checks no CRC: the launcher checks these two before it
    imports them, zipmain checks preload's before it runs those very
    bytes, and preload checks each module it loads."""
    done = verbose_launcher_run(host, install, tmp_path, python36)[1]
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


# -- runtime folders the link no longer names ------------------------------

def newer_runtime(bundle):
    with open(os.path.join(bundle, "runtime", "x86_64", "python3._pth"),
              "a") as newer:
        newer.write("# newer\n")


def signalled_at_the_old_runtime(bundle, host, signal):
    """(old folder, the run of install.sh whose shell got signal at its
    first look at the old runtime folder: after the switch to a newer
    one, before the folder is removed). Not -f: the shell, not what it
    starts."""
    run_bundle(bundle, host)
    prefix = os.path.join(host, "boot", "ovs-rescue")
    old = os.path.join(prefix, runtime_folders(host)[0])
    newer_runtime(bundle)
    killer = ["strace", "-qq", "-o", os.devnull, "-P", old,
              "-e", "trace=%stat,%lstat,%fstat",
              "-e", "inject=%%stat,%%lstat,%%fstat:signal=%s" % signal]
    return old, subprocess.run(
        killer + ["sh", os.path.join(bundle, "install.sh"), "--root", host],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True)


def test_killed_after_the_switch_the_next_run_removes_the_old_runtime(
        host, bundle):
    old, done = signalled_at_the_old_runtime(bundle, host, "SIGKILL")
    prefix = os.path.join(host, "boot", "ovs-rescue")
    assert "installed %s (x86_64)" % staged_runtime(host) not in done.stdout
    new = os.readlink(staged_runtime(host))
    assert os.path.join(prefix, new) != old and python_runs(host)
    assert sorted(runtime_folders(host)) == sorted([os.path.basename(old),
                                                    new])
    done = run_bundle(bundle, host)         # nothing to install: it sweeps
    assert done.returncode == 0, done.stderr
    assert "removed %s, a runtime no longer in use" % old in done.stdout
    assert "unchanged: %s (x86_64)" % staged_runtime(host) in done.stdout
    assert runtime_folders(host) == [new] and python_runs(host)
    assert leftovers(host) == []


def test_the_same_run_sweeps_the_old_folder_when_stopped_after_the_switch(
        host, bundle):
    """A TERM (a shutdown) after the switch: its cleanup removes it. The
    shell gets it (not -f), where it looks at the old folder."""
    done = signalled_at_the_old_runtime(bundle, host, "SIGTERM:when=1")[1]
    assert done.returncode == 4, done.stderr
    assert "interrupted; replaced already:" in done.stderr
    new = os.readlink(staged_runtime(host))
    assert runtime_folders(host) == [new] and python_runs(host)
    assert leftovers(host) == []


def test_only_runtime_folders_install_sh_made_are_swept(host, bundle,
                                                        tmp_path):
    run_bundle(bundle, host)
    prefix = os.path.join(host, "boot", "ovs-rescue")
    current = runtime_folders(host)
    swept = ["runtime.0123456789abcdef", "runtime.0123456789abcdef.4242"]
    kept = ["runtime.mine", "runtime.0123456789ABCDEF", "runtime.01234567",
            "runtime.0123456789abcdef.x", "runtime.0123456789abcdef0"]
    for name in swept + kept:
        os.makedirs(os.path.join(prefix, name, "inner"))
    open(os.path.join(prefix, "runtime.fedcba9876543210"), "w").close()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious").write_text("kept\n")
    os.symlink(str(elsewhere), os.path.join(prefix,
                                            "runtime.1111111111111111"))
    kept += ["runtime.fedcba9876543210", "runtime.1111111111111111"]
    done = run_bundle(bundle, host, "--check-only")
    assert done.returncode == 0 and "removed" not in done.stdout
    assert sorted(runtime_folders(host)) == sorted(current + swept + kept)
    done = run_bundle(bundle, host)
    assert done.returncode == 0, done.stderr
    for name in swept:
        assert "removed %s/%s, a runtime no longer" % (prefix, name) \
            in done.stdout
    assert sorted(runtime_folders(host)) == sorted(current + kept)
    assert (elsewhere / "precious").read_text() == "kept\n"
    assert python_runs(host) and "nothing changed" in done.stdout


def test_the_launchers_stat_reads_no_locale(host, install, tmp_path):
    """stat prints numbers only: the launcher runs it in the C locale,
    so it loads no locale files under an operator's LANG (about 0.25 ms
    of every run)."""
    assert install(host).returncode == 0
    trace = tmp_path / "trace"
    env = dict(os.environ, LANG="C.UTF-8")
    env.pop("LC_ALL", None)
    subprocess.run(["strace", "-f", "-qq", "-o", str(trace), "-e",
                    "trace=execve,open,openat", paths(host)[1], "check",
                    "--root", str(host), "--running-kernel", K835],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env, timeout=60)
    lines = trace.read_text().splitlines()
    stat_pids = {line.split()[0] for line in lines
                 if 'execve("/usr/bin/stat"' in line
                 or 'execve("/bin/stat"' in line}
    assert stat_pids, "the launcher ran no stat"
    assert not [line for line in lines if line.split()[0] in stat_pids
                and "/locale" in line]


@pytest.mark.parametrize("module", ["__init__", "zipmain"])
def test_the_two_modules_zipimport_loads_are_checked_before_they_run(
        host, install, tmp_path, pyz_python, zipapp, module):
    """zipimport checks no CRC-32: the launcher checks the package's
    __init__ and zipmain against the archive's directory before it imports
    them, so a flipped bit anywhere in them is one line and exit 3, never
    damaged bytecode run (CPython's "XXX lineno" line, a crash)."""
    install(host, python=pyz_python)
    launcher, archive = local_launcher(host, tmp_path)
    with open(zipapp, "rb") as handle:
        data = handle.read()
    name = "site-packages-%s/rescue/%s.pyc" % (python_tag(pyz_python),
                                               module)
    _, start, size = _entry(data, name)
    said = set()
    for fraction in (0.05, 0.3, 0.6, 0.95):
        damaged = bytearray(data)
        damaged[start + int(size * fraction)] ^= 0x04
        with open(archive, "wb") as out:
            out.write(bytes(damaged))
        done = subprocess.run([launcher, "check", "--root", host,
                               "--running-kernel", K835],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)
        said.add((done.returncode, done.stdout, done.stderr))
    assert said == {(3, "", "ovs-rescue: error: %s is damaged (ValueError: "
                     "%s fails its CRC-32 check): reinstall it\n"
                     % (archive, name))}


def newest_pyenv_python():
    import glob
    found = sorted(glob.glob(os.path.expanduser(
        "~/.pyenv/versions/3.1[3-9]*/bin/python3")))
    return found[-1] if found else None


def test_the_launcher_runs_under_the_newest_python(host, install, tmp_path):
    """3.13's zipimporter keeps no table of the archive (_files): it runs
    the sources, and the launcher's check of the bytecode it does not
    load is no reason to call the archive damaged."""
    python = newest_pyenv_python()
    if python is None:
        pytest.skip("no Python 3.13 or newer under pyenv")
    assert install(host, python=python).returncode == 0
    launcher, _ = local_launcher(host, tmp_path)
    done = subprocess.run([launcher, "check", "--root", host,
                           "--running-kernel", K835],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert "damaged" not in done.stderr
    assert (done.returncode, done.stdout[:6]) == (1, "UNSAFE"), \
        done.stderr
