"""grub.cfg and grubenv read as GRUB 2.06 reads them, within the subset."""
import pytest

from rescue import grubcfg, grubenv
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


def test_a_default_title_with_spaces_is_cannot_tell():
    # GRUB matches an id by the first word of default: which entry that
    # is depends on ids GRUB makes up itself
    assert index(stock("'XCP-ng (Serial)'"))[1].cannot_tell is not None


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
    (block(b"a=b\\\\c\n"), {"a": "b\\c"}),
    (block(b"override_entry=2\r\n"), None),
    (block(b"override_entry\n"), None),
    (block(b"override_entry=2\n")[:-1], None),
    (block(b"override_entry=2\n") + b"#", None),
    (b"# GRUB Environment Blok\n" + block(b"")[25:], None),
    ((grubenv.SIGNATURE + b"override_entry=2")
     .ljust(1024, b"x"), None),
])
def test_grubenv_is_taken_or_rejected_whole_as_grub_does(data, expected):
    assert grubenv.read_block(data) == expected
