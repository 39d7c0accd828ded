"""install.sh at its targets: what is in the way is refused before the
first write, and "nothing was changed" is said only when true."""
import os
import stat
import subprocess

import pytest

from tests.hosts import tree_state
from tests.test_install import (  # noqa: F401  (fixtures)
    INSTALL, bundle, host, install, leftovers, man_page, paths, python_runs,
    run_bundle, runtime_folders, sha256, staged_runtime)


def make_folder(path):
    os.mkdir(path)


def make_fifo(path):
    os.mkfifo(path)


def make_device(path):
    os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))


def make_symlink_elsewhere(path):
    os.symlink("/etc", path)


def make_file(path):
    with open(path, "w") as out:
        out.write("someone's\n")


OBSTACLES = [make_folder, make_fifo, make_device, make_symlink_elsewhere]


def target_path(root, which):
    """A path install.sh writes on a fresh root, by what it holds."""
    archive, launcher = paths(root)
    return {"zipapp": archive, "launcher": launcher,
            "man page": man_page(root), "runtime": staged_runtime(root)}[which]


def run_with_pid_known(argv, place):
    """Run argv as the same process as a shell that first calls place(pid)
    through a marker: install.sh's temp names end in its pid ($$)."""
    marks_r, marks_w = os.pipe()
    go_r, go_w = os.pipe()
    # bash: dash takes only one-digit descriptors
    wrapper = 'echo "$$" >&%d; read -r _ <&%d; exec "$@"' % (marks_w, go_r)
    child = subprocess.Popen(["bash", "-c", wrapper, "sh"] + argv,
                             pass_fds=(marks_w, go_r), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, universal_newlines=True)
    os.close(marks_w)
    os.close(go_r)
    with os.fdopen(marks_r) as marks:
        place(int(marks.readline()))
    os.write(go_w, b"go\n")
    os.close(go_w)
    out, err = child.communicate()
    return subprocess.CompletedProcess(argv, child.returncode, out, err)


def assert_refused_untouched(done, before, root, path):
    assert done.returncode == 3, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("install.sh: error: %s is " % path)
    assert done.stderr.endswith("move it away (nothing was changed)\n")
    assert "installed" not in done.stdout
    assert tree_state(root) == before and leftovers(root) == []


@pytest.mark.parametrize("obstacle", OBSTACLES,
                         ids=lambda f: f.__name__[5:])
@pytest.mark.parametrize("which", ["zipapp", "launcher", "man page"])
def test_a_non_file_at_a_target_is_refused_before_the_first_write(
        host, install, which, obstacle):
    """Not the file moved inside a folder there, nor temps piling up."""
    path = target_path(host, which)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    obstacle(path)
    before = tree_state(host)
    for _ in range(2):                  # and again: nothing piles up
        assert_refused_untouched(install(host), before, host, path)


@pytest.mark.parametrize("obstacle", OBSTACLES + [make_file],
                         ids=lambda f: f.__name__[5:])
def test_anything_but_its_link_at_the_runtime_link_is_refused(
        host, bundle, obstacle):
    path = staged_runtime(host)
    os.makedirs(os.path.dirname(path))
    obstacle(path)
    before = tree_state(host)
    assert_refused_untouched(run_bundle(bundle, host), before, host, path)


@pytest.mark.parametrize("obstacle", OBSTACLES,
                         ids=lambda f: f.__name__[5:])
@pytest.mark.parametrize("suffix", ["pyz", "link"])
def test_a_non_file_at_a_temp_name_of_the_run_is_refused(
        host, bundle, obstacle, suffix):
    folder = os.path.dirname(paths(host)[0])
    os.makedirs(folder)
    temp = []

    def place(pid):
        temp.append(os.path.join(folder, ".ovs-rescue-install.%d.%s"
                                 % (pid, suffix)))
        obstacle(temp[0])
        temp.append(tree_state(host))
    done = run_with_pid_known(
        ["sh", os.path.join(bundle, "install.sh"), "--root", host], place)
    path, before = temp
    assert done.returncode == 3, done.stderr
    assert done.stderr == "install.sh: error: %s is %s, not a temp file " \
        "install.sh left; move it away (nothing was changed)\n" % (
            path, done.stderr.split(" is ", 1)[1].split(",")[0])
    assert tree_state(host) == before


