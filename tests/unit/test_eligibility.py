"""Which kernel of a 6.5 and later host can boot with OVS: the in-tree
and out-of-tree module rules, on hosts built in memory."""
from rescue.core.eligibility import kernel_report
from tests import generations as gen, purehosts as pure


def report_of(facts, release):
    return kernel_report(facts, release, release == facts.running,
                         release == facts.running, False)


def test_the_kernel_package_carries_the_module_from_7_0_on():
    kernel = report_of(pure.xs70(), gen.XS70_UNAME)
    assert kernel.eligible
    assert kernel.module_package == "kernel-3.10.96-484"


def test_an_out_of_tree_module_package_carries_it_on_6_5():
    kernel = report_of(pure.xs65(), gen.XS65_UNAME)
    assert kernel.eligible
    assert kernel.module_package == "openvswitch-modules-2.1.3-1"


def test_an_in_tree_module_built_for_another_kernel_makes_it_ineligible():
    kernel = report_of(pure.xs8(vermagic=gen.ALT_UNAME), gen.XS8_UNAME)
    assert not kernel.eligible
    assert kernel.problems == ("module file openvswitch.ko is built for "
                               "kernel %s" % gen.ALT_UNAME,)


def test_an_initrd_dracut_has_not_rebuilt_makes_the_kernel_ineligible():
    kernel = report_of(pure.xs8(dracut_done=False), gen.XS8_UNAME)
    assert not kernel.eligible
    assert any("was not rebuilt after the kernel update" in p
               for p in kernel.problems)


def test_kernel_alt_is_eligible_beside_the_kernel():
    facts = pure.xs8(alt=True)
    assert report_of(facts, gen.ALT_UNAME).eligible
    assert report_of(facts, gen.XS8_UNAME).eligible
