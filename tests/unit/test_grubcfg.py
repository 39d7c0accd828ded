"""grub.cfg and grubenv read as GRUB 2.06 reads them, within the subset."""
import gzip

import pytest

from rescue.core import grubcfg, grubenv
from tests import generations as gen

ENTRIES = [("XCP-ng", "vmlinuz-4.19-xen", "initrd-4.19-xen.img"),
           ("XCP-ng (Serial)", "vmlinuz-4.19-xen", "initrd-4.19-xen.img"),
           ("upgrade", "vmlinuz-u", "initrd-u.img")]


def stock(default=0, override=True):
    return gen.grub_cfg("XCP-ng", ENTRIES, default, override)


def index(text, env=None):
    choice = grubcfg.choose(text, env)
    return choice.index, choice


@pytest.mark.parametrize("text, env, expected", [
    (stock(1), None, 1),
    (stock(1), {"override_entry": "2"}, 2),
    (stock(1, override=False), {"override_entry": "2"}, 1),
    (stock("upgrade"), None, 2),
    (stock(7), None, 0),
    (stock(1), {"override_entry": "9"}, 0),
    (stock(0) + "set default=2\n", {"override_entry": "1"}, 2),
    (stock(1), {"default": "2"}, 2),
    (stock(0).replace("'upgrade' {", "'upgrade' --id up {"), {
        "override_entry": "up"}, 2),
    (stock(2).replace("menuentry 'XCP-ng' {",
                      "submenu 'More' {\n}\nmenuentry 'XCP-ng' {"), None, 2),
])
def test_the_entry_grub_boots_is_chosen(text, env, expected):
    assert index(text, env)[0] == expected


def test_submenus_count_as_entries_and_a_chosen_one_is_cannot_tell():
    text = stock(0).replace("menuentry 'XCP-ng' {",
                            "submenu 'More' {\nmenuentry 'x' {\n}\n}\n"
                            "menuentry 'XCP-ng' {")
    assert "submenu" in index(text)[1].cannot_tell[1]


@pytest.mark.parametrize("extra, construct", [
    ("configfile /boot/grub/other.cfg\n", "configfile"),
    ("source /boot/grub/x.cfg\n", "source"),
    ("set default=\"${saved_entry}\"\n", "'$'"),
    ("if [ x = y ]; then\nset default=1\nfi\n", "';'"),
    ("load_env\n", "load_env"),
    ("set root=(hd0,1)\n", "set root"),
])
def test_beyond_the_subset_is_cannot_tell_with_its_line(extra, construct):
    text = stock(0) + extra
    _, choice = index(text)
    line = len(stock(0).split("\n"))
    assert choice.cannot_tell[0] == line and construct in choice.cannot_tell[1]


def test_a_variable_in_the_chosen_entry_is_cannot_tell():
    text = stock(0).replace("module2 /boot/vmlinuz-4.19-xen",
                            "module2 /boot/$kernel", 1)
    assert index(text)[1].cannot_tell is not None


def test_a_variable_in_another_entry_does_not_matter():
    text = stock(0).replace("module2 /boot/vmlinuz-u", "module2 /boot/$k")
    assert index(text)[0] == 0


def test_no_timeout_waits_at_the_menu():
    text = stock(0).replace("set timeout=5\n", "")
    assert "for ever" in index(text)[1].how


def test_nounzip_is_an_option_not_the_path():
    text = stock(0).replace("module2 /boot/initrd-4.19-xen.img",
                            "module2 --nounzip /boot/initrd-4.19-xen.img")
    entry = index(text)[1].entry
    assert grubcfg.xen_files(entry)[3] == "/boot/initrd-4.19-xen.img"


def block(body):
    data = grubenv.SIGNATURE + body
    return data + b"#" * (1024 - len(data))


@pytest.mark.parametrize("data, expected", [
    (block(b"override_entry=2\n"), {"override_entry": "2"}),
    (block(b""), {}),
    (block(b"saved_entry=b\\\\c\n"), {"saved_entry": "b\\c"}),
    (block(b"override_entry=1\\\nx\n"), {"override_entry": "1\nx"}),
    # a CR is a byte of the value; strtoul reads "2\r" as 2
    (block(b"override_entry=2\r\n"), {"override_entry": "2\r"}),
    # no = before the padding: the reading stops, nothing set
    (block(b"override_entry\n"), {}),
    # a line without = swallows the next into its name
    (block(b"garbage\noverride_entry=1\n"), {"garbage\noverride_entry": "1"}),
    (block(b"override_entry=1\ngarbage\n"), {"override_entry": "1"}),
    (block(b"#override_entry=1\n"), {}),
    # any size does; the signature alone (no byte more) does not
    (block(b"override_entry=2\n")[:-1], {"override_entry": "2"}),
    (block(b"override_entry=2\n") + b"#", {"override_entry": "2"}),
    (grubenv.SIGNATURE, None),
    (b"# GRUB Environment Blok\n" + block(b"")[25:], None),
    (b"# GRUB Environment Block\r\noverride_entry=1\r\n", None),
    # the last value runs to the end without its newline: not set
    ((grubenv.SIGNATURE + b"timeout=1\noverride_entry=2")
     .ljust(1024, b"x"), {"timeout": "1"}),
])
def test_grubenv_is_read_as_grub_iterates_it(data, expected):
    assert grubenv.read_block(data) == expected


@pytest.mark.parametrize("data", [
    block(b"root=hd1,msdos1\n"),
    block(b"superusers=admin\n"),
    gzip.compress(block(b"override_entry=1\n")),
])
def test_a_grubenv_beyond_the_model_is_cannot_tell(data):
    env = grubenv.read_block(data)
    assert isinstance(env, grubenv.Beyond)
    choice = grubcfg.choose(stock(0), env)
    assert choice.entry is None and str(env) in choice.cannot_tell[1]


def test_a_grubenv_beyond_the_model_does_not_matter_without_load_env():
    env = grubenv.read_block(block(b"root=hd1,msdos1\n"))
    assert grubcfg.choose(stock(0, override=False)
                          .replace("load_env", "echo"), env).index == 0


@pytest.mark.parametrize("text, number", [
    ("1", 1), (" 2", 2), ("1\r", 1), ("1x", 1), ("010", 8), ("08", 8),
    ("0x1f", 31), ("0", 0), ("x", None), ("", None), ("-1", None),
    ("0x", None), ("upgrade", None),
])
def test_numbers_are_read_as_grub_strtoul_reads_them(text, number):
    assert grubcfg.strtoul(text) == number


@pytest.mark.parametrize("default, expected", [
    ("1", 1), ("1 ", 1), ("2abc", 2), ("0x2", 2), ("02", 2),
    # a number wins over a title that is the same text
    ("'0'", 0),
    ("'XCP-ng (Serial)'", 1),
    ("nothing", 0), ("99", 0),
])
def test_default_is_read_as_get_entry_number_reads_it(default, expected):
    text = stock(default).replace("'upgrade' {", "'0' {")
    assert index(text)[0] == expected


def test_the_first_entry_with_that_title_or_id_wins():
    text = stock("up").replace("'XCP-ng (Serial)' {",
                               "'XCP-ng (Serial)' --id up {").replace(
        "'upgrade' {", "'up' {")
    assert index(text)[0] == 1
