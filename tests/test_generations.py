"""Every generation: what boots next, read from the boot loader."""
import json
import os

import pytest

from tests import generations as gen
from tests.hosts import K835, K847, K_OLD, Kernel, run_cli, tree_state

KDUMP = "2.6.32.43-0.4.1.xs1.8.0.847.170785kdump"


@pytest.fixture
def root(tmp_path):
    return str(tmp_path / "host")


def check(capsys, root, *extra, running=None):
    argv = ["check", "--json", "--root", root] + list(extra)
    if running:
        argv += ["--running-kernel", running]
    code, out, err = run_cli(capsys, *argv)
    return code, (json.loads(out) if out else None), err


# -- healthy hosts of every generation say OK -------------------------------

HEALTHY = [
    ("xs62", lambda r, f: gen.xs62_host(r, f, [Kernel(K835), Kernel(K847)],
                                        K847), K847, "xs56"),
    ("xs65", lambda r, f: gen.xs65_host(r, f), gen.XS65_UNAME, "xs65"),
    ("xs70", lambda r, f: gen.xs70_host(r, f), gen.XS70_UNAME, "xs70"),
    ("xcp-ng 8.3 bios", lambda r, f: gen.xs8_host(r, f), gen.XS8_UNAME,
     "xs8"),
    ("xcp-ng 8.3 uefi", lambda r, f: gen.xs8_host(r, f, firmware="uefi"),
     gen.XS8_UNAME, "xs8"),
    ("xenserver 8 both configs",
     lambda r, f: gen.xs8_host(r, f, brand="XenServer", firmware="both"),
     gen.XS8_UNAME, "xs8"),
    ("xcp-ng 8.3 with kernel-alt installed",
     lambda r, f: gen.xs8_host(r, f, alt=True), gen.XS8_UNAME, "xs8"),
]


@pytest.mark.parametrize("name, build, running, layout", HEALTHY,
                         ids=[h[0] for h in HEALTHY])
def test_a_healthy_host_of_every_generation_is_ok(
        rpm_factory, root, capsys, name, build, running, layout):
    build(root, rpm_factory)
    code, doc, err = check(capsys, root, running=running)
    assert (code, err) == (0, ""), doc["problems"]
    assert doc["ok"] and doc["pending"] == running
    assert doc["layout"]["name"] == layout
    assert doc["layout"]["config"] is not None


def test_an_xcpng_8_3_host_with_its_module_is_safe_by_its_grub_entry(
        rpm_factory, root, capsys):
    gen.xs8_host(root, rpm_factory)
    code, out, _ = run_cli(capsys, "check", "--root", root,
                           "--running-kernel", gen.XS8_UNAME)
    assert code == 0 and out.startswith("OK: safe to reboot")
    assert "/boot/grub/grub.cfg, entry 'XCP-ng'" in out
    assert "vmlinuz-2.6-xen" not in out


def test_status_names_the_layout_and_the_module_package(rpm_factory, root,
                                                        capsys):
    gen.xs8_host(root, rpm_factory)
    code, out, _ = run_cli(capsys, "status", "-v", "--root", root,
                           "--running-kernel", gen.XS8_UNAME)
    assert code == 0
    assert "XCP-ng 8.x (xs8)" in out and "\nboot     /boot/grub" in out
    assert "kernel-4.19.19-8.0.38.1.xcpng8.3" in out


# -- each way the next boot can lack OVS -----------------------------------

def test_an_initrd_dracut_never_rebuilt_is_unsafe_with_its_fix(
        rpm_factory, root, capsys):
    gen.xs8_host(root, rpm_factory, dracut_done=False)
    gen.write(root, "/boot/initrd-%s.img" % gen.XS8_UNAME, "old initrd\n")
    code, doc, _ = check(capsys, root, running=gen.XS8_UNAME)
    assert code == 1
    assert "dracut -f /boot/initrd-4.19.0+1.img 4.19.0+1" in doc["commands"]


