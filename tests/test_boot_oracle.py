"""The real boot loaders judge the tool: what extlinux and GRUB boot under qemu.

Each case is a fixture root. The oracle (tests/bootoracle) boots its /boot
with the real loader and reads back which hypervisor, kernel and initrd
were loaded; the first assertion pins what the loader does (the finding),
the second holds the tool to it: its "boots next" is the loader's or
"cannot tell", and `check` exits 0 only where a pair with OVS boots.
"""
import os
import shutil

import pytest

from tests import generations as gen
from tests.bootoracle import adapter, judge, oracle, requirements
from tests.bootoracle.cases import (
    BAD, BAD8, BAD_ENTRY, G_BAD, G_GOOD, GOOD, GOOD8, GOOD_ENTRY, XEN, Case,
    Link, booted, distinct_fallback, ensure_hypervisor, ext_case, ext_entry,
    grub_case, grub_entry, grub_head, grubenv, image, initrd, write)
from tests.hosts import K835, K847, Kernel

SERIAL = "serial 0 115200\n"
OVERRIDE = gen.GRUB_OVERRIDE

EXTLINUX = [
    ext_case("default names a label only in a comment",
             SERIAL + "default xe\ntimeout 10\n\n"
             + ext_entry("other", image(GOOD), initrd(GOOD), comment="xe"),
             None),
    ext_case("a TAB after the keyword is whitespace",
             SERIAL + "default\tbad\ntimeout 10\n\n" + GOOD_ENTRY + BAD_ENTRY,
             booted(BAD)),
    ext_case("no DEFAULT line never boots",
             SERIAL + "timeout 10\n\n" + GOOD_ENTRY + BAD_ENTRY, None),
    ext_case("ONTIMEOUT beats DEFAULT when the timeout runs",
             SERIAL + "default good\nontimeout bad\nprompt 1\ntimeout 10\n\n"
             + GOOD_ENTRY + BAD_ENTRY, booted(BAD)),
    ext_case("ONTIMEOUT with prompt 0",
             SERIAL + "default good\nontimeout bad\nprompt 0\ntimeout 10\n\n"
             + GOOD_ENTRY + BAD_ENTRY, booted(GOOD)),
    ext_case("an INCLUDEd file counts",
             SERIAL + "timeout 10\ninclude /boot/defaults.cfg\n\n"
             + GOOD_ENTRY + BAD_ENTRY, booted(BAD),
             files=[("/boot/defaults.cfg", "default bad\n")]),
    ext_case("of two default lines the later wins",
             SERIAL + "default good\ntimeout 10\n\n" + GOOD_ENTRY + BAD_ENTRY
             + "default bad\n", booted(BAD)),
    ext_case("labels are case-sensitive",
             SERIAL + "default GOOD\ntimeout 10\n\n" + GOOD_ENTRY, None),
    ext_case("keywords are case-insensitive",
             SERIAL + "DEFAULT bad\nTIMEOUT 10\n\n" + GOOD_ENTRY
             + BAD_ENTRY.replace("label", "LABEL"), booted(BAD)),
    ext_case("prompt 1 with timeout 0 waits forever",
             SERIAL + "default good\nprompt 1\ntimeout 0\n\n" + GOOD_ENTRY,
             None),
    ext_case("a 0-byte initrd fails to load",
             SERIAL + "default good\ntimeout 10\n\n" + GOOD_ENTRY, None,
             files=[(initrd(GOOD), b"")]),
    ext_case("a 0-byte kernel",
             SERIAL + "default good\ntimeout 10\n\n" + GOOD_ENTRY, None,
             files=[(image(GOOD), b"")]),
    ext_case("paths are used as written, subdirectories included",
             SERIAL + "default xe\ntimeout 10\n\n" + ext_entry(
                 "xe", "/boot/new/vmlinuz-2.6-xen",
                 "/boot/new/initrd-2.6-xen.img"), booted(BAD),
             files=[("/boot/new/vmlinuz-2.6-xen", Link("../vmlinuz-" + BAD)),
                    ("/boot/new/initrd-2.6-xen.img",
                     Link("../initrd-%s.img" % BAD))]),
    ext_case("a dangling xen.gz boots nothing",
             SERIAL + "default good\ntimeout 10\n\n" + GOOD_ENTRY, None,
             files=[(XEN, Link("xen-4.1.5.gz"))]),
    ext_case("a link chain is followed",
             SERIAL + "default xe\ntimeout 10\n\n" + ext_entry(
                 "xe", "/boot/vmlinuz-2.6-xen", "/boot/initrd-2.6-xen.img"),
             booted(GOOD),
             files=[("/boot/vmlinuz-2.6-xen", Link("vmlinuz-current")),
                    ("/boot/vmlinuz-current", Link("vmlinuz-" + GOOD))]),
    ext_case("an ELF hypervisor loads as the gzip'd one does",
             SERIAL + "default good\ntimeout 10\n\n" + ext_entry(
                 "good", image(GOOD), initrd(GOOD), xen="/boot/xen-4.1.elf"),
             booted(GOOD, xen="/boot/xen-4.1.elf"),
             files=[("/boot/xen-4.1.elf", b"xen\n")]),
    ext_case("extlinux --once in the ADV boots before DEFAULT",
             SERIAL + "default good\ntimeout 10\n\n" + GOOD_ENTRY + BAD_ENTRY,
             booted(BAD), once="bad"),
    ext_case("no DEFAULT, ONTIMEOUT with prompt 0 boots after the timeout",
             SERIAL + "ontimeout bad\ntimeout 10\n\n" + GOOD_ENTRY
             + BAD_ENTRY, booted(BAD)),
    ext_case("the default label boots its own pair",
             SERIAL + "default bad\nprompt 1\ntimeout 50\n\n" + GOOD_ENTRY
             + BAD_ENTRY, booted(BAD)),
]

