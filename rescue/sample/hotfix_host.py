"""A sample host where a hotfix left the next kernel without its OVS module."""
import os
import pkgutil

from rescue.core import rpmquery
from rescue.sample import trees as sample

OLD = "2.6.32.12-0.7.1.xs5.6.100.323.170596xen"
RUNNING = "2.6.32.43-0.4.1.xs1.8.0.835.170778xen"
HOTFIX = "2.6.32.43-0.4.1.xs1.8.0.847.170785xen"   # no module package
PACKAGE_LIST = "packages.txt"
# The installer's extlinux.conf of a 6.2 host, its default entry first.
EXTLINUX = sample.STOCK_EXTLINUX + """
label fallback
  # XenServer (Xen 4.1.5 / Linux %s)
  kernel mboot.c32
  append /boot/xen.gz --- /boot/vmlinuz-%s root=LABEL=root-xs042 ro --- \
/boot/initrd-%s.img
""" % (OLD, OLD, OLD)


def sample_package_list():
    """The sample's `rpm -qa --qf` listing, shipped inside the package."""
    return pkgutil.get_data("rescue", "data/sample-packages.txt").decode()


def build_sample_host(root):
    """Write the sample host below root; return its package list's path."""
    for release in (OLD, RUNNING, HOTFIX):
        sample.write_kernel(root, release)
    sample.point_at(root, HOTFIX)          # the hotfix repointed the links
    sample.write_file(root, "/boot/extlinux.conf", EXTLINUX.encode())
    sample.write_extlinux_files(root)
    modules = {}
    listing = sample_package_list()
    packages, _ = rpmquery.parse_query_output(listing)
    for versions in packages.values():
        for package in versions:
            path = rpmquery.module_file(package)
            if path:
                release = path.split("/")[3]    # /lib/modules/<release>/...
                sample.write_file(root, path, sample.module_elf(release))
                modules[release] = [path]
    for release in (OLD, RUNNING, HOTFIX):     # depmod ran for each kernel
        sample.write_modules_dep(root, release, modules.get(release, ()),
                                 absolute=True)
    path = os.path.join(root, PACKAGE_LIST)
    with open(path, "w") as out:
        out.write(listing)
    return path