def test_a_power_cut_leftover_at_its_own_temp_name_is_swept(
        host, zipapp, python36):
    """A regular file there is what a killed run with the same pid left."""
    folder = os.path.dirname(paths(host)[0])
    os.makedirs(folder)
    done = run_with_pid_known(
        ["sh", INSTALL, "--root", host, "--archive", zipapp,
         "--python", python36],
        lambda pid: make_file(os.path.join(
            folder, ".ovs-rescue-install.%d.pyz" % pid)))
    assert done.returncode == 0, done.stderr
    assert leftovers(host) == []


# A part that cannot be staged -------------------------------------------

def small_disk(path, size_kib):
    """A tmpfs of size_kib at path (a full /boot), or skip."""
    os.makedirs(path, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o",
                           "size=%dk,mode=755" % size_kib, "tmpfs", path],
                          stderr=subprocess.PIPE, universal_newlines=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs: %s" % done.stderr.strip())


@pytest.fixture
def unmount():
    mounted = []
    yield mounted.append
    for path in mounted:
        subprocess.run(["umount", path])


def newer_bundle(bundle):
    """The bundle with a changed zipapp (its shebang's space a tab: the
    same length, so the archive's offsets hold) and a changed runtime."""
    path = os.path.join(bundle, "ovs-rescue.pyz")
    with open(path, "rb") as older:
        data = older.read()
    with open(path, "wb") as newer:
        newer.write(data.replace(b"env python3\n", b"env\tpython3\n", 1))
    with open(os.path.join(bundle, "runtime", "x86_64", "python3._pth"),
              "a") as newer:
        newer.write("# newer\n")


def used_kib(path):
    info = os.statvfs(path)
    return (info.f_blocks - info.f_bfree) * info.f_frsize // 1024


def test_a_full_disk_while_staging_the_runtime_changes_nothing(
        host, bundle, unmount):
    """The zipapp fits, the runtime does not: the old zipapp stays, and
    "nothing was changed" is then true."""
    folder = os.path.dirname(paths(host)[0])
    small_disk(folder, 64 * 1024)
    unmount(folder)
    assert run_bundle(bundle, host).returncode == 0
    zipapp_kib = -(-os.path.getsize(paths(host)[0]) // 4096) * 4
    subprocess.run(["mount", "-o", "remount,size=%dk" % (
        used_kib(folder) + zipapp_kib + 4), folder], check=True)
    old_zipapp = sha256(paths(host)[0])
    old_runtime = runtime_folders(host)
    newer_bundle(bundle)
    before = tree_state(host)
    done = run_bundle(bundle, host)
    assert done.returncode == 3, done.stderr
    assert done.stderr.count("\n") == 1
    assert done.stderr.rstrip().endswith("nothing was changed"), done.stderr
    assert "installed" not in done.stdout
    assert sha256(paths(host)[0]) == old_zipapp
    assert runtime_folders(host) == old_runtime and python_runs(host)
    assert tree_state(host) == before and leftovers(host) == []


# A rename that fails after another part was replaced ---------------------

def test_a_failed_rename_after_the_zipapp_says_what_changed_and_exits_4(
        host, bundle):
    assert run_bundle(bundle, host).returncode == 0
    old_runtime = runtime_folders(host)
    newer_bundle(bundle)
    fail_link = ["strace", "-f", "-qq", "-o", os.devnull,
                 "-P", staged_runtime(host),
                 "-e", "trace=rename,renameat,renameat2",
                 "-e", "inject=rename,renameat,renameat2:error=EIO"]
    done = subprocess.run(fail_link + ["sh", os.path.join(bundle,
                                                          "install.sh"),
                                       "--root", host],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    archive, _ = paths(host)
    said = [line for line in done.stderr.splitlines()
            if not line.startswith("strace: ")]
    assert done.returncode == 4, done.stderr
    assert len(said) == 1, said
    assert "replaced already: %s; the rest is as it was" % archive \
        in done.stderr
    assert "nothing was changed" not in done.stderr + done.stdout
    assert sha256(archive) == sha256(os.path.join(bundle, "ovs-rescue.pyz"))
    assert runtime_folders(host) == old_runtime and python_runs(host)
    assert leftovers(host) == []
    done = run_bundle(bundle, host)                 # the next run finishes
    assert done.returncode == 0 and runtime_folders(host) != old_runtime


def test_usage_documents_the_part_way_exit_code():
    done = subprocess.run(["sh", INSTALL, "--help"], stdout=subprocess.PIPE,
                          universal_newlines=True)
    assert "\n  4  failed part-way" in done.stdout