# Entries [bad, good] unless the case says otherwise.
TWO = G_BAD + G_GOOD
GRUB = [
    grub_case("a submenu counts as an entry index",
              grub_head(1) + "submenu 'Advanced' {\n" + grub_entry(
                  "inner", image(BAD8), initrd(BAD8)) + "}\n" + G_BAD
              + G_GOOD, booted(BAD8)),
    grub_case("a valid grubenv override applies",
              grub_head(0) + OVERRIDE + TWO, booted(GOOD8),
              env=grubenv(["override_entry=1"])),
    grub_case("a grubenv without its header is ignored",
              grub_head(0) + OVERRIDE + TWO, booted(BAD8),
              env=grubenv(["override_entry=1"], header=False)),
    grub_case("a grubenv line without = before the override swallows it",
              grub_head(0) + OVERRIDE + TWO, booted(BAD8),
              env=grubenv(["garbage", "override_entry=1"])),
    grub_case("a grubenv line without = after the override leaves it",
              grub_head(0) + OVERRIDE + TWO, booted(GOOD8),
              env=grubenv(["override_entry=1", "garbage"])),
    grub_case("a grubenv with CRLF line ends is ignored",
              grub_head(0) + OVERRIDE + TWO, booted(BAD8),
              env=grubenv(["override_entry=1"], newline="\r\n")),
    grub_case("a grubenv without its final newline is ignored",
              grub_head(0) + OVERRIDE + TWO, booted(BAD8),
              env=grubenv(["override_entry=1"], final=False, pad=False)),
    grub_case("a grubenv with CRLF after its header: strtoul reads 1\\r",
              grub_head(0) + OVERRIDE + TWO, booted(GOOD8),
              env=grubenv(["override_entry=1"]).replace(
                  "override_entry=1\n", "override_entry=1\r\n")[:1024]),
    grub_case("a grubenv shorter than 1024 bytes is read",
              grub_head(0) + OVERRIDE + TWO, booted(GOOD8),
              env=grubenv(["override_entry=1"], pad=False)),
    grub_case("a default that starts as a number is that index",
              grub_head("1x") + TWO, booted(GOOD8)),
    grub_case("default may be a title with spaces",
              grub_head("'the good one'") + G_BAD + grub_entry(
                  "the good one", image(GOOD8), initrd(GOOD8)),
              booted(GOOD8)),
    grub_case("set default after the override block wins",
              grub_head(1) + OVERRIDE + "set default=0\n" + TWO,
              booted(BAD8), env=grubenv(["override_entry=1"])),
    grub_case("default may be a title",
              grub_head("'bad'") + G_GOOD + G_BAD, booted(BAD8)),
    grub_case("default may be an --id",
              grub_head("bad-id") + G_GOOD + grub_entry(
                  "other", image(BAD8), initrd(BAD8), extra=" --id bad-id"),
              booted(BAD8)),
    grub_case("an out-of-range override falls back to entry 0",
              grub_head(1) + OVERRIDE + TWO, booted(BAD8),
              env=grubenv(["override_entry=7"])),
    grub_case("a missing kernel file still boots Xen, the initrd first",
              grub_head(0) + grub_entry("good", "/boot/vmlinuz-missing",
                                        initrd(GOOD8)),
              (XEN, initrd(GOOD8), "")),
    grub_case("paths are used as written, subdirectories included",
              grub_head(0) + grub_entry("good", "/boot/new/vmlinuz-4.19-xen",
                                        "/boot/new/initrd-4.19-xen.img"),
              booted(BAD8),
              files=[("/boot/new/vmlinuz-4.19-xen", Link("../vmlinuz-" + BAD8)),
                     ("/boot/new/initrd-4.19-xen.img",
                      Link("../initrd-%s.img" % BAD8))]),
    grub_case("a 0-byte initrd is handed over empty",
              grub_head(0) + G_GOOD, booted(GOOD8),
              files=[(initrd(GOOD8), b"")]),
    grub_case("a 0-byte kernel is handed over empty",
              grub_head(0) + G_GOOD, booted(GOOD8),
              files=[(image(GOOD8), b"")]),
    grub_case("a dangling xen.gz boots nothing", grub_head(0) + G_GOOD, None,
              files=[(XEN, Link("xen-4.17.5.gz"))]),
    grub_case("a link chain is followed",
              grub_head(0) + grub_entry("good", "/boot/vmlinuz-4.19-xen",
                                        "/boot/initrd-4.19-xen.img"),
              booted(GOOD8),
              files=[("/boot/vmlinuz-4.19-xen", Link("vmlinuz-current")),
                     ("/boot/vmlinuz-current", Link("vmlinuz-" + GOOD8))]),
]


