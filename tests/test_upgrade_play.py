"""ansible/upgrade.yml over real SSH against fake 6.2 and 6.5 dom0s (i686
and x86_64, OpenSSH 4.3's algorithms) whose stand-in init script severs
every SSH connection while it "reloads": the rollout rides through the
drop, verifies and goes on; a failed reload, a host that never lets SSH
back, a no-go preflight or a host without the init script stops it at that
host, and the hosts after it are not touched."""
import os

import pytest

from tests.fleet import HostSpec, missing, start_fleet
from tests.fleet.play import ansible_2_16, recap
from tests.hosts import OVS_BUILD
from tests.upgrade_fleet import (GOOD, GOOD_65, NEW_65, WITHOUT_NEXT_KERNEL,
                                 calls, candidates, inventory, let_ssh_back,
                                 prepare, real_bundle, runtime_missing,
                                 upgrade)
from tests.upgrades import NEW

SKIP = missing(pythons=()) or runtime_missing()
pytestmark = pytest.mark.skipif(SKIP is not None, reason=SKIP or "")

# Inventory order is rollout order.
OUTCOMES = {"xs62-a": "ok", "xs65-b": "ok", "xs62-fail": "fail",
            "xs62-nossh": "no-ssh", "xs62-nogo": "ok", "xs62-noinit": "ok",
            "xs62-216": "ok", "xs62-after": "ok"}
# Where the rollout must stop before anything is installed.
NOTHING_INSTALLED = ("xs62-nogo", "xs62-noinit")


@pytest.fixture(scope="module")
def fleet(tmp_path_factory, rpm_factory, zipapp):
    base = str(tmp_path_factory.mktemp("upgrade"))
    started = start_fleet(os.path.join(base, "fleet"),
                          [HostSpec(name, name[:4]) for name in OUTCOMES],
                          rpm_factory)
    try:
        for name, outcome in OUTCOMES.items():
            # xs65-b drops SSH only after the play has begun asking it.
            prepare(started, name, rpm_factory, outcome,
                    delay=4 if name == "xs65-b" else 0)
        os.unlink(os.path.join(started.host("xs62-noinit").disk_root,
                               "etc/init.d/openvswitch"))
        good = candidates(base, rpm_factory, "good", GOOD)
        short = candidates(base, rpm_factory, "short", WITHOUT_NEXT_KERNEL)
        packages = {name: short if name == "xs62-nogo" else good
                    for name in OUTCOMES}
        packages["xs65-b"] = candidates(base, rpm_factory, "good65", GOOD_65)
        bundle, _ = real_bundle(os.path.join(base, "dist"), zipapp)
        started.upgrade_inventory = inventory(started, base, bundle, packages)
        yield started
    finally:
        let_ssh_back(started)
        started.stop()


def installed(fleet, name):
    rc, out, err = fleet.ssh(name, "rpm -q --qf '%{VERSION}\\n' openvswitch")
    assert rc == 0, err
    return out.strip()


def loaded(fleet, name):
    with open(os.path.join(fleet.host(name).disk_root,
                           "sys/module/openvswitch/version")) as version:
        return version.read().strip()


def untouched(fleet, name):
    return (installed(fleet, name) == OVS_BUILD and calls(fleet, name) == []
            and loaded(fleet, name) == OVS_BUILD)


def test_the_rollout_rides_through_each_hosts_ssh_drop(fleet):
    code, output = upgrade(fleet.upgrade_inventory, "xs62-a", "xs65-b")
    assert code == 0, output
    for name, new in (("xs62-a", NEW), ("xs65-b", NEW_65)):
        assert installed(fleet, name) == new and loaded(fleet, name) == new
        recorded = calls(fleet, name)
        assert recorded[0] == "called: force-reload-kmod", recorded
        severed = int(recorded[1].split()[1])
        assert severed > 0 and recorded[2:] == ["ssh back"], recorded
        assert "%s: Open vSwitch %s installed, module and daemon reloaded;" \
            " check OK" % (name, new) in output
    # xs65-b was asked while its reload ran, and its drop came after.
    assert "RETRYING: [xs65-b]: Ask the host whether the reload" in output
    assert "force-kmod-" + "reload" not in output
    # The role only stages here: no fleet summary that, in xs62-a's batch,
    # would list xs65-b as stopped before it had an answer.
    assert "stopped before it had an answer" not in output, output
    assert "TASK [ovs_rescue : One line a host]" not in output, output
    # All of it done: a second run changes nothing and reloads nothing.
    code, output = upgrade(fleet.upgrade_inventory, "xs62-a")
    assert code == 0, output
    assert recap(output)["xs62-a"].changed == 0, output
    assert len(calls(fleet, "xs62-a")) == 3


@pytest.mark.parametrize("name, said", [
    ("xs62-fail", "Failed to save configuration"),
    ("xs62-nossh", "did not answer within 12 s of the reload's start"),
    ("xs62-nogo", "NO-GO"),
    ("xs62-noinit", "no /etc/init.d/openvswitch here")])
def test_a_failing_host_stops_the_rollout_naming_it(fleet, name, said):
    code, output = upgrade(fleet.upgrade_inventory, name, "xs62-after")
    assert code != 0
    assert "%s: the upgrade stopped at" % name in output
    assert said in output, output
    assert "from the console of %s" % name in output
    assert untouched(fleet, "xs62-after")
    assert "xs62-after" not in recap(output)
    if name in NOTHING_INSTALLED:
        assert installed(fleet, name) == OVS_BUILD
        assert "nothing installed; the old build runs" in output


def test_a_no_go_preflight_installs_nothing_and_names_the_package(fleet):
    before = fleet.ssh("xs62-nogo", "rpm -qa | sort")[1]
    code, output = upgrade(fleet.upgrade_inventory, "xs62-nogo")
    assert code != 0
    assert ("openvswitch-modules-xen-2.6.32.43-0.4.1.xs1.8.0.847.170785-%s"
            % NEW) in output
    assert fleet.ssh("xs62-nogo", "rpm -qa | sort")[1] == before
    assert untouched(fleet, "xs62-nogo")


def test_ansible_core_2_16_rides_through_the_drop_too(fleet):
    executable = ansible_2_16()
    if executable is None:
        pytest.skip("no ansible-core 2.16 ($OVS_RESCUE_ANSIBLE_2_16; "
                    "tests/run makes one)")
    code, output = upgrade(fleet.upgrade_inventory, "xs62-216",
                           executable=executable)
    assert code == 0, output
    assert installed(fleet, "xs62-216") == NEW
    assert loaded(fleet, "xs62-216") == NEW
    assert calls(fleet, "xs62-216")[2] == "ssh back"
