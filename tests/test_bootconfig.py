"""modules.dep read as modprobe would: the openvswitch line depmod's
search order puts first (override/, updates/, extra/, then the rest)."""
import os
import tempfile

from hypothesis import given, settings, strategies as st

from rescue.host import nextboot

RELEASE = "4.19.0+1"
NAMES = st.sampled_from(["openvswitch.ko", "openvswitch.ko.xz",
                         "openvswitch_mod.ko", "xopenvswitch.ko",
                         "openvswitch.ko.bak", "nf_conntrack.ko", "vport.ko"])
DIRS = st.sampled_from(["kernel/net/openvswitch/", "updates/", "extra/",
                        "override/", "", "/lib/modules/x/extra/"])
LINES = st.lists(st.tuples(DIRS, NAMES, st.sampled_from(["", " a.ko",
                                                         " b.ko c.ko"])),
                 max_size=8)


def oracle(lines):
    found = []
    for directory, name, deps in lines:
        if name in ("openvswitch.ko", "openvswitch.ko.xz",
                    "openvswitch_mod.ko"):
            path = directory + name
            rank = ["override/", "updates/", "extra/"].index(directory) \
                if directory in ("override/", "updates/", "extra/") else 3
            found.append((rank, len(found), path if path.startswith("/")
                          else "/lib/modules/%s/%s" % (RELEASE, path)))
    if not found:
        return None, ("/lib/modules/%s/modules.dep names no openvswitch "
                      "module (depmod never ran?)" % RELEASE)
    return min(found)[2], None


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_the_winning_openvswitch_line_is_found_as_a_line_split_finds_it(lines):
    with tempfile.TemporaryDirectory() as root:
        folder = os.path.join(root, "lib", "modules", RELEASE)
        os.makedirs(folder)
        with open(os.path.join(folder, "modules.dep"), "w") as out:
            out.write("".join("%s%s:%s\n" % line for line in lines))
        assert nextboot.modprobe_path(root, RELEASE) == oracle(lines)
