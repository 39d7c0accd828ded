"""Trust nothing read: journals, links, snapshots, rpm, stdout.

Each test would have failed before the fix it names: real hosts, the real
rpm, real links and rename(2); the zipapp under Python 3.6 where the
process itself matters (its stdout, its exit, its signals).
"""
import json
import os
import stat

import pytest

from rescue.host import statedir
from tests.hosts import K835, K847, K_OLD, Kernel, run_cli, tree_state

IMAGE, INITRD = "vmlinuz-2.6-xen", "initrd-2.6-xen.img"


def pair(release):
    return ("vmlinuz-" + release, "initrd-%s.img" % release)


def links_of(root):
    boot = os.path.join(root, "boot")
    return tuple(os.readlink(os.path.join(boot, n))
                 if os.path.islink(os.path.join(boot, n)) else None
                 for n in (IMAGE, INITRD))


def set_links(root, image, initrd):
    boot = os.path.join(root, "boot")
    for name, target in ((IMAGE, image), (INITRD, initrd)):
        os.unlink(os.path.join(boot, name))
        os.symlink(target, os.path.join(boot, name))


def write_journal(root, changes):
    state = os.path.join(root, "boot", statedir.STATE_DIR)
    os.makedirs(state, mode=0o755, exist_ok=True)
    with open(os.path.join(state, statedir.JOURNAL), "w") as out:
        out.write(statedir.journal_text(changes))
    return os.path.join(state, statedir.JOURNAL)


def change(action, old, new, state, ident="20261127T000000Z-1"):
    """A journal record moving both links from old's pair to new's."""
    links = tuple((name, o, n) for name, o, n in
                  zip((IMAGE, INITRD), pair(old), pair(new)))
    return statedir.Change(ident, "2026-11-27T00:00:00Z", action, old, new,
                           links, state)


@pytest.fixture
def unsafe_pending(make_host):
    """K835 running and safe; K847 (the hotfix) has no module RPM."""
    return make_host([Kernel(K_OLD), Kernel(K835),
                      Kernel(K847, module_build=None)], pending=K847)


def interrupted_undo(root):
    """A rollback to K835, then an undo back to K847 cut after one rename."""
    write_journal(root, (
        change("rollback", K847, K835, statedir.DONE, "20261127T000000Z-1"),
        change("undo", K835, K847, statedir.STARTED, "20261127T000100Z-2")))
    set_links(root, pair(K847)[0], pair(K835)[1])


# -- rollback always ends safe -------------------------------------------

def test_rollback_after_an_interrupted_undo_lands_on_a_safe_pair(
        unsafe_pending, capsys):
    root = unsafe_pending
    interrupted_undo(root)
    assert run_cli(capsys, "check", "--root", root,
                   "--running-kernel", K835)[0] == 1
    code, out, _ = run_cli(capsys, "rollback", "--json", "--root", root,
                           "--running-kernel", K835)
    assert code == 0 and json.loads(out)["to"] == K835
    assert links_of(root) == pair(K835)
    states = [c.state for c in statedir.read_journal(
        os.path.join(root, "boot"))]
    assert states == [statedir.DONE, statedir.ABANDONED, statedir.DONE]
    assert run_cli(capsys, "check", "--root", root,
                   "--running-kernel", K835)[0] == 0


def test_rollback_to_is_honoured_over_an_interrupted_change(make_host,
                                                            capsys):
    root = make_host([Kernel(K_OLD), Kernel(K835), Kernel(K847)],
                     pending=K847)
    write_journal(root, (change("rollback", K847, K835, statedir.STARTED),))
    set_links(root, pair(K835)[0], pair(K847)[1])
    code, out, _ = run_cli(capsys, "rollback", "--json", "--to", K_OLD,
                           "--root", root, "--running-kernel", K835)
    assert code == 0 and json.loads(out)["to"] == K_OLD
    assert links_of(root) == pair(K_OLD)


def test_rollback_does_not_finish_onto_a_kernel_whose_module_went_away(
        unsafe_pending, capsys):
    root = unsafe_pending            # the record says K847; it has no module
    write_journal(root, (change("rollback", K835, K847, statedir.STARTED),))
    set_links(root, pair(K847)[0], pair(K835)[1])
    code, _, _ = run_cli(capsys, "rollback", "--root", root,
                         "--running-kernel", K835)
    assert code == 0 and links_of(root) == pair(K835)


