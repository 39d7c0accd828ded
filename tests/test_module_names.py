"""OVS's module file names: one list for rpm's files and modules.dep."""
import gzip
import json
import lzma

import pytest

from rescue.core import modulesdep, naming, rpmquery
from rescue.sample import trees as sample
from tests.hosts import K835, K847, OVS_BUILD, Kernel, Rpm, run_cli

COMPRESSORS = {".ko": lambda data: data, ".ko.gz": gzip.compress,
               ".ko.xz": lzma.compress}


def test_the_names_are_each_module_name_plain_gz_and_xz():
    assert naming.MODULE_NAMES == (
        "openvswitch.ko", "openvswitch.ko.gz", "openvswitch.ko.xz",
        "openvswitch_mod.ko", "openvswitch_mod.ko.gz",
        "openvswitch_mod.ko.xz")


def test_modules_dep_looks_for_the_same_names():
    assert modulesdep.NAMES == tuple(name.encode()
                                     for name in naming.MODULE_NAMES)


@pytest.mark.parametrize("name", naming.MODULE_NAMES)
def test_a_package_owning_any_module_name_owns_the_module(name):
    path = "/lib/modules/%s/extra/%s" % (K835, name)
    package = rpmquery.Package("openvswitch-modules", "1", "1",
                            ("/lib/modules/%s/extra/vport.ko" % K835, path),
                            {})
    assert rpmquery.module_file(package, K835) == path
    assert naming.datapath_module_in(package.files, K835) == path


def test_the_plain_module_wins_over_a_compressed_copy():
    plain = "/lib/modules/%s/extra/openvswitch.ko" % K835
    package = rpmquery.Package("openvswitch-modules", "1", "1",
                            (plain + ".xz", plain), {})
    assert rpmquery.module_file(package, K835) == plain


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_a_module_package_with_a_compressed_module_makes_its_kernel_safe(
        make_host, capsys, suffix):
    path = "/lib/modules/%s/extra/openvswitch/openvswitch%s" % (K835, suffix)
    module = Rpm(naming.module_package_name(K835), OVS_BUILD, "1",
                 ((path, COMPRESSORS[suffix](sample.module_elf(K835))),))
    root = make_host([Kernel(K835, module_build=None), Kernel(K847)],
                     pending=K835, extra_rpms=[module])
    sample.write_modules_dep(root, K835, [path], absolute=True)
    code, out, _ = run_cli(capsys, "check", "--json", "--root", root,
                           "--running-kernel", K835)
    kernel = [k for k in json.loads(out)["kernels"]
              if k["release"] == K835][0]
    assert (code, kernel["module_file"], kernel["problems"]) == (0, path, [])
