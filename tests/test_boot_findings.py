"""OK needs proof: each configuration that once got a wrong OK, on a real
/boot with a real RPM database, now gets UNSAFE or "cannot tell"."""
import gzip
import json
import os

import pytest

from rescue.sample import trees as sample
from tests import generations as gen
from tests.bootoracle.cases import with_boot_once
from tests.hosts import K835, K847, Kernel, run_cli, tree_state

PAIR = [Kernel(K835), Kernel(K847)]


@pytest.fixture
def root(tmp_path):
    return str(tmp_path / "host")


def check(capsys, root, *extra, running=K847):
    code, out, _ = run_cli(capsys, "check", "--json", "--root", root,
                           "--running-kernel", running, *extra)
    return code, json.loads(out)


def xs62(root, factory):
    return gen.xs62_host(root, factory, PAIR, K847)


def boot(root, name):
    return os.path.join(root, "boot", name)


def test_a_healthy_host_names_the_files_the_loader_opens(rpm_factory, root,
                                                         capsys):
    xs62(root, rpm_factory)
    code, doc = check(capsys, root)
    assert code == 0 and doc["layout"]["cannot_tell"] is None
    assert doc["layout"]["boots"] == {
        "hypervisor": {"written": "/boot/xen.gz", "file": "/boot/xen.gz"},
        "kernel": {"written": "/boot/vmlinuz-2.6-xen",
                   "file": "/boot/vmlinuz-%s" % K847},
        "initrd": {"written": "/boot/initrd-2.6-xen.img",
                   "file": "/boot/initrd-%s.img" % K847}}


@pytest.mark.parametrize("damage, words", [
    (lambda r: open(boot(r, "vmlinuz-" + K847), "wb").close(), "empty"),
    (lambda r: open(boot(r, "initrd-%s.img" % K847), "wb").close(), "empty"),
    (lambda r: os.unlink(boot(r, "xen.gz")), "does not lead to a file"),
    (lambda r: (os.unlink(boot(r, "xen.gz")),
                os.symlink("xen-4.1.gz", boot(r, "xen.gz"))),
     "does not lead to a file"),
    (lambda r: sample.write_file(r, "/boot/vmlinuz-" + K847,
                                 sample.kernel_image(K847, version=K835)),
     "release %s inside" % K835),
    (lambda r: sample.write_file(r, "/boot/vmlinuz-" + K847, b"x" * 4096),
     "not a bzImage"),
    (lambda r: sample.write_file(r, "/boot/initrd-%s.img" % K847,
                                 b"x" * 4096), "not an initrd"),
])
def test_a_damaged_boot_file_is_unsafe(rpm_factory, root, capsys, damage,
                                       words):
    xs62(root, rpm_factory)
    damage(root)
    code, doc = check(capsys, root)
    assert code == 1 and any(words in p for p in doc["problems"])


def test_paths_are_read_as_written_subdirectories_kept(rpm_factory, root,
                                                       capsys):
    xs62(root, rpm_factory)
    os.makedirs(boot(root, "new"))
    for name in ("vmlinuz-2.6-xen", "initrd-2.6-xen.img"):
        os.symlink("../" + os.readlink(boot(root, name)),
                   boot(root, "new/" + name))
    conf = boot(root, "extlinux.conf")
    text = open(conf).read().replace("/boot/vmlinuz-2.6-xen",
                                     "/boot/new/vmlinuz-2.6-xen", 1)
    open(conf, "w").write(text.replace("/boot/initrd-2.6-xen.img",
                                       "/boot/new/initrd-2.6-xen.img", 1))
    os.unlink(boot(root, "vmlinuz-2.6-xen"))
    os.symlink("vmlinuz-" + K835, boot(root, "vmlinuz-2.6-xen"))
    code, doc = check(capsys, root)
    kernel = doc["layout"]["boots"]["kernel"]
    assert kernel == {"written": "/boot/new/vmlinuz-2.6-xen",
                      "file": "/boot/vmlinuz-%s" % K847}
    assert code == 1 and doc["layout"]["links_ours"] is False
    before = tree_state(os.path.join(root, "boot"))
    assert run_cli(capsys, "rollback", "--root", root,
                   "--running-kernel", K847)[0] == 1
    assert tree_state(os.path.join(root, "boot")) == before


def test_a_boot_link_reaching_the_kernel_through_a_second_link_is_fine(
        rpm_factory, root, capsys):
    xs62(root, rpm_factory)
    os.symlink("vmlinuz-" + K847, boot(root, "vmlinuz-current"))
    os.unlink(boot(root, "vmlinuz-2.6-xen"))
    os.symlink("vmlinuz-current", boot(root, "vmlinuz-2.6-xen"))
    code, doc = check(capsys, root)
    assert code == 0, doc["problems"]
    assert doc["layout"]["boots"]["kernel"]["file"] == "/boot/vmlinuz-" + K847