@pytest.mark.parametrize("options, problem", [
    ({"module": False}, "no installed package has openvswitch.ko"),
    ({"vermagic": "4.19.0+2"}, "built for kernel 4.19.0+2"),
])
def test_a_kernel_package_without_its_module_is_unsafe(
        rpm_factory, root, capsys, options, problem):
    gen.xs8_host(root, rpm_factory, **options)
    code, doc, _ = check(capsys, root, running=gen.XS8_UNAME)
    assert code == 1 and problem in " ".join(doc["problems"])
    assert "yum reinstall kernel" in doc["commands"]


def test_a_module_file_removed_from_disk_is_unsafe(rpm_factory, root, capsys):
    gen.xs8_host(root, rpm_factory)
    os.unlink(os.path.join(root, "lib/modules/%s/kernel/net/openvswitch/"
                           "openvswitch.ko" % gen.XS8_UNAME))
    code, doc, _ = check(capsys, root, running=gen.XS8_UNAME)
    assert code == 1 and "missing" in " ".join(doc["problems"])


def test_an_override_module_that_hides_the_datapath_is_unsafe(
        rpm_factory, root, capsys):
    gen.xs8_host(root, rpm_factory)
    path = "/lib/modules/%s/updates/openvswitch.ko" % gen.XS8_UNAME
    gen.write(root, path, "not an ELF object\n")
    gen.write(root, "/lib/modules/%s/modules.dep" % gen.XS8_UNAME,
              "updates/openvswitch.ko: kernel/net/nf_conntrack.ko\n"
              "kernel/net/openvswitch/openvswitch.ko:\n")
    code, doc, _ = check(capsys, root, running=gen.XS8_UNAME)
    assert code == 1 and "hides the packaged module" in " ".join(
        doc["problems"])


def test_an_override_entry_to_the_upgrade_entry_is_unsafe(
        rpm_factory, root, capsys):
    gen.xs8_host(root, rpm_factory, upgrade=True, override_entry=4)
    code, doc, _ = check(capsys, root, running=gen.XS8_UNAME)
    assert code == 1 and doc["layout"]["chosen_by"] == "override_entry"
    assert "upgrade" in doc["problems"][0]
    assert "grub-editenv /boot/grub/grubenv unset override_entry" in \
        doc["commands"]


def test_an_override_entry_the_config_does_not_load_is_ignored(
        rpm_factory, root, capsys):
    gen.xs8_host(root, rpm_factory, upgrade=True, override_entry=4)
    cfg = os.path.join(root, "boot/grub/grub.cfg")
    text = open(cfg).read().replace(
        "if [ -s $prefix/grubenv ]; then\n\tload_env\nfi\n", "")
    open(cfg, "w").write(text)
    code, doc, _ = check(capsys, root, running=gen.XS8_UNAME)
    assert code == 0 and doc["layout"]["chosen_by"] == "default"


def test_a_default_out_of_range_boots_entry_0_as_grub_does(rpm_factory, root,
                                                           capsys):
    gen.xs8_host(root, rpm_factory, default=9)
    code, doc, _ = check(capsys, root, running=gen.XS8_UNAME)
    assert code == 0 and doc["layout"]["entry"] == "XCP-ng"
    assert "out of range" in doc["layout"]["chosen_by"]


def test_an_entry_naming_missing_files_is_unsafe(rpm_factory, root, capsys):
    gen.xs8_host(root, rpm_factory, default=4, extra_entries=[
        ("XCP-ng (old)", "vmlinuz-4.14-xen", "initrd-4.14-xen.img")])
    code, doc, _ = check(capsys, root, running=gen.XS8_UNAME)
    assert code == 1 and "vmlinuz-4.14-xen is missing" in doc["problems"]


def test_kernel_alt_as_the_default_is_judged_by_its_own_module(
        rpm_factory, root, capsys):
    gen.xs8_host(root, rpm_factory, alt=True, default=4)
    code, doc, _ = check(capsys, root, running=gen.XS8_UNAME)
    assert code == 0 and doc["pending"] == gen.ALT_UNAME
    os.unlink(os.path.join(root, "lib/modules/%s/kernel/net/openvswitch/"
                           "openvswitch.ko" % gen.ALT_UNAME))
    code, doc, _ = check(capsys, root, running=gen.XS8_UNAME)
    assert code == 1 and "yum reinstall kernel-alt" in doc["commands"]


