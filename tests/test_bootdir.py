"""The /boot scanner on a fake file system (fast), one case a test."""
import os

import pytest

from rescue.core import bootlinks
from rescue.host import bootscan, snapshot
from rescue.errors import CannotInspect
from tests.hosts import K835, K847

BOOT = "/host/boot"


@pytest.fixture
def boot(fs):
    fs.create_dir(BOOT)
    return fs


def kernel(fs, release, initrd=True):
    fs.create_file("%s/vmlinuz-%s" % (BOOT, release))
    if initrd:
        fs.create_file("%s/initrd-%s.img" % (BOOT, release))


def links(image, initrd):
    os.symlink(image, BOOT + "/vmlinuz-2.6-xen")
    os.symlink(initrd, BOOT + "/initrd-2.6-xen.img")


def test_kernels_and_initrds_are_found(boot):
    kernel(boot, K835)
    kernel(boot, K847, initrd=False)
    facts = bootscan.scan_boot("/host")
    assert facts.images == {K835, K847}
    assert facts.initrds == {K835}


@pytest.mark.parametrize("junk", [
    "vmlinuz-2.6.32.bak~ x", "vmlinuz-", "vmlinuz-abc", "vmlinuz-1 2",
    "vmlinuz-1\nxen", "initrd-1.0xen.img.orig", "xen.gz", "extlinux.conf",
])
def test_junk_in_boot_is_ignored(boot, junk):
    boot.create_file(BOOT + "/" + junk)
    assert bootscan.scan_boot("/host").images == frozenset()


def test_a_vmlinuz_that_is_not_a_regular_file_is_not_a_kernel(boot):
    boot.create_dir(BOOT + "/vmlinuz-2.6.32xen")
    os.symlink("vmlinuz-2.6.32xen", BOOT + "/vmlinuz-2.6.33xen")
    assert bootscan.scan_boot("/host").images == frozenset()


def test_relative_links_name_the_pending_pair(boot):
    kernel(boot, K847)
    links("vmlinuz-" + K847, "initrd-%s.img" % K847)
    facts = bootscan.scan_boot("/host")
    assert bootlinks.pending_pair(facts.links) == (K847, K847)
    assert bootlinks.link_problems(facts.links) == ()


def test_absolute_link_is_read_inside_the_root_with_a_warning(boot):
    kernel(boot, K847)
    links("/boot/vmlinuz-" + K847, "initrd-%s.img" % K847)
    facts = bootscan.scan_boot("/host")
    assert bootlinks.pending_pair(facts.links) == (K847, K847)
    assert "absolute target" in bootlinks.link_problems(facts.links)[0]


@pytest.mark.parametrize("target, problem", [
    ("vmlinuz-" + K835, "dangling"),
    ("../etc/passwd", "outside /boot"),
    ("/etc/vmlinuz-" + K847, "outside /boot"),
    ("xen.gz", "not a kernel file"),
])
def test_unusable_image_link_is_a_problem(boot, target, problem):
    kernel(boot, K847)
    links(target, "initrd-%s.img" % K847)
    facts = bootscan.scan_boot("/host")
    assert bootlinks.pending_pair(facts.links) == (None, K847)
    assert problem in bootlinks.link_problems(facts.links)[0]


def test_missing_links_are_problems(boot):
    facts = bootscan.scan_boot("/host")
    assert bootlinks.pending_pair(facts.links) == (None, None)
    assert len(bootlinks.link_problems(facts.links)) == 2


def test_a_regular_file_in_place_of_a_link_is_a_problem(boot):
    boot.create_file(BOOT + "/vmlinuz-2.6-xen")
    facts = bootscan.scan_boot("/host")
    assert "not a symlink" in facts.links["vmlinuz-2.6-xen"].problem


def test_missing_boot_directory_cannot_be_inspected(fs):
    fs.create_dir("/host")
    with pytest.raises(CannotInspect, match="/host/boot"):
        bootscan.scan_boot("/host")


def replayed(names):
    """The scan of /host/boot as a snapshot saves it and replays it."""
    entries = snapshot._boot_entries(snapshot.boot_entries(BOOT))
    return bootscan.scan_boot("/", names, snapshot.SnapshotFiles(entries))


LINK_NAMES = ("vmlinuz-2.6-xen", "initrd-2.6-xen.img")


@pytest.mark.parametrize("image, initrd", [
    ("vmlinuz-" + K847, "initrd-%s.img" % K847),
    ("/boot/vmlinuz-" + K847, "../boot/initrd-%s.img" % K847),
    ("chain", "initrd-%s.img" % K835),
    ("../etc/passwd", "../../../initrd"),
    ("xen.gz", "a-directory"),
    ("loop", "vmlinuz-2.6-xen"),
])
def test_a_snapshot_scans_its_boot_as_the_host_scans_it(boot, image, initrd):
    kernel(boot, K835)
    kernel(boot, K847)
    boot.create_file(BOOT + "/xen.gz")
    boot.create_dir(BOOT + "/a-directory")
    os.symlink("vmlinuz-" + K835, BOOT + "/chain")
    os.symlink("loop", BOOT + "/loop")
    links(image, initrd)
    assert replayed(LINK_NAMES) == bootscan.scan_boot("/host", LINK_NAMES)


def test_a_snapshot_reads_a_regular_file_for_a_link_as_the_host_does(boot):
    kernel(boot, K847)
    boot.create_file(BOOT + "/vmlinuz-2.6-xen")
    assert replayed(LINK_NAMES) == bootscan.scan_boot("/host", LINK_NAMES)
    assert "not a symlink" in replayed(LINK_NAMES).links[
        "vmlinuz-2.6-xen"].problem


def test_a_snapshot_names_a_file_below_boot_as_the_host_does(boot):
    kernel(boot, K847)
    names = ("grub/vmlinuz-" + K847, "initrd-2.6-xen.img")
    assert replayed(names) == bootscan.scan_boot("/host", names)
    assert "not a file directly in /boot" in replayed(names).links[
        names[0]].problem