def test_rollback_finishes_an_interrupted_change_that_lands_safe(
        make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    write_journal(root, (change("rollback", K847, K835, statedir.STARTED),))
    set_links(root, pair(K835)[0], pair(K847)[1])
    code, out, _ = run_cli(capsys, "rollback", "--root", root,
                           "--running-kernel", K835)
    assert code == 0 and out.startswith("Finished")
    assert links_of(root) == pair(K835)


def test_an_interrupted_change_on_a_safe_pair_is_closed_without_moving(
        make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K835)
    write_journal(root, (change("undo", K835, K847, statedir.STARTED),))
    code, _, _ = run_cli(capsys, "rollback", "--root", root,
                         "--running-kernel", K835)
    assert code == 0 and links_of(root) == pair(K835)
    assert statedir.read_journal(os.path.join(root, "boot"))[-1].state == \
        statedir.ABANDONED
    assert run_cli(capsys, "rollback", "--root", root, "--running-kernel",
                   K835)[1].startswith("Nothing to do")


# -- the journal is data --------------------------------------------------

DAMAGED = [
    '[]', '{"changes": 5}', '{"changes": [5]}', '{"changes": [{"id": 1}]}',
    '{"changes": [{"id": "a", "time": "t", "action": "rollback", "from": null,'
    ' "to": null, "state": "started", "links": [{"name": "vmlinuz-2.6-xen",'
    ' "old": null, "new": "/anywhere/file"}]}]}',
    '{"changes": [{"id": "a", "time": "t", "action": "rollback", "from": null,'
    ' "to": null, "state": "started", "links": [{"name": "../../etc/passwd",'
    ' "old": null, "new": "vmlinuz-1xen"}]}]}',
    '{"changes": [{"id": "a", "time": "t", "action": "rm -rf", "from": null,'
    ' "to": null, "state": "started", "links": []}]}',
    '\xff\xfe not utf-8', '{"changes": [' * 100000,
]


@pytest.mark.parametrize("text", DAMAGED, ids=range(len(DAMAGED)))
@pytest.mark.parametrize("command", ["check", "rollback", "undo", "status"])
def test_a_damaged_journal_is_one_line_exit_3_and_nothing_changed(
        unsafe_pending, capsys, text, command):
    root = unsafe_pending
    path = write_journal(root, ())
    with open(path, "w", encoding="latin-1") as out:
        out.write(text)
    before = tree_state(root)
    code, out, err = run_cli(capsys, command, "--root", root,
                             "--running-kernel", K835)
    assert (code, out) == (3, "")
    assert "is damaged" in err and len(err.splitlines()) == 1
    assert tree_state(root) == before


@pytest.mark.parametrize("mode, owner, what", [
    (0o777, 0, "writable by group or others"),
    (0o775, 0, "writable by group or others"),
    (0o755, 65534, "owned by uid 65534"),
])
def test_a_state_directory_others_could_write_is_refused(
        unsafe_pending, capsys, mode, owner, what):
    root = unsafe_pending
    write_journal(root, (change("rollback", K847, K835, statedir.DONE),))
    state = os.path.join(root, "boot", statedir.STATE_DIR)
    os.chmod(state, mode)
    os.chown(state, owner, 0)
    before = tree_state(root)
    for command in ("rollback", "check", "undo"):
        code, out, err = run_cli(capsys, command, "--root", root,
                                 "--running-kernel", K835)
        assert code == 3 and what in err and state in err, command
    assert tree_state(root) == before


def test_a_journal_file_others_could_write_is_refused(unsafe_pending, capsys):
    root = unsafe_pending
    path = write_journal(root, (change("rollback", K847, K835,
                                       statedir.DONE),))
    os.chmod(path, 0o666)
    code, _, err = run_cli(capsys, "undo", "--root", root)
    assert code == 3 and "writable by group or others" in err


def test_journal_and_log_are_world_readable_in_a_0755_directory(
        unsafe_pending, capsys):
    root = unsafe_pending
    old = os.umask(0o077)
    try:
        assert run_cli(capsys, "rollback", "--root", root,
                       "--running-kernel", K835)[0] == 0
    finally:
        os.umask(old)
    state = os.path.join(root, "boot", statedir.STATE_DIR)
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o755
    for name in (statedir.JOURNAL, statedir.LOG):
        assert stat.S_IMODE(os.stat(os.path.join(state, name)).st_mode) \
            == 0o644, name


def test_an_older_0700_state_directory_is_opened_up_by_the_next_change(
        unsafe_pending, capsys):
    root = unsafe_pending
    write_journal(root, ())
    state = os.path.join(root, "boot", statedir.STATE_DIR)
    os.chmod(state, 0o700)
    assert run_cli(capsys, "rollback", "--root", root,
                   "--running-kernel", K835)[0] == 0
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o755


def test_an_old_target_the_journal_may_not_hold_is_recorded_as_none(
        make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    set_links(root, "vmlinuz-not a kernel", pair(K847)[1])
    assert run_cli(capsys, "rollback", "--root", root,
                   "--running-kernel", K835)[0] == 0
    last = statedir.read_journal(os.path.join(root, "boot"))[-1]
    assert dict((n, o) for n, o, _ in last.links)[IMAGE] is None
    code, _, err = run_cli(capsys, "undo", "--root", root)
    assert code == 1 and "had no target before" in err


# -- a link target is what the kernel would open -------------------------

@pytest.mark.parametrize("target", [
    "vmlinuz-%s/" % K847, "x/../vmlinuz-" + K847, "vmlinuz-%s/." % K847,
])
def test_a_link_that_does_not_resolve_is_unsafe_and_repaired(
        make_host, capsys, target):
    root = make_host([Kernel(K835), Kernel(K847)], pending=K847)
    set_links(root, target, pair(K847)[1])
    code, out, _ = run_cli(capsys, "check", "--root", root,
                           "--running-kernel", K835)
    assert code == 1 and "dangling" in out
    assert run_cli(capsys, "rollback", "--root", root,
                   "--running-kernel", K835)[0] == 0
    assert links_of(root)[0] in (pair(K835)[0], pair(K847)[0])
    assert run_cli(capsys, "check", "--root", root,
                   "--running-kernel", K835)[0] == 0


def test_a_link_through_a_directory_inside_boot_resolves(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847)], pending=K847)
    os.mkdir(os.path.join(root, "boot", "x"))
    set_links(root, "x/../vmlinuz-" + K847, pair(K847)[1])
    assert run_cli(capsys, "check", "--root", root,
                   "--running-kernel", K847)[0] == 0


