"""The fleet play over real SSH: ansible-playbook against fake dom0s of
every generation, each behind its own OpenSSH server (tests/fleet)."""
import os
import re

import pytest

from tests.conftest import REPO
from tests.fleet import (OLD_SSHD_CLIENT_ARGS, HostSpec, missing,
                         start_fleet)

SKIP = missing()
pytestmark = pytest.mark.skipif(SKIP is not None, reason=SKIP or "")

# One of each: what the field runs, plus the hosts that must fail.
SPECS = [
    HostSpec("xs62-i686", "xs62"),                       # OpenSSH 4.3, i686
    HostSpec("xs65-broken", "xs65", healthy=False),      # OpenSSH 4.3
    HostSpec("xs70", "xs70"),                            # Python 2.7
    HostSpec("xs8-broken", "xs8", healthy=False),        # 2.7 and 3.6
    HostSpec("xs8-ro", "xs8", boot="ro"),
    HostSpec("xs70-full", "xs70", boot="full"),
]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory, rpm_factory):
    started = start_fleet(tmp_path_factory.mktemp("fleet"), SPECS,
                          rpm_factory)
    yield started
    started.stop()


@pytest.mark.parametrize("name, machine", [("xs62-i686", "i686"),
                                           ("xs65-broken", "x86_64"),
                                           ("xs8-ro", "x86_64")])
def test_each_host_reports_the_architecture_of_its_generation(
        fleet, name, machine):
    assert fleet.ssh(name, "uname -m")[:2] == (0, machine + "\n")


@pytest.mark.parametrize("name, pythons", [
    ("xs62-i686", ""), ("xs70", "python python2 python2.7"),
    ("xs8-broken", "python python2 python2.7 python3 python3.6")])
def test_each_host_has_the_pythons_its_generation_ships(fleet, name, pythons):
    rc, out, err = fleet.ssh(name, "cd /usr/bin && ls python* 2>/dev/null; "
                             "python3 -c 'import sys; print(sys.version)' "
                             "2>/dev/null; python -V 2>&1 | head -1")
    listed = out.split("\n")
    found = [word for word in listed if word.startswith("python")]
    assert " ".join(found) == pythons, out
    if "3.6" in pythons:
        assert "3.6.15" in out
    if "2.7" in pythons:
        assert "Python 2.7.18" in out


def test_rpm_is_the_real_rpm_reading_the_hosts_database(fleet):
    rc, out, err = fleet.ssh("xs70", "rpm --version; rpm -q openvswitch")
    assert rc == 0 and out.startswith("RPM version 4."), (out, err)
    assert "openvswitch-" in out.splitlines()[1]


def test_old_sshd_refuses_a_default_client_and_admits_the_documented_one(
        fleet):
    assert fleet.ssh("xs62-i686", "true", extra_args="")[0] == 255
    assert fleet.ssh("xs62-i686", "true",
                     extra_args=OLD_SSHD_CLIENT_ARGS)[0] == 0


def test_old_sshd_client_args_are_the_inventory_examples():
    with open(os.path.join(REPO, "ansible", "inventory.example")) as example:
        documented = re.findall(r"^ansible_ssh_common_args=(.*)$",
                                example.read(), re.M)
    assert documented == [OLD_SSHD_CLIENT_ARGS]


@pytest.mark.parametrize("name, error", [("xs8-ro", "Read-only file system"),
                                         ("xs70-full", "No space left")])
def test_a_broken_boot_refuses_writes(fleet, name, error):
    rc, out, err = fleet.ssh(name, "echo x > /boot/probe")
    assert rc != 0 and error in err
