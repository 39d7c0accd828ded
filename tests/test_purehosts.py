"""The in-memory hosts of tests/purehosts.py are the hosts of
tests/generations.py: the facts of each, built without rpm, equal what
gather reads from the real one (real rpm, real /boot)."""
import pytest

from rescue.host.gather import gather
from tests import generations as gen, purehosts as pure
from tests.hosts import K835, K847, K_OLD, OLD_BUILD, Kernel

XS62_KERNELS = [Kernel(K_OLD, module_build=OLD_BUILD), Kernel(K835),
                Kernel(K847, module_build=None)]

# (name, the real host, the same host in memory, its running kernel)
GENERATIONS = [
    ("xs62", lambda r, f: gen.xs62_host(r, f, XS62_KERNELS, K835),
     lambda: pure.xs62(XS62_KERNELS, K835, K835), K835),
    ("xs62 without links", lambda r, f: gen.xs62_host(
        r, f, [Kernel(K835, module_on_disk=False)], None),
     lambda: pure.xs62([Kernel(K835, module_on_disk=False)], None, K835),
     K835),
    ("xs65", gen.xs65_host, pure.xs65, gen.XS65_UNAME),
    ("xs65 without module", lambda r, f: gen.xs65_host(r, f, module=False),
     lambda: pure.xs65(module=False), gen.XS65_UNAME),
    ("xs70", gen.xs70_host, pure.xs70, gen.XS70_UNAME),
    ("xs70 without module", lambda r, f: gen.xs70_host(r, f, module=False),
     lambda: pure.xs70(module=False), gen.XS70_UNAME),
    ("xs8 bios", gen.xs8_host, pure.xs8, gen.XS8_UNAME),
    ("xs8 uefi", lambda r, f: gen.xs8_host(r, f, firmware="uefi"),
     lambda: pure.xs8(firmware="uefi"), gen.XS8_UNAME),
    ("xenserver 8", lambda r, f: gen.xs8_host(r, f, brand="XenServer"),
     lambda: pure.xs8(brand="XenServer"), gen.XS8_UNAME),
    ("xs8 kernel-alt", lambda r, f: gen.xs8_host(r, f, alt=True),
     lambda: pure.xs8(alt=True), gen.XS8_UNAME),
    ("xs8 kernel-alt next", lambda r, f: gen.xs8_host(r, f, alt=True,
                                                      default=4),
     lambda: pure.xs8(alt=True, default=4), gen.XS8_UNAME),
    ("xs8 without module", lambda r, f: gen.xs8_host(r, f, module=False),
     lambda: pure.xs8(module=False), gen.XS8_UNAME),
    ("xs8 module of another kernel", lambda r, f: gen.xs8_host(
        r, f, vermagic=gen.ALT_UNAME),
     lambda: pure.xs8(vermagic=gen.ALT_UNAME), gen.XS8_UNAME),
    ("xs8 dracut pending", lambda r, f: gen.xs8_host(r, f,
                                                     dracut_done=False),
     lambda: pure.xs8(dracut_done=False), gen.XS8_UNAME),
    ("xs8 override entry", lambda r, f: gen.xs8_host(r, f,
                                                     override_entry="3"),
     lambda: pure.xs8(override_entry="3"), gen.XS8_UNAME),
]


@pytest.mark.parametrize("name, real, in_memory, running", GENERATIONS,
                         ids=[g[0] for g in GENERATIONS])
def test_the_pure_host_has_the_facts_of_the_real_one(
        rpm_factory, tmp_path, name, real, in_memory, running):
    root = str(tmp_path / "host")
    real(root, rpm_factory)
    read = gather(root, running=running)
    built = in_memory()
    assert built._replace(root=read.root) == read


def test_a_pure_host_that_differs_from_the_real_one_is_caught(
        rpm_factory, tmp_path):
    root = str(tmp_path / "host")
    gen.xs8_host(root, rpm_factory, module=False)
    assert pure.xs8()._replace(root=root) != gather(root,
                                                    running=gen.XS8_UNAME)
