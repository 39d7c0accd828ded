"""rollback and undo on real fixture hosts: real files, links, rename(2)."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.hosts import (K835, K847, K_OLD, OLD_BUILD, Kernel, run_cli,
                         tree_state)


REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def links_of(root):
    boot = os.path.join(root, "boot")
    return (os.readlink(os.path.join(boot, "vmlinuz-2.6-xen")),
            os.readlink(os.path.join(boot, "initrd-2.6-xen.img")))


def pair(release):
    return ("vmlinuz-" + release, "initrd-%s.img" % release)


def rollback(capsys, root, running, *extra):
    code, out, err = run_cli(capsys, "rollback", "--json", "--root", root,
                             "--running-kernel", running, *extra)
    return code, (json.loads(out) if out else None), err


def no_temp_files(root):
    return not [n for d, _, fs in os.walk(root) for n in fs
                if n.startswith(".ovs-rescue-tmp-")]


def test_rollback_leaves_healthy_host_untouched(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847)], pending=K847)
    before = tree_state(root)
    code, doc, _ = rollback(capsys, root, K847)
    assert code == 0 and doc["changed"] is False and doc["links"] == []
    assert tree_state(root) == before


def test_rollback_moves_both_links_to_the_running_kernel(make_host, capsys):
    root = make_host([Kernel(K_OLD), Kernel(K835),
                      Kernel(K847, module_build=None)], pending=K847)
    code, doc, _ = rollback(capsys, root, K835)
    assert code == 0 and doc["changed"] and doc["to"] == K835
    assert doc["from"] == K847
    assert links_of(root) == pair(K835)
    assert no_temp_files(root)
    assert run_cli(capsys, "check", "--root", root,
                   "--running-kernel", K835)[0] == 0


def test_rollback_prefers_newest_safe_kernel_when_running_is_unsafe(
        make_host, capsys):
    root = make_host([Kernel(K_OLD), Kernel(K835),
                      Kernel(K847, module_build=None)], pending=K847)
    code, doc, _ = rollback(capsys, root, K847)
    assert code == 0 and doc["to"] == K835


def test_rollback_to_an_eligible_kernel(make_host, capsys):
    root = make_host([Kernel(K_OLD), Kernel(K835), Kernel(K847)], pending=K847)
    code, doc, _ = rollback(capsys, root, K847, "--to", K_OLD)
    assert code == 0 and links_of(root) == pair(K_OLD)


@pytest.mark.parametrize("target, message", [
    (K835, "no initrd"),
    ("2.6.32.99-1xen", "no kernel 2.6.32.99-1xen in /boot"),
])
def test_rollback_to_an_unsafe_or_absent_kernel_refuses(make_host, capsys,
                                                        target, message):
    root = make_host([Kernel(K835, initrd=False),
                      Kernel(K847, module_build=None)], pending=K847)
    before = tree_state(root)
    code, doc, _ = rollback(capsys, root, K847, "--to", target)
    assert code == 1 and any(message in p for p in doc["problems"])
    assert tree_state(root) == before


def test_malformed_to_is_a_usage_error(make_host, capsys):
    root = make_host([Kernel(K847)], pending=K847)
    code, _, err = rollback(capsys, root, K847, "--to", "../x")
    assert code == 2 and "--to" in err


def test_old_build_only_refuses_and_names_any_build(make_host, capsys):
    root = make_host([Kernel(K835, module_build=OLD_BUILD),
                      Kernel(K847, module_build=None)], pending=K847)
    before = tree_state(root)
    code, out, _ = run_cli(capsys, "rollback", "--root", root,
                           "--running-kernel", K847)
    assert code == 1 and out.startswith("Cannot roll back: no kernel is safe")
    assert "--any-build" in out and K835 in out
    assert tree_state(root) == before
    code, doc, _ = rollback(capsys, root, K847, "--any-build")
    assert code == 0 and links_of(root) == pair(K835)


@pytest.mark.parametrize("kernel", [
    Kernel(K835, initrd=False), Kernel(K835, module_on_disk=False)])
def test_kernel_missing_a_part_is_never_a_target(make_host, capsys, kernel):
    root = make_host([kernel, Kernel(K847, module_build=None)], pending=K847)
    code, doc, _ = rollback(capsys, root, K847)
    assert code == 1 and links_of(root) == pair(K847)


def test_dangling_link_is_repaired(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847)], pending=K847)
    os.unlink(os.path.join(root, "boot", "vmlinuz-" + K847))
    code, doc, _ = rollback(capsys, root, K835)
    assert code == 0 and links_of(root) == pair(K835)


def test_absolute_links_are_rewritten_relative_only_when_moving(make_host,
                                                                capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)])
    boot = os.path.join(root, "boot")
    os.symlink("/boot/vmlinuz-" + K847, os.path.join(boot, "vmlinuz-2.6-xen"))
    os.symlink("/boot/initrd-%s.img" % K847,
               os.path.join(boot, "initrd-2.6-xen.img"))
    code, doc, _ = rollback(capsys, root, K835)
    assert code == 0 and links_of(root) == pair(K835)


def test_mixed_pair_is_repaired(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847)], pending=K847)
    boot = os.path.join(root, "boot")
    os.unlink(os.path.join(boot, "initrd-2.6-xen.img"))
    os.symlink("initrd-%s.img" % K835, os.path.join(boot, "initrd-2.6-xen.img"))
    code, doc, _ = rollback(capsys, root, K847)
    assert code == 0 and links_of(root) == pair(K847)
    assert [l["name"] for l in doc["links"]] == ["initrd-2.6-xen.img"]


def test_junk_in_boot_is_left_alone(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    junk = os.path.join(root, "boot", "vmlinuz-%s.bak" % K847)
    with open(junk, "w") as handle:
        handle.write("old")
    rollback(capsys, root, K835)
    assert open(junk).read() == "old"


def test_dry_run_changes_nothing_and_shows_the_plan(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    before = tree_state(root)
    code, out, _ = run_cli(capsys, "rollback", "--dry-run", "--root", root,
                           "--running-kernel", K835)
    assert code == 0 and out.startswith("Would roll back: boot pair would be "
                                        + K835)
    assert "old    vmlinuz-%s" % K847 in out and "new    vmlinuz-" + K835 in out
    assert all(len(line) <= 80 for line in out.splitlines())
    assert tree_state(root) == before


def test_undo_restores_the_pair_and_undo_of_undo_reapplies(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    rollback(capsys, root, K835)
    code, out, _ = run_cli(capsys, "undo", "--root", root)
    assert code == 0 and out.startswith("Undone: boot pair now " + K847)
    assert links_of(root) == pair(K847)
    assert run_cli(capsys, "undo", "--root", root)[0] == 0
    assert links_of(root) == pair(K835)


def test_undo_with_nothing_to_undo_exits_1_and_changes_nothing(make_host,
                                                               capsys):
    root = make_host([Kernel(K847)], pending=K847)
    before = tree_state(root)
    code, _, err = run_cli(capsys, "undo", "--root", root)
    assert code == 1 and "nothing to undo" in err
    assert tree_state(root) == before


def test_undo_dry_run_changes_nothing(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    rollback(capsys, root, K835)
    before = tree_state(root)
    code, out, _ = run_cli(capsys, "undo", "--dry-run", "--root", root)
    assert code == 0 and out.startswith("Would undo")
    assert tree_state(root) == before


def test_changes_are_logged_in_the_state_directory(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    rollback(capsys, root, K835)
    state = os.path.join(root, "boot", ".ovs-rescue")
    assert sorted(os.listdir(state)) == ["journal.json", "lock", "log"]
    log = open(os.path.join(state, "log")).read()
    assert "rollback" in log and K847 in log and K835 in log


def test_state_directory_that_is_a_symlink_is_refused(make_host, capsys,
                                                      tmp_path):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(str(elsewhere), os.path.join(root, "boot", ".ovs-rescue"))
    code, _, err = rollback(capsys, root, K835)
    assert code == 3 and "state directory" in err
    assert links_of(root) == pair(K847) and os.listdir(str(elsewhere)) == []


def lock_holder(state, pid_text=b""):
    """Another process holding the state directory's lock (flock), having
    written pid_text into it; wait for it with .stdout.readline()."""
    return subprocess.Popen(
        ["python3", "-c", "import fcntl,os,sys,time;"
         "fd=os.open(sys.argv[1],os.O_RDWR|os.O_CREAT);"
         "fcntl.flock(fd,fcntl.LOCK_EX);os.pwrite(fd,sys.argv[2].encode(),0);"
         "print('locked',flush=True);time.sleep(30)",
         os.path.join(state, "lock"), pid_text.decode()],
        stdout=subprocess.PIPE)


def test_second_run_fails_at_once_naming_the_lock_holder(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    state = os.path.join(root, "boot", ".ovs-rescue")
    os.mkdir(state, 0o700)
    holder = lock_holder(state, b"4242      \n")
    try:
        holder.stdout.readline()
        code, _, err = rollback(capsys, root, K835)
        assert code == 3
        assert "another ovs-rescue (pid 4242) is changing /boot" in err
        assert links_of(root) == pair(K847)
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_ctrl_c_while_waiting_for_the_lock_is_130_and_changes_nothing(
        make_host):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    state = os.path.join(root, "boot", ".ovs-rescue")
    os.mkdir(state, 0o755)
    holder = lock_holder(state)
    try:
        holder.stdout.readline()
        before = tree_state(root)
        done = subprocess.run(
            ["strace", "-qq", "-f", "-o", "/dev/null", "-e", "trace=flock",
             "-e", "inject=flock:signal=INT:when=3", sys.executable, "-m",
             "rescue", "rollback", "--wait", "30", "--root", root,
             "--running-kernel", K835],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            universal_newlines=True, timeout=60)
        assert done.returncode == 130, done.stderr
        assert done.stderr == "ovs-rescue: interrupted\n"
        assert done.stdout == ""
        assert tree_state(root) == before
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_undo_back_to_an_unsafe_kernel_warns_that_check_will_fail(
        make_host, capsys, dry_run):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    rollback(capsys, root, K835)
    code, out, _ = run_cli(capsys, "undo", "--root", root, "--json",
                           "--dry-run")
    assert any("NOT safe" in p for p in json.loads(out)["problems"])
    code, out, _ = run_cli(capsys, "undo", "--root", root, *dry_run)
    assert code == 0
    text = " ".join(out.split())
    assert ("warning: the boot pair goes to %s, which is NOT safe to boot "
            "with OVS (no module RPM" % K847) in text
    assert all(len(line) <= 80 for line in out.splitlines())


def test_rollback_to_a_safe_kernel_has_no_landing_warning(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    code, out, _ = run_cli(capsys, "rollback", "--root", root,
                           "--running-kernel", K835)
    assert code == 0 and "warning" not in out
