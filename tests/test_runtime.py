"""The bundled runtime (build_runtime.py): each arch's static python3, run
for real in an empty root, under an emulated old kernel, and on every
command of the zipapp."""
import hashlib
import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO, bundled_pythons, python_id
from tests.hosts import K835, K847, Kernel

RUNTIME_FILES = ("python3", "python3._pth", "python311-startup.zip",
                 "python311.zip")
OLDKERNEL_C = os.path.join(os.path.dirname(REPO), "shared", "tools",
                           "oldkernel.c")
ELF_CLASS = {"i686": "ELF32", "x86_64": "ELF64"}


@pytest.fixture(scope="module", params=bundled_pythons() or ["none"],
                ids=python_id if bundled_pythons() else None)
def bundled(request):
    """One arch's dist/runtime/<arch>/python3."""
    if request.param == "none":
        pytest.skip("no bundled runtime: python3 build_runtime.py "
                    "(tests/run does)")
    if not os.access(request.param, os.X_OK):
        pytest.fail("%s is missing: run python3 build_runtime.py"
                    % request.param)
    return request.param


def run(argv, **kwargs):
    return subprocess.run([str(a) for a in argv], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          **kwargs)


def sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@pytest.fixture
def empty_root(tmp_path, zipapp, bundled):
    """A root holding only the runtime in /rt and the zipapp: no libc, no
    /etc/passwd, no /proc, no /dev, no /tmp."""
    root = tmp_path / "root"
    (root / "rt").mkdir(parents=True)
    for name in RUNTIME_FILES:
        shutil.copy2(os.path.join(os.path.dirname(bundled), name),
                     str(root / "rt" / name))
    shutil.copy2(zipapp, str(root / "ovs-rescue.pyz"))
    return root


@pytest.fixture(scope="session")
def oldkernel(tmp_path_factory):
    """shared/tools/oldkernel.c built: a seccomp filter answering ENOSYS to
    every syscall newer than Linux 2.6.32 (OLDK_VERSION=2.6.27: older)."""
    if not os.path.exists(OLDKERNEL_C):
        if os.environ.get("CI"):
            pytest.fail("%s is missing" % OLDKERNEL_C)
        pytest.skip("no %s beside the clone" % OLDKERNEL_C)
    binary = str(tmp_path_factory.mktemp("oldkernel") / "oldkernel")
    subprocess.run(["cc", "-O2", "-o", binary, OLDKERNEL_C], check=True)
    return binary


def in_root(root, *argv, oldkernel=None, version="2.6.32"):
    """Run argv chrooted into root with an empty environment."""
    prefix = [oldkernel] if oldkernel else []
    env = {"OLDK_VERSION": version} if oldkernel else {}
    return run(prefix + [shutil.which("chroot"), root] + list(argv),
               env=env)


def test_sha256sums_cover_each_file_of_each_arch(bundled):
    runtime = os.path.dirname(os.path.dirname(bundled))
    with open(os.path.join(runtime, "SHA256SUMS")) as sums:
        listed = dict(reversed(line.split()) for line in sums)
    for name in RUNTIME_FILES:
        path = os.path.join(os.path.dirname(bundled), name)
        assert listed["%s/%s" % (python_id(bundled), name)] == sha256(path)


def test_binary_is_static_stripped_and_of_its_arch(bundled):
    header = run(["readelf", "-hlSW", bundled]).stdout
    assert "Class:                             %s" % ELF_CLASS[
        python_id(bundled)] in header
    assert "INTERP" not in header and "DYNAMIC" not in header
    assert ".symtab" not in header and ".debug_info" not in header
    # zig 0.17 adds a TLS segment on i386, which 32-bit Xen PV dom0s handle
    # through a slow path: the reason zig is pinned at 0.15.2.
    assert not re.search(r"^\s+TLS\s", header, re.M)


def test_stdlib_zips_are_found_by_path_symlink_and_path_lookup(bundled,
                                                              tmp_path):
    """sys.path is the two zips beside the binary, the small one first
    (python3._pth), and the start is isolated and site-less."""
    folder = os.path.dirname(os.path.realpath(bundled))
    link = tmp_path / "python3"
    link.symlink_to(bundled)
    code = ("import sys, json; print(sys.flags.isolated, sys.flags.no_site, "
            "'site' in sys.modules); print(*sys.path, sep='\\n')")
    for argv, env in (([bundled], {}), ([str(link)], {}),
                      (["python3"], {"PATH": os.path.dirname(bundled)})):
        done = run(argv + ["-c", code], env=env, cwd=str(tmp_path))
        assert done.returncode == 0, done.stderr
        flags, *path = done.stdout.splitlines()
        assert flags == "1 1 False"
        assert [os.path.realpath(p) for p in path] == [
            os.path.join(folder, "python311-startup.zip"),
            os.path.join(folder, "python311.zip")]


def test_empty_root_runs_the_demo(empty_root):
    done = in_root(empty_root, "/rt/python3", "/ovs-rescue.pyz", "demo")
    assert done.returncode == 0, done.stderr
    assert "$ ovs-rescue undo\nUndone: boot pair now" in done.stdout


