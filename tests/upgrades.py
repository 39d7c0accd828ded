"""Candidate packages of an OVS upgrade and the 6.2 hosts they go on."""
import json

from rescue.core import naming
from rescue.sample import trees as sample
from tests import generations as gen
from tests.hosts import (K835, K847, K_OLD, OVS_BUILD, Kernel, Rpm,
                         module_rpm, ovs_rpm, run_cli)

NEW = "1.12.0"
# A kernel a later hotfix brings, newer than every module package.
K_NEW = "2.6.32.43-0.4.1.xs1.8.0.853.170791xen"


def kernel_xen_rpm(release, arch="i686"):
    """The kernel-xen package of a 5.6-6.2 kernel (no files needed)."""
    version, _, rest = release[:-len("xen")].partition("-")
    return Rpm("kernel-xen", version, rest, arch=arch)


def module_candidate(release, build=NEW, arch="i386", legacy=False):
    """openvswitch-modules-xen-<kernel> as upstream builds it."""
    base = module_rpm(release, build)
    return base._replace(requires=("kernel-xen = %s" % release[:-3],),
                         arch=arch, legacy=legacy)


def ovs_candidate(build=NEW, arch="i386", legacy=False):
    return ovs_rpm(build)._replace(arch=arch, legacy=legacy)


def xs65_modules(version, uname=gen.XS65_UNAME):
    """6.5's out-of-tree module package, Requires: kernel-uname-r."""
    return Rpm("openvswitch-modules", version, "1", ((
        "/lib/modules/%s/extra/openvswitch/openvswitch.ko" % uname,
        sample.module_elf(uname)),), requires=("kernel-uname-r = %s" % uname,),
        arch="x86_64")


def xs62(make_host, kernels=(K_OLD, K835, K847), pending=K847):
    """A 6.2 host after a service pack (running K835, next boot K847),
    every kernel's kernel-xen package installed and, but for K_NEW, its
    module package of the installed build."""
    return make_host([Kernel(k, module_build=None if k == K_NEW else
                             OVS_BUILD) for k in kernels], pending=pending,
                     extra_rpms=[kernel_xen_rpm(k) for k in kernels])


def built(rpm_factory, *rpms):
    """The package files of rpms, built (once each) by the factory."""
    return [rpm_factory.build(rpm) for rpm in rpms]


def preflight(capsys, root, files, *extra, running=K835, accept="tc"):
    argv = ["preflight", "--json", "--root", root] + list(files)
    if running:
        argv += ["--running-kernel", running]
    if accept:
        argv += ["--accept", accept]
    code, out, err = run_cli(capsys, *(argv + list(extra)))
    return code, (json.loads(out) if out.startswith("{") else out), err


def kernel(doc, release):
    return [k for k in doc["after"] if k["release"] == release][0]


def missing_name(release, build=NEW):
    return "%s-%s" % (naming.module_package_name(release), build)



GOOD = (lambda: (ovs_candidate(), module_candidate(K835),
                 module_candidate(K847)))


def refused_by_both(doc, ours, rpms):
    """True when the tool's problems say ours and rpm --test said rpms."""
    return (any(ours in problem for problem in doc["problems"])
            and doc["rpm_test"]["exit"] != 0
            and any(rpms in line for line in doc["rpm_test"]["lines"]))


def on_xs62(make_host, rpm_factory, capsys, *rpms):
    """preflight of rpms on the default xs62 host: (code, document, err)."""
    return preflight(capsys, xs62(make_host), built(rpm_factory, *rpms))