def test_boot_as_an_absolute_symlink_is_read_inside_the_root(make_host,
                                                             capsys, tmp_path):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    os.rename(os.path.join(root, "boot"), os.path.join(root, "realboot"))
    os.symlink("/realboot", os.path.join(root, "boot"))
    assert run_cli(capsys, "rollback", "--root", root,
                   "--running-kernel", K835)[0] == 0
    assert os.readlink(os.path.join(root, "realboot", IMAGE)) == \
        pair(K835)[0]


def test_boot_leading_out_of_the_root_is_refused(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    os.rename(os.path.join(root, "boot"), os.path.join(root, "realboot"))
    os.symlink("../../../../../../../../" + root.lstrip("/") + "/realboot",
               os.path.join(root, "boot"))
    before = tree_state(root)
    code, _, err = run_cli(capsys, "rollback", "--root", root,
                           "--running-kernel", K835)
    assert code == 3 and "out of the root" in err
    assert tree_state(root) == before


def test_a_relative_root_works(make_host, capsys, monkeypatch):
    root = make_host([Kernel(K835), Kernel(K847)], pending=K847)
    monkeypatch.chdir(os.path.dirname(root))
    code, _, err = run_cli(capsys, "check", "--root",
                           os.path.basename(root), "--running-kernel", K847)
    assert (code, err) == (0, "")


# -- only symlinks are replaced -------------------------------------------

@pytest.mark.parametrize("make", [
    lambda path: open(path, "w").close(), os.mkdir,
])
def test_something_not_a_symlink_at_a_link_name_is_refused(
        make_host, capsys, make):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    path = os.path.join(root, "boot", INITRD)
    os.unlink(path)
    make(path)
    before = tree_state(root)
    for extra in ((), ("--dry-run",)):
        code, _, err = run_cli(capsys, "rollback", "--root", root,
                               "--running-kernel", K835, *extra)
        assert code == 3 and "is not a symlink; move it aside" in err
        assert INITRD in err
    assert tree_state(root) == before


# -- rpm's exit status is not the answer ----------------------------------

def test_hundreds_of_kernels_without_module_rpms_are_still_read(
        make_host, capsys):
    root = make_host([Kernel(K835)], pending=K835)
    for n in range(300):
        release = "2.6.32.43-0.4.1.xs1.8.0.%d.1xen" % (1000 + n)
        for name in ("vmlinuz-" + release, "initrd-%s.img" % release):
            open(os.path.join(root, "boot", name), "w").close()
    code, out, err = run_cli(capsys, "check", "--root", root,
                             "--running-kernel", K835)
    assert (code, err) == (0, ""), err


def test_a_package_list_that_is_not_a_file_is_refused_at_once(
        make_host, capsys):
    root = make_host([Kernel(K835)], pending=K835)
    code, _, err = run_cli(capsys, "check", "--root", root, "--packages",
                           "/dev/zero")
    assert code == 3 and "not a regular file" in err


# -- boot entries that name something other than the tool's links ---------

def extlinux(root, image, initrd):
    path = os.path.join(root, "boot", "extlinux.conf")
    with open(path, "w") as out:
        out.write("default xe\nlabel xe\n  kernel mboot.c32\n  append "
                  "/boot/xen.gz --- /boot/%s ro --- /boot/%s\n"
                  "label other\n  kernel mboot.c32\n  append /boot/xen.gz "
                  "--- /boot/vmlinuz-2.6-xen ro --- /boot/initrd-2.6-xen.img"
                  "\n" % (image, initrd))


@pytest.mark.parametrize("image, initrd", [
    ("vmlinuz-ovs-xen", "initrd-ovs-xen.img"),        # a name of its own
    ("vmlinuz-" + K847, "initrd-%s.img" % K847),       # the kernel's files
])
def test_rollback_never_moves_links_the_tool_does_not_own(
        unsafe_pending, capsys, image, initrd):
    root = unsafe_pending
    boot = os.path.join(root, "boot")
    if not os.path.lexists(os.path.join(boot, image)):
        os.symlink(pair(K847)[0], os.path.join(boot, image))
        os.symlink(pair(K847)[1], os.path.join(boot, initrd))
    extlinux(root, image, initrd)
    before = tree_state(root)
    for extra in ((), ("--dry-run",)):
        code, out, err = run_cli(capsys, "rollback", "--root", root,
                                 "--running-kernel", K835, *extra)
        assert code == 1, err
        assert "not boot links ovs-rescue may move" in " ".join(out.split())
        assert "move it aside" not in out + err
    assert tree_state(root) == before
    for command, code in (("check", 1), ("undo", 1)):
        assert run_cli(capsys, command, "--root", root,
                       "--running-kernel", K835)[0] == code


@pytest.mark.parametrize("image, initrd, problem", [
    ("bzImage", "initrd.img", "no usable boot link"),
    ("vmlinuz-" + K847, "vmlinuz-" + K847, "as both kernel and initrd"),
])
def test_an_entry_the_tool_cannot_read_is_unsafe_not_a_crash(
        unsafe_pending, capsys, image, initrd, problem):
    root = unsafe_pending
    extlinux(root, image, initrd)
    code, out, err = run_cli(capsys, "check", "--root", root,
                             "--running-kernel", K835)
    assert (code, err) == (1, "") and problem in " ".join(out.split())
    code, out, _ = run_cli(capsys, "check", "--nagios", "--root", root,
                           "--running-kernel", K835)
    assert code == 2 and out.startswith("OVS-RESCUE CRITICAL")


def test_a_damaged_package_listing_line_is_not_a_package(make_host, capsys,
                                                         tmp_path):
    root = make_host([Kernel(K835)], pending=K835)
    listing = tmp_path / "packages.txt"
    listing.write_text("P\topenvswitch\nF\t/x\n")
    code, out, err = run_cli(capsys, "check", "--root", root, "--packages",
                             listing)
    assert code == 3 and "holds no packages" in err
    assert "internal" not in err


def _damage_section_offset(root, release, value=2 ** 63):
    """Set e_shoff of release's module file (64-bit, little-endian)."""
    import struct
    from rescue.sample import trees as sample
    path = os.path.join(root, sample.module_path(release).lstrip("/"))
    with open(path, "r+b") as handle:
        handle.seek(16 + 24)
        handle.write(struct.pack("<Q", value))


@pytest.mark.parametrize("argv, code, shown", [
    (["check", "--json"], 1, '"ok": false'),
    (["check", "--nagios"], 2, "OVS-RESCUE CRITICAL"),
    (["check"], 1, "outside the file"),
    (["snapshot"], 0, "outside the file"),
])
def test_a_module_with_a_section_table_past_2_63_is_unusable_not_a_crash(
        unsafe_pending, capsys, argv, code, shown):
    """Its kernel is not safe (the module cannot be read): a verdict on
    stdout, never `internal error: OverflowError`, exit 3."""
    root = unsafe_pending
    _damage_section_offset(root, K835)
    result, out, err = run_cli(capsys, *argv, "--root", root,
                               "--running-kernel", K835)
    assert "internal error" not in err
    assert (result, shown in out) == (code, True)


def test_rollback_passes_over_a_kernel_whose_module_is_damaged(
        make_host, capsys):
    root = make_host([Kernel(K_OLD), Kernel(K835),
                      Kernel(K847, module_build=None)], pending=K847)
    _damage_section_offset(root, K835)
    code, out, err = run_cli(capsys, "rollback", "--root", root,
                             "--running-kernel", K835)
    assert (code, links_of(root)) == (0, pair(K_OLD))