def test_a_link_chain_longer_than_grub_follows_does_not_resolve(
        rpm_factory, root, capsys):
    gen.xs8_host(root, rpm_factory)
    target = "vmlinuz-" + gen.XS8_UNAME
    for step in range(8):
        os.symlink(target, boot(root, "chain%d" % step))
        target = "chain%d" % step
    os.unlink(boot(root, "vmlinuz-4.19-xen"))
    os.symlink(target, boot(root, "vmlinuz-4.19-xen"))
    code, doc = check(capsys, root, running=gen.XS8_UNAME)
    # GRUB skips that module2: the initrd moves up into the kernel's place
    assert code == 1 and doc["layout"]["boots"]["kernel"]["file"] == \
        "/boot/initrd-%s.img" % gen.XS8_UNAME
    assert any("too" in p and "GRUB skips it" in p for p in doc["problems"])


def test_grub_skipping_a_missing_kernel_hands_xen_the_initrd_as_kernel(
        rpm_factory, root, capsys):
    # module2 of a file GRUB cannot open fails, and the boot goes on: the
    # initrd is then Xen's first module, its kernel
    gen.xs8_host(root, rpm_factory)
    os.unlink(boot(root, "vmlinuz-" + gen.XS8_UNAME))
    code, doc = check(capsys, root, running=gen.XS8_UNAME)
    boots = doc["layout"]["boots"]
    assert boots["kernel"] == {"written": "/boot/initrd-4.19-xen.img",
                               "file": "/boot/initrd-%s.img" % gen.XS8_UNAME}
    assert boots["initrd"]["file"] is None
    assert code == 1 and any("GRUB skips it" in p for p in doc["problems"])


def test_extlinux_with_a_missing_kernel_boots_nothing_and_names_it(
        rpm_factory, root, capsys):
    xs62(root, rpm_factory)
    os.unlink(boot(root, "vmlinuz-" + K847))
    code, doc = check(capsys, root)
    assert doc["layout"]["boots"]["kernel"]["file"] is None
    assert doc["layout"]["boots"]["initrd"]["file"] == \
        "/boot/initrd-%s.img" % K847
    assert code == 1


def test_a_boot_once_command_in_the_adv_is_cannot_tell(rpm_factory, root,
                                                      capsys):
    xs62(root, rpm_factory)
    with_boot_once(root, "safe")
    code, doc = check(capsys, root)
    assert code == 1 and doc["layout"]["boots"] is None
    construct = doc["layout"]["cannot_tell"]["construct"]
    assert "extlinux --once 'safe'" in construct


def test_the_extlinux_version_is_noted_only_where_versions_differ(
        rpm_factory, root, capsys):
    xs62(root, rpm_factory)
    _, doc = check(capsys, root)
    assert not any("ldlinux.sys" in n for n in doc["notes"])
    conf = boot(root, "extlinux.conf")
    text = open(conf).read()
    open(conf, "w").write(text.replace("default xe", "# no default"))
    _, doc = check(capsys, root)
    assert any("extlinux 3.86 (ldlinux.sys)" in n and "no DEFAULT" in n
               for n in doc["notes"])


def test_a_stray_grub_cfg_on_an_extlinux_host_does_not_win(rpm_factory, root,
                                                           capsys):
    xs62(root, rpm_factory)
    gen.write(root, "/boot/grub/grub.cfg", gen.grub_cfg("X", [
        ("X", "vmlinuz-" + K835, "initrd-%s.img" % K835)]))
    code, doc = check(capsys, root)
    assert code == 0 and doc["layout"]["config"] == "/boot/extlinux.conf"
    assert any("/boot/grub/grub.cfg is not read" in n for n in doc["notes"])


def test_a_uefi_host_without_its_esp_mounted_is_cannot_tell(rpm_factory, root,
                                                           capsys):
    gen.xs8_host(root, rpm_factory)
    code, doc = check(capsys, root, "--firmware", "uefi",
                      running=gen.XS8_UNAME)
    assert code == 1 and doc["layout"]["boots"] is None
    assert doc["layout"]["cannot_tell"] == {
        "file": "/boot/efi/EFI/xenserver/grub.cfg", "line": None,
        "construct": "missing"}
    code, out, _ = run_cli(capsys, "check", "--root", root, "--firmware",
                           "uefi", "--running-kernel", gen.XS8_UNAME)
    assert code == 1 and out.startswith("UNKNOWN: cannot tell what boots next")
    code, out, _ = run_cli(capsys, "check", "--nagios", "--root", root,
                           "--firmware", "uefi", "--running-kernel",
                           gen.XS8_UNAME)
    assert code == 3 and "UNKNOWN" in out