def test_the_fallback_entry_boots_the_kernel_its_title_names(
        rpm_factory, root, capsys):
    gen.xs8_host(root, rpm_factory, default=3)
    code, doc, _ = check(capsys, root, running=gen.XS8_UNAME)
    assert doc["pending"] == gen.XS8_UNAME and code == 0, doc["problems"]


# -- said, not fatal ------------------------------------------------------------

def test_both_configs_are_said_and_firmware_picks_one(rpm_factory, root,
                                                      capsys):
    gen.xs8_host(root, rpm_factory, firmware="both")
    bios = os.path.join(root, "boot/grub/grub.cfg")
    open(bios, "w").write(open(bios).read().replace("set default=0",
                                                    "set default=9"))
    code, doc, _ = check(capsys, root, running=gen.XS8_UNAME)
    assert code == 0 and "pass --firmware" in " ".join(doc["notes"])
    assert doc["layout"]["config"] == "/boot/efi/EFI/xenserver/grub.cfg"
    code, doc, _ = check(capsys, root, "--firmware", "bios",
                         running=gen.XS8_UNAME)
    assert code == 1 and doc["layout"]["config"] == "/boot/grub/grub.cfg"


def test_a_kernel_update_waiting_for_a_reboot_is_a_note(rpm_factory, root,
                                                        capsys):
    gen.xs8_host(root, rpm_factory)
    gen.write(root, "/run/reboot-required.d/kernel/4.19.19-8.0.39", "")
    code, doc, _ = check(capsys, root, running=gen.XS8_UNAME)
    assert code == 0 and "waits for a reboot" in doc["notes"][0]


def test_with_the_bridge_backend_only_booting_counts(rpm_factory, root,
                                                     capsys):
    gen.xs8_host(root, rpm_factory, module=False)
    gen.write(root, "/etc/xensource/network.conf", "bridge\n")
    code, doc, _ = check(capsys, root, running=gen.XS8_UNAME)
    assert code == 0 and "OVS is not in use" in doc["notes"][0]


# -- kdump kernels ------------------------------------------------------------

def test_a_kdump_kernel_is_shown_never_a_target_never_counted(
        rpm_factory, root, capsys):
    gen.xs62_host(root, rpm_factory, [Kernel(K_OLD), Kernel(K835),
                                      Kernel(K847, module_build=None)], K847,
                  kdump=KDUMP)
    code, out, _ = run_cli(capsys, "status", "--root", root,
                           "--running-kernel", K835)
    line = [l for l in out.splitlines() if KDUMP in l][0]
    assert line.endswith("crash kernel")
    code, out, _ = run_cli(capsys, "check", "--nagios", "--root", root,
                           "--running-kernel", K835)
    assert "kernels=3;" in out
    code, out, _ = run_cli(capsys, "status", "--json", "--root", root,
                           "--running-kernel", K835)
    doc = json.loads(out)
    assert [k["release"] for k in doc["kdump_kernels"]] == [KDUMP]
    assert KDUMP not in [k["release"] for k in doc["kernels"]]
    code, out, _ = run_cli(capsys, "rollback", "--json", "--root", root,
                           "--running-kernel", K835, "--to", KDUMP)
    assert code == 1
    assert run_cli(capsys, "rollback", "--root", root, "--running-kernel",
                   K835)[0] == 0


def test_extlinux_default_on_the_fallback_entry_boots_that_kernel(
        rpm_factory, root, capsys):
    gen.xs62_host(root, rpm_factory, [Kernel(K835), Kernel(K847)], K847,
                  default="fallback")
    code, doc, _ = check(capsys, root, running=K835)
    assert doc["pending"] == K835 and doc["layout"]["entry"].endswith(
        "Linux %s)" % K835)


# -- rollback moves only links that are ours -----------------------------------

