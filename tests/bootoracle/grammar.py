"""Hypothesis strategies: extlinux.conf, grub.cfg and grubenv from a grammar.

The constructs the tool models (keywords in any case, TAB or spaces, CRLF,
DEFAULT/ONTIMEOUT/PROMPT/TIMEOUT/IMPLICIT/INCLUDE, labels of any case,
two lines of one keyword; GRUB's default by index, number-like text, title
or --id, submenus, the load_env and override blocks in either order, a
missing module file, grubenv oddities) and a few it does not (UI,
TOTALTIMEOUT, MENU INCLUDE, GRUB conditionals, `set root`, a grubenv
setting root): each such text is still booted, and the tool must not say
OK unless the loader boots the pair it names.
"""
from hypothesis import strategies as st

from tests.bootoracle.cases import (
    BAD, BAD8, GOOD, GOOD8, ext_entry, grub_entry, image, initrd)

SERIAL = "serial 0 115200"
# label -> the release whose pair it boots ("Good" is the case trap)
EXT_LABELS = {"good": GOOD, "bad": BAD, "Good": BAD, "xe": GOOD}
EXT_NAMES = ["good", "bad", "Good", "xe", "GOOD", "nosuch", "good ro"]
INCLUDE = "/boot/inc.cfg"


def _keyword(word):
    return st.sampled_from([word, word.upper(), word.capitalize()])


def _line(keyword, value):
    return st.tuples(_keyword(keyword), st.sampled_from([" ", "\t", "  "]),
                     st.just(value)).map("".join)


def _often(common, rare):
    """One of common (each several times as likely) or rare."""
    return st.one_of(*(list(common) * 4 + list(rare)))


def _ext_global():
    name = st.sampled_from(EXT_NAMES[:4] * 3 + EXT_NAMES[4:])
    return _often([
        name.flatmap(lambda n: _line("default", n)),
        name.flatmap(lambda n: _line("ontimeout", n)),
        st.sampled_from(["0", "1"]).flatmap(lambda v: _line("prompt", v)),
        st.sampled_from(["0", "5", "10"]).flatmap(
            lambda v: _line("timeout", v)),
    ], [
        st.just("implicit 0"),
        st.just("# default bad"),
        st.just("menu title Boot"),
        st.just("include " + INCLUDE),
        st.just("totaltimeout 10"),             # not modelled
        st.just("ui menu.c32"),                 # not modelled
        st.just("menu include /boot/inc.cfg"),  # not modelled
    ])


@st.composite
def extlinux_config(draw):
    """(extlinux.conf text, {path: text} of extra files)."""
    labels = draw(st.lists(st.sampled_from(sorted(EXT_LABELS)), min_size=1,
                           max_size=4))
    head = draw(st.lists(_ext_global(), max_size=4))
    if draw(st.integers(0, 3)):        # mostly a DEFAULT that names a label
        head.insert(draw(st.integers(0, len(head))),
                    draw(st.sampled_from(labels).flatmap(
                        lambda n: _line("default", n))))
    tail = draw(st.lists(_ext_global(), max_size=2))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    body = "".join(ext_entry(label, image(EXT_LABELS[label]),
                             initrd(EXT_LABELS[label])) for label in labels)
    text = "\n".join([SERIAL] + head) + "\n\n" + body + "\n".join(tail)
    text = text.replace("\n", newline)
    files = {}
    if "inc.cfg" in text:
        files[INCLUDE] = "\n".join(draw(st.lists(
            _ext_global().filter(lambda l: "inc.cfg" not in l),
            min_size=1, max_size=2))) + "\n"
    return text, files


GRUB_HEAD = ("serial --unit=0 --speed=115200\nterminal_input serial console\n"
             "terminal_output serial console\n")
LOAD_ENV = "if [ -s $prefix/grubenv ]; then\n\tload_env\nfi\n"
OVERRIDE = ('if [ -n "$override_entry" ]; then\n\tset default=$override_entry'
            "\nfi\n")
GRUB_ENTRIES = {
    "good": grub_entry("good", image(GOOD8), initrd(GOOD8)),
    "bad": grub_entry("bad", image(BAD8), initrd(BAD8)),
    "good-id": grub_entry("0", image(GOOD8), initrd(GOOD8),
                          extra=" --id good-id"),
    "bad-id": grub_entry("bad two", image(BAD8), initrd(BAD8),
                         extra=" --id bad-id"),
    "the good one": grub_entry("the good one", image(GOOD8), initrd(GOOD8)),
    "missing": grub_entry("missing", "/boot/vmlinuz-missing", initrd(GOOD8)),
    "submenu": "submenu 'more' {\n" + grub_entry(
        "inner", image(GOOD8), initrd(GOOD8)) + "}\n",
}
DEFAULTS = ["0", "1", "2", "3", "9", "1x", "010", "0x1", "' 1'", "bad",
            "'the good one'", "good-id", "bad-id", "nosuch", "'bad two'",
            "'0'"]
GRUB_OTHER = [
    "if [ x = y ]; then\n\tset default=1\nfi\n",   # not modelled
    "set root=(hd0,msdos1)\n",                     # not modelled
    "insmod gzio\n",
    "# set default=1\n",
]


@st.composite
def grub_config(draw):
    """(grub.cfg text, grubenv bytes or None)."""
    lines = [GRUB_HEAD, "set timeout=%s\n" % draw(
        st.sampled_from(["0", "1"]))]
    statements = draw(st.lists(_often([
        st.sampled_from(DEFAULTS).map(lambda v: "set default=%s\n" % v),
        st.sampled_from([LOAD_ENV, OVERRIDE, LOAD_ENV + OVERRIDE,
                         LOAD_ENV + OVERRIDE])],
        [st.sampled_from(GRUB_OTHER)]), min_size=1, max_size=4))
    entries = draw(st.lists(st.sampled_from(sorted(GRUB_ENTRIES)),
                            min_size=1, max_size=4))
    text = "".join(lines + statements
                   + [GRUB_ENTRIES[e] for e in entries]
                   + draw(st.lists(st.sampled_from(
                       ["set default=0\n", "set default=1\n"]), max_size=1)))
    return text, draw(st.none() | grubenv_bytes())


@st.composite
def grubenv_bytes(draw):
    """A grubenv block, right or subtly wrong."""
    values = st.sampled_from(["0", "1", "2", "7", "bad", "good-id",
                              "the good one", "1x"])
    lines = draw(st.lists(st.one_of(
        values.map(lambda v: "override_entry=" + v),
        values.map(lambda v: "default=" + v),
        st.sampled_from(["garbage", "#override_entry=1", "saved_entry=0",
                         "root=hd1"])), max_size=3))
    header = draw(st.sampled_from(["# GRUB Environment Block\n"] * 4
                                  + ["# GRUB Environment Block\r\n", ""]))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    text = header + "".join(l + newline for l in lines)
    if draw(st.booleans()) and lines:
        text = text[:-len(newline)]            # no final newline
    if draw(st.integers(0, 3)):
        text += "#" * max(0, 1024 - len(text))
    return text.encode("latin-1")
