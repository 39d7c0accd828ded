"""extlinux.conf read as syslinux's ldlinux reads it (6.04, shared by older)."""
import pytest
from hypothesis import given, strategies as st

from rescue.core import extlinux
from tests.bootoracle.cases import syslinux_adv as adv

PATH = "/boot/extlinux.conf"
XE = ("label xe\n  kernel mboot.c32\n  append /boot/xen.gz --- "
      "/boot/vmlinuz-2.6-xen ro --- /boot/initrd-2.6-xen.img\n")
SAFE = ("label safe\n  kernel mboot.c32\n  append /boot/xen.gz --- "
        "/boot/vmlinuz-safe --- /boot/initrd-safe.img\n")


def chosen(text, includes=None):
    choice = extlinux.choose(PATH, text, (includes or {}).get)
    return choice.entry.label if choice.entry else None, choice


@pytest.mark.parametrize("text, label", [
    ("default xe\n" + XE + SAFE, "xe"),
    ("DEFAULT safe\n" + XE + SAFE, "safe"),
    ("default\txe\n" + XE + SAFE, "xe"),
    ("default xe\ndefault safe\n" + XE + SAFE, "safe"),
    ("default xe\nprompt 1\ntimeout 50\nontimeout safe\n" + XE + SAFE,
     "safe"),
    ("default xe\nprompt 0\ntimeout 50\nontimeout safe\n" + XE + SAFE, "xe"),
    ("default xe\nprompt 1\ntimeout 50\n" + XE + SAFE, "xe"),
    ("Default xe\r\n" + XE + SAFE, "xe"),
])
def test_the_entry_syslinux_boots_unattended_is_chosen(text, label):
    assert chosen(text)[0] == label


@pytest.mark.parametrize("text, why", [
    (XE + SAFE, "no DEFAULT"),
    ("default XE\n" + XE, "names no label"),
    ("# default xe\ndefault vmlinuz\n" + XE, "names no label"),
    ("default xe\nprompt 1\ntimeout 0\n" + XE, "for ever"),
    ("default xe\nprompt 1\n" + XE, "for ever"),
])
def test_configs_on_which_syslinux_boots_no_entry_say_why(text, why):
    label, choice = chosen(text)
    assert label is None and choice.cannot_tell is None
    assert why in choice.how


@pytest.mark.parametrize("text, construct", [
    ("ui menu.c32\ndefault xe\n" + XE, "UI"),
    ("default xe\ntotaltimeout 10\n" + XE, "TOTALTIMEOUT"),
    ("default xe\nmenu include other.cfg\n" + XE, "MENU INCLUDE"),
    ("default xe\n" + XE + XE, "a second LABEL"),
    ("default xe quiet\n" + XE, "with options"),
])
def test_what_is_not_modelled_is_cannot_tell_with_its_line(text, construct):
    label, choice = chosen(text)
    assert label is None and construct in choice.cannot_tell[2]
    assert choice.cannot_tell[0].startswith("/boot/")


def test_an_included_file_counts_and_a_missing_one_is_skipped():
    text = "include /boot/more.cfg\ninclude gone.cfg\n" + XE + SAFE
    assert chosen(text, {"/boot/more.cfg": "default safe\n"})[0] == "safe"


def test_include_nested_too_deep_is_cannot_tell():
    files = {"/boot/a.cfg": "include a.cfg\n"}
    label, choice = chosen("include a.cfg\n" + XE, files)
    assert choice.cannot_tell[1] == 1 and "deeper" in choice.cannot_tell[2]


def test_include_outside_boot_is_cannot_tell():
    assert "outside /boot" in chosen("include /etc/x.cfg\n" + XE)[1] \
        .cannot_tell[2]


@pytest.mark.parametrize("append, files", [
    ("/boot/xen.gz a --- /boot/k b --- /boot/i", ("/boot/xen.gz", (),
                                                   "/boot/k", "/boot/i")),
    ("/boot/xen.gz\t---\t/boot/k --- /boot/i", ("/boot/xen.gz", (),
                                                 "/boot/k", "/boot/i")),
    ("/boot/tboot.gz --- /boot/xen.gz --- /boot/k --- /boot/i",
     ("/boot/tboot.gz", ("/boot/xen.gz",), "/boot/k", "/boot/i")),
])
def test_mboot_hands_over_xen_kernel_and_initrd(append, files):
    label = extlinux.Label("xe", "kernel mboot.c32", append, None,
                           (PATH, 1), None)
    assert extlinux.mboot_files(label, "/boot")[:4] == files


def test_an_entry_without_mboot_boots_no_xen():
    label = extlinux.Label("xe", "kernel /boot/vmlinuz", "ro", None,
                           (PATH, 1), None)
    assert "not Xen" in extlinux.mboot_files(label, "/boot")[4]


KEYWORDS = st.sampled_from(["default", "DEFAULT", "Default", "dEfAuLt"])
SPACE = st.sampled_from([" ", "\t", "  ", " \t"])


@given(KEYWORDS, SPACE, st.sampled_from(["xe", "safe"]))
def test_any_case_and_whitespace_reads_the_same(keyword, space, label):
    assert chosen(keyword + space + label + "\n" + XE + SAFE)[0] == label


def test_no_default_with_a_label_linux_depends_on_the_version():
    text = XE.replace("label xe", "label linux")
    assert "LABEL linux" in chosen(text)[1].cannot_tell[2]


@pytest.mark.parametrize("tail, once", [
    (b"ldlinux" + adv((1, b"bad")), "bad"),
    (adv((2, b"xe"), (1, b"safe ro")), "safe ro"),
    (adv(), None),
    (adv((2, b"xe")), None),
    (adv((1, b"bad"))[:-4] + b"\0\0\0\0", "bad"),   # the first copy counts
    (adv((1, b"bad")).replace(b"bad", b"bae"), None),  # no checksum agrees
    (b"\0" * 100, None),
])
def test_a_boot_once_command_is_found_in_the_adv(tail, once):
    assert extlinux.boot_once(tail) == once