def generation(name, loader, build, safe, expect, running):
    def make(root, factory):
        distinct_fallback(build(root, factory) or root)
        ensure_hypervisor(root)
    return Case(name, loader, make, safe, expect, running)


X62 = [Kernel(K835), Kernel(K847)]
FALLBACK = ("/boot/vmlinuz-fallback", "/boot/initrd-fallback.img")
GENERATIONS = [
    generation("6.2 stock", "extlinux",
               lambda r, f: gen.xs62_host(r, f, X62, K847), (K835, K847),
               booted(K847), K847),
    generation("6.2 stock, pending kernel without its module", "extlinux",
               lambda r, f: gen.xs62_host(
                   r, f, [Kernel(K835), Kernel(K847, module_build=None)],
                   K847), (K835,), booted(K847), K835),
    generation("6.5 stock", "extlinux", gen.xs65_host, (gen.XS65_UNAME,),
               booted(gen.XS65_UNAME), gen.XS65_UNAME),
    generation("7.0 stock", "grub", gen.xs70_host, (gen.XS70_UNAME,),
               booted(gen.XS70_UNAME), gen.XS70_UNAME),
    generation("7.0 stock, no module", "grub",
               lambda r, f: gen.xs70_host(r, f, module=False), (),
               booted(gen.XS70_UNAME), gen.XS70_UNAME),
    generation("8.3 stock bios", "grub", gen.xs8_host, (GOOD8,),
               booted(GOOD8), GOOD8),
    generation("8.3 stock uefi", "grub-uefi",
               lambda r, f: gen.xs8_host(r, f, firmware="uefi"), (GOOD8,),
               booted(GOOD8), GOOD8),
    generation("8.3 stock, no module", "grub",
               lambda r, f: gen.xs8_host(r, f, module=False), (),
               booted(GOOD8), GOOD8),
    generation("8.3 with kernel-alt chosen by the override", "grub",
               lambda r, f: gen.xs8_host(r, f, alt=True, override_entry=4),
               (GOOD8, gen.ALT_UNAME), booted(gen.ALT_UNAME), GOOD8),
    generation("8.3 fallback entry by default", "grub",
               lambda r, f: gen.xs8_host(r, f, default=3),
               # the install-time copies of that release: XenServer keeps
               # a release's kernel ABI over updates (driver disks rely on
               # it), so its modules load in the copy too
               (GOOD8, FALLBACK),
               (XEN,) + FALLBACK,
               GOOD8),
]

CASES = EXTLINUX + GRUB + GENERATIONS


def oracle_says(outcome):
    """What booted, in the terms of Case.expect."""
    pair = outcome.pair()
    if pair is None:
        return None
    hypervisor, kernels, initrds = pair
    return (hypervisor, "|".join(kernels), "|".join(initrds))


@pytest.mark.parametrize("case", CASES, ids=[
    "%s: %s" % (c.loader, c.name) for c in CASES])
def test_the_tool_agrees_with_the_real_boot_loader(case, tmp_path,
                                                   rpm_factory):
    requirements.skip_unless_available(case.loader)
    root = str(tmp_path / "host")
    case.build(root, rpm_factory)
    outcome = oracle.boots(root, case.loader, str(tmp_path))
    assert oracle_says(outcome) == case.expect, (
        "the loader booted %s\n%s" % (judge.describe(outcome),
                                       outcome.serial[-600:]))
    answer = adapter.ask_tool(root, case.running)
    problem = judge.disagreement(outcome, answer, judge.safe_pairs(case.safe))
    assert problem is None, problem