@pytest.mark.parametrize("version", ["2.6.32", "2.6.27"])
def test_old_kernel_starts_with_random_hash_seeds_but_no_urandom(
        empty_root, oldkernel, version):
    code = ("import os, random, tempfile\n"
            "fd, name = tempfile.mkstemp(dir='/'); os.unlink(name)\n"
            "try:\n    os.urandom(1)\nexcept NotImplementedError:\n"
            "    print('no urandom', random.random() < 1, hash('ovs'))\n")
    runs = [in_root(empty_root, "/rt/python3", "-c", code,
                    oldkernel=oldkernel, version=version) for _ in range(2)]
    for done in runs:
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("no urandom True ")
    assert runs[0].stdout != runs[1].stdout      # the seeds differ


@pytest.mark.parametrize("version", ["2.6.32", "2.6.27"])
def test_old_kernel_empty_root_runs_the_demo(empty_root, oldkernel, version):
    done = in_root(empty_root, "/rt/python3", "/ovs-rescue.pyz", "demo",
                   oldkernel=oldkernel, version=version)
    assert done.returncode == 0, done.stderr
    assert "$ ovs-rescue undo\nUndone: boot pair now" in done.stdout


def test_every_rescue_module_imports_as_311_bytecode(bundled, zipapp):
    code = ("import pkgutil, sys, zipimport\n"
            "sys.path.insert(0, sys.argv[1] + '/site-packages-311')\n"
            "import rescue\n"
            "for info in pkgutil.walk_packages(rescue.__path__, 'rescue.'):\n"
            "    module = __import__(info.name, fromlist=['_'])\n"
            "    assert module.__file__.endswith('.pyc'), module.__file__\n"
            "    print(info.name)\n")
    done = run([bundled, "-c", code, zipapp])
    assert done.returncode == 0, done.stderr
    assert "rescue.commands.rollback" in done.stdout.split()
    assert done.stderr == ""


# Every command, in an order that gives each something to do; the bundled
# interpreter must print what Python 3.6 prints, byte for byte.
SESSION = [
    ["--version"], ["--help"], ["status"], ["--json", "status"], ["check"],
    ["check", "--nagios"], ["check", "--json"], ["snapshot"],
    ["rollback", "--dry-run"], ["rollback"], ["status"], ["undo", "--help"],
    ["undo"], ["undo"], ["rollback", "--help"], ["demo", "--help"],
    ["no-such-command"],
]


def comparable(text, root):
    """Output with what differs between two runs or two argparse versions
    made equal: the root, change ids (time-pid), the 3.10 options title."""
    text = re.sub(r"\d{8}T\d{6}Z-\d+", "CHANGE-ID", text.replace(root, "ROOT"))
    return text.replace("optional arguments:", "options:")


def run_session(python, zipapp, root):
    results = []
    for argv in SESSION:
        common = [] if argv[0] in ("--version", "--help") else [
            "--root", root, "--running-kernel", K835]
        done = run([python, zipapp] + common + argv)
        results.append((argv, done.returncode, comparable(done.stdout, root),
                        comparable(done.stderr, root)))
    return results


def test_every_command_prints_what_python36_prints(
        bundled, zipapp, python36, make_host):
    hosts = [make_host([Kernel(K835), Kernel(K847, module_build=None)],
                       pending=K847, name=name) for name in ("a", "b")]
    expected = run_session(python36, zipapp, hosts[0])
    got = run_session(bundled, zipapp, hosts[1])
    for want, have in zip(expected, got):
        assert "Traceback" not in have[3], have
        assert have == want
    assert [r[1] for r in got].count(0) >= 10


def test_a_cached_rebuild_is_quick_and_identical(bundled, tmp_path):
    runtime = os.path.dirname(os.path.dirname(bundled))
    done = run([sys.executable, os.path.join(REPO, "build_runtime.py"),
                "--cached-only", "--output", tmp_path / "runtime"])
    if done.returncode == 4:
        pytest.skip("runtime not in this machine's cache: %s" % done.stderr)
    assert done.returncode == 0, done.stderr
    with open(os.path.join(runtime, "SHA256SUMS")) as first:
        assert (tmp_path / "runtime" / "SHA256SUMS").read_text() == \
            first.read()


@pytest.mark.skipif(os.geteuid() != 0, reason="apt-get needs root")
def test_a_pin_debian_no_longer_serves_fails_in_one_line(monkeypatch,
                                                         tmp_path):
    import build_runtime
    monkeypatch.setattr(build_runtime, "PYTHON_SOURCE",
                        ("python3.11", "3.11.2-0+gone1"))
    with pytest.raises(build_runtime.BuildError) as failed:
        build_runtime.fetch_sources(str(tmp_path), str(tmp_path / "cache"))
    message = str(failed.value)
    assert "\n" not in message
    assert message.startswith("source package python3.11 3.11.2-0+gone1 is "
                              "no longer served")


def test_cache_key_follows_the_patches_and_the_module_list(monkeypatch,
                                                           tmp_path):
    import build_runtime
    before = build_runtime.input_key()
    copy = tmp_path / "runtime"
    shutil.copytree(build_runtime.RUNTIME, str(copy))
    monkeypatch.setattr(build_runtime, "RUNTIME", str(copy))
    assert build_runtime.input_key() == before
    with open(str(copy / build_runtime.SETUP_LOCAL), "a") as setup:
        setup.write("# one more line\n")
    after_setup = build_runtime.input_key()
    with open(str(copy / build_runtime.PATCHES[0]), "a") as patch:
        patch.write("\n")
    assert len({before, after_setup, build_runtime.input_key()}) == 3