def test_rollback_where_the_kernel_owns_the_links_prints_commands_only(
        rpm_factory, root, capsys):
    gen.xs8_host(root, rpm_factory, dracut_done=False)
    gen.write(root, "/boot/initrd-%s.img" % gen.XS8_UNAME, "old initrd\n")
    before = tree_state(root)
    for extra in ((), ("--dry-run",)):
        code, out, err = run_cli(capsys, "rollback", "--root", root,
                                 "--running-kernel", gen.XS8_UNAME, *extra)
        assert code == 1, err
        assert "links are files of the kernel package" in " ".join(out.split())
        assert "dracut -f /boot/initrd-4.19.0+1.img 4.19.0+1" in out
    code, out, _ = run_cli(capsys, "undo", "--root", root)
    assert code == 1
    assert tree_state(root) == before


@pytest.mark.parametrize("command, verb", [("rollback", "roll back"),
                                           ("undo", "undo")])
def test_a_refusal_names_the_command_that_was_refused(rpm_factory, root,
                                                      capsys, command, verb):
    gen.xs8_host(root, rpm_factory, dracut_done=False)
    gen.write(root, "/boot/initrd-%s.img" % gen.XS8_UNAME, "old initrd\n")
    code, out, err = run_cli(capsys, command, "--root", root,
                             "--running-kernel", gen.XS8_UNAME)
    assert code == 1 and err == ""
    assert out.startswith("Cannot %s: " % verb)
    assert "so %s moves nothing" % command in " ".join(out.split())
    code, out, err = run_cli(capsys, command, "--json", "--root", root,
                             "--running-kernel", gen.XS8_UNAME)
    doc = json.loads(out)
    assert code == 1 and err == ""
    assert doc["ok"] is False and doc["action"] == command
    assert "so %s moves nothing" % command in doc["error"]
    assert "roll back" not in out or command == "rollback"


def test_rollback_on_a_healthy_kernel_owned_host_has_nothing_to_do(
        rpm_factory, root, capsys):
    gen.xs8_host(root, rpm_factory)
    code, out, _ = run_cli(capsys, "rollback", "--root", root,
                           "--running-kernel", gen.XS8_UNAME)
    assert code == 0 and out.startswith("Nothing to do")


def test_rollback_on_xs62_with_extlinux_still_works(rpm_factory, root,
                                                    capsys):
    gen.xs62_host(root, rpm_factory, [Kernel(K835),
                                      Kernel(K847, module_build=None)], K847)
    assert run_cli(capsys, "rollback", "--root", root,
                   "--running-kernel", K835)[0] == 0
    assert os.readlink(os.path.join(root, "boot/vmlinuz-2.6-xen")) == \
        "vmlinuz-" + K835


# -- a snapshot of a modern host replays as the host -----------------------------

@pytest.mark.parametrize("command", [["status", "--json"], ["check"],
                                     ["rollback", "--dry-run"]])
def test_a_modern_host_replays_from_its_snapshot(rpm_factory, root, capsys,
                                                 tmp_path, command):
    gen.xs8_host(root, rpm_factory, alt=True, dracut_done=False,
                 override_entry=0)
    gen.write(root, "/boot/initrd-%s.img" % gen.XS8_UNAME, "old initrd\n")
    gen.write(root, "/run/reboot-required.d/kernel/4.19.19-8.0.39", "")
    code, out, _ = run_cli(capsys, "snapshot", "--root", root,
                           "--running-kernel", gen.XS8_UNAME)
    saved = tmp_path / "snap.json"
    saved.write_text(out)
    on_host = run_cli(capsys, *command + ["--root", root, "--running-kernel",
                                          gen.XS8_UNAME])
    replay = run_cli(capsys, *command + ["--snapshot", saved])
    assert replay == on_host


def test_extlinux_without_serial_entries_is_read_alike(rpm_factory, root,
                                                      capsys):
    from rescue.sample import hotfix_host as demo
    gen.xs62_host(root, rpm_factory, [Kernel(K835), Kernel(K847)], K847)
    gen.write(root, "/boot/extlinux.conf", demo.EXTLINUX)
    code, doc, _ = check(capsys, root, running=K835)
    assert code == 0 and doc["layout"]["entry"] == "XenServer"
    assert doc["layout"]["config"] == "/boot/extlinux.conf"
