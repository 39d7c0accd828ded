"""The upgrade's test fleet: the real-SSH fake dom0s of tests/fleet, each
given the stand-in OVS service of tests/standins, the kernel packages the
candidates' Requires name, and its own set of candidate packages."""
import os
import shutil
import signal

from tests.conftest import REPO
from tests.fleet.bundle import real_bundle, runtime_missing  # noqa: F401
from tests.fleet.play import run_playbook
from tests.hosts import DBPATH, K835, K847, OVS_BUILD, install_rpms
from tests.test_preflight_hosts import xs65_modules
from tests.upgrades import (kernel_xen_rpm, module_candidate,
                            ovs_candidate)

PLAYBOOK = os.path.join(REPO, "ansible", "upgrade.yml")
STANDINS = os.path.join(REPO, "tests", "standins")
# Where each stand-in goes in the host's root.
STANDIN_PLACES = {"openvswitch": "etc/init.d/openvswitch",
                  "ovs-appctl": "usr/bin/ovs-appctl",
                  "ovs-vsctl": "usr/bin/ovs-vsctl"}
CALLS = "var/log/ovs-standin.log"
# The candidate sets, by what they do on a 6.2 host after a service pack
# (running K835, booting K847).
GOOD = (ovs_candidate, lambda: module_candidate(K835),
        lambda: module_candidate(K847))
WITHOUT_NEXT_KERNEL = (ovs_candidate, lambda: module_candidate(K835))
# 6.5: one kernel, 2.1.3 installed; its upgrade to 2.1.4 (x86_64).
NEW_65 = "2.1.4"
GOOD_65 = (lambda: ovs_candidate(NEW_65, arch="x86_64"),
           lambda: xs65_modules(NEW_65))
# What each generation runs before the upgrade: (build, kernel packages
# the tests add for the candidates' Requires).
BEFORE = {"xs62": (OVS_BUILD, (K835, K847)), "xs65": ("2.1.3", ())}


def candidates(base, rpm_factory, name, makers):
    """A folder on the controller holding one set of candidate RPMs."""
    folder = os.path.join(base, "candidates", name)
    os.makedirs(folder)
    for make in makers:
        built = rpm_factory.build(make())
        shutil.copy(built, os.path.join(folder, os.path.basename(built)))
    return folder


def prepare(fleet, name, rpm_factory, outcome="ok", outage=3, delay=0):
    """Give a 6.2 or 6.5 host the stand-in service, running the build it
    has installed (and a 6.2 host its kernel-xen packages)."""
    host = fleet.host(name)
    root = host.disk_root
    build, kernels = BEFORE[host.spec.generation]
    if kernels:
        install_rpms(root, [rpm_factory.build(kernel_xen_rpm(k))
                            for k in kernels], DBPATH)
    for standin, place in STANDIN_PLACES.items():
        target = os.path.join(root, place)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy(os.path.join(STANDINS, standin), target)
        os.chmod(target, 0o755)
    with open("/proc/%d/comm" % host.process.pid) as comm:
        assert comm.read().startswith("sshd"), "not the listening sshd"
    write(root, "etc/ovs-standin.conf", "kernel=%s\nsshd_pid=%d\n"
          "outcome=%s\noutage=%d\ndelay=%d\n" % (
              host.running_kernel, host.process.pid, outcome, outage, delay))
    write(root, "sys/module/openvswitch/version", build + "\n")
    write(root, "var/run/openvswitch/standin-daemon", build)


def write(root, path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as handle:
        handle.write(text)


def let_ssh_back(fleet):
    """SIGCONT every listener a stand-in stopped, before the fleet stops."""
    for host in fleet.hosts.values():
        try:
            os.kill(host.process.pid, signal.SIGCONT)
        except OSError:
            pass


def inventory(fleet, base, bundle, packages, **overrides):
    """The fleet's inventory, with the upgrade's settings in group_vars and
    each host's package folder in host_vars ({name: folder})."""
    path = fleet.inventory(os.path.join(base, "hosts.ini"))
    settings = {"ovs_rescue_bundle": bundle,
                "ovs_upgrade_accept": ["tc"],
                "ovs_upgrade_settle_seconds": 1,
                "ovs_upgrade_wait_seconds": 12,
                "ovs_upgrade_build_dir": os.path.join(base, "bundles")}
    settings.update(overrides)
    write(base, "group_vars/all.yml", "".join(
        "%s: %s\n" % (key, _yaml(value)) for key, value in settings.items()))
    for name, folder in packages.items():
        write(base, "host_vars/%s.yml" % name,
              "ovs_upgrade_packages: [%s]\n" % _yaml(folder))
    return path


def _yaml(value):
    if isinstance(value, list):
        return "[%s]" % ", ".join(_yaml(v) for v in value)
    if isinstance(value, int):
        return str(value)
    return "'%s'" % str(value).replace("'", "''")


def upgrade(inventory_path, *hosts, extra=(), executable=None):
    """Run upgrade.yml on these hosts (in inventory order): (exit code,
    output)."""
    base = os.path.dirname(inventory_path)
    return run_playbook(inventory_path, "-e", "ovs_rescue_hosts=all",
                        "--limit", ",".join(hosts), *extra,
                        playbook=PLAYBOOK, base=base, executable=executable,
                        timeout=600)


def calls(fleet, name):
    """What the stand-in init script recorded on this host."""
    path = os.path.join(fleet.host(name).disk_root, CALLS)
    if not os.path.exists(path):
        return []
    with open(path) as recorded:
        return recorded.read().splitlines()