def test_a_construct_beyond_the_subset_names_file_and_line(rpm_factory, root,
                                                          capsys):
    gen.xs8_host(root, rpm_factory)
    cfg = boot(root, "grub/grub.cfg")
    text = open(cfg).read()
    open(cfg, "w").write(text + "configfile /boot/grub/custom.cfg\n")
    code, doc = check(capsys, root, running=gen.XS8_UNAME)
    assert code == 1 and doc["layout"]["cannot_tell"] == {
        "file": "/boot/grub/grub.cfg", "line": len(text.split("\n")),
        "construct": "configfile /boot/grub/custom.cfg"}


@pytest.mark.parametrize("dep, words", [
    (None, "no /lib/modules"),
    ([], "names no openvswitch module"),
])
def test_modprobe_finding_no_module_is_unsafe_with_depmod(rpm_factory, root,
                                                          capsys, dep, words):
    xs62(root, rpm_factory)
    path = os.path.join(root, "lib/modules/%s/modules.dep" % K847)
    if dep is None:
        os.unlink(path)
    else:
        sample.write_modules_dep(root, K847, dep, absolute=True)
    code, doc = check(capsys, root)
    assert code == 1 and "depmod %s" % K847 in doc["commands"]
    kernel = [k for k in doc["kernels"] if k["release"] == K847][0]
    assert any(words in p for p in kernel["problems"])


@pytest.mark.parametrize("data, ok", [
    (lambda: gzip.compress(sample.module_elf(K847)), True),
    (lambda: gzip.compress(sample.module_elf(K847))[:40], False),
    (lambda: gzip.compress(sample.module_elf(K835)), False),
])
def test_a_compressed_module_in_updates_is_opened_and_read(
        rpm_factory, root, capsys, data, ok):
    xs62(root, rpm_factory)
    module = "/lib/modules/%s/updates/openvswitch.ko.gz" % K847
    sample.write_file(root, module, data())
    sample.write_modules_dep(root, K847, [sample.module_path(K847), module],
                             absolute=True)
    code, _ = check(capsys, root)
    assert (code == 0) == ok


def test_a_tboot_entry_and_nounzip_are_no_false_unsafe(rpm_factory, root,
                                                      capsys):
    gen.xs8_host(root, rpm_factory)
    sample.write_file(root, "/boot/tboot.gz", sample.hypervisor_image("tb"))
    cfg = boot(root, "grub/grub.cfg")
    text = open(cfg).read().replace(
        "multiboot2 /boot/xen.gz", "multiboot2 /boot/tboot.gz\n"
        "\tmodule2 /boot/xen.gz", 1).replace(
        "module2 /boot/initrd-4.19-xen.img",
        "module2 --nounzip /boot/initrd-4.19-xen.img", 1)
    open(cfg, "w").write(text)
    code, doc = check(capsys, root, running=gen.XS8_UNAME)
    assert code == 0, doc["problems"]
    assert doc["layout"]["boots"]["hypervisor"]["file"] == "/boot/tboot.gz"


def test_ok_does_not_claim_the_running_kernel_when_unknown(rpm_factory, root,
                                                           capsys):
    xs62(root, rpm_factory)
    code, out, _ = run_cli(capsys, "check", "--root", root)
    assert "running kernel have OVS" not in out.split("\n")[0]


def status_v(capsys, root, running):
    code, out, _ = run_cli(capsys, "status", "-v", "--json", "--root", root,
                           "--running-kernel", running)
    return json.loads(out)


def test_a_module_changed_since_rpm_installed_it_is_found_by_status_v(
        rpm_factory, root, capsys):
    xs62(root, rpm_factory)
    sample.write_file(root, sample.module_path(K847),
                      sample.module_elf(K847, fields=("version=patched",)))
    assert check(capsys, root)[0] == 0          # the fast check reads headers
    doc = status_v(capsys, root, K847)
    assert doc["ok"] is False
    kernel = [k for k in doc["kernels"] if k["release"] == K847][0]
    assert any("digest rpm recorded" in p for p in kernel["problems"])


def test_a_kernel_image_changed_since_rpm_installed_it_is_unsafe_under_v(
        rpm_factory, root, capsys):
    gen.xs8_host(root, rpm_factory)
    image = "/boot/vmlinuz-" + gen.XS8_UNAME
    sample.write_file(root, image, sample.kernel_image(gen.XS8_UNAME,
                                                       tag="rebuilt"))
    assert check(capsys, root, running=gen.XS8_UNAME)[0] == 0
    doc = status_v(capsys, root, gen.XS8_UNAME)
    assert doc["ok"] is False
    assert any(image in p and "digest" in p for p in doc["problems"])


def test_a_truncated_initrd_makes_status_v_unsafe(rpm_factory, root, capsys):
    xs62(root, rpm_factory)
    data = sample.initrd_image(K847)
    sample.write_file(root, "/boot/initrd-%s.img" % K847, data[:-12])
    assert check(capsys, root)[0] == 0
    assert status_v(capsys, root, K847)["ok"] is False
