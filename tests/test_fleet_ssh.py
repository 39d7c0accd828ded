"""The fleet play over real SSH: ansible-playbook against fake dom0s of
every generation, each behind its own OpenSSH server (tests/fleet)."""
import json
import os
import re
import shlex
import shutil
import subprocess
from typing import NamedTuple

import pytest

from tests.conftest import REPO
from tests.fleet import (OLD_SSHD_CLIENT_ARGS, HostSpec, missing, recap,
                         run_playbook, sshd, start_fleet)
from tests.fleet.bundle import RUNTIME, real_bundle, runtime_missing
from tests.fleet.play import ansible_2_16, pinned_ansible_playbook
from tests.fleet.sshd import free_port
from tests.hosts import tree_state

SKIP = missing()
pytestmark = pytest.mark.skipif(SKIP is not None, reason=SKIP or "")

# One of each: what the field runs, plus the hosts that must fail.
SPECS = [
    HostSpec("xs62-i686", "xs62", healthy=False),        # OpenSSH 4.3, i686
    HostSpec("xs65", "xs65"),                            # OpenSSH 4.3
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
                                           ("xs65", "x86_64"),
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


@pytest.mark.parametrize("left_out, rc", [("HostKeyAlgorithms", 255),
                                          ("KexAlgorithms", 255),
                                          ("PubkeyAcceptedAlgorithms", 0)])
def test_which_of_the_documented_old_sshd_options_this_sshd_can_tell(
        fleet, left_out, rc):
    # Without the host key's or the key exchange's option the client cannot
    # connect. PubkeyAcceptedAlgorithms=+ssh-rsa is needed only by a server
    # that sends no server-sig-algs (OpenSSH 4.3); this 9.x sshd sends it
    # to every client, so the client signs with rsa-sha2-* and is let in
    # without the option: that one is untested here (docs/fleet.md).
    options = re.findall(r"-o \S+", OLD_SSHD_CLIENT_ARGS)
    kept = " ".join(o for o in options if not o.startswith("-o " + left_out))
    assert len(kept) < len(OLD_SSHD_CLIENT_ARGS)
    assert fleet.ssh("xs62-i686", "true", extra_args=kept)[0] == rc


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


# The play, run by each tested ansible-core over one fleet, in the order an
# operator would: --check first, then a run that stages, a second run, a
# dry run. Every run's console and what /boot held after it are recorded
# once; the tests below read them.
UNSAFE = {"xs62-i686", "xs8-broken"}
UNWRITABLE = {"xs8-ro", "xs70-full"}
CONTROLLERS = {"pinned": pinned_ansible_playbook, "2.16": ansible_2_16}


class Runs(NamedTuple):
    """What each run of the play printed and left."""
    fleet: object
    summary: dict
    consoles: dict          # run name -> (exit code, console text)
    boots: dict             # run name -> {host: tree_state of /boot}
    locals: dict            # run name -> {host: tree_state of /usr/local}


@pytest.fixture(scope="session")
def real_bundle_file(tmp_path_factory, zipapp):
    reason = runtime_missing()
    if reason:
        pytest.skip(reason)
    return real_bundle(tmp_path_factory.mktemp("fleet-bundle"), zipapp)


def _trees(fleet, below):
    return {name: tree_state(fleet.host_root(name) + below)
            for name in fleet.hosts}


@pytest.fixture(scope="module", params=sorted(CONTROLLERS))
def runs(request, tmp_path_factory, rpm_factory, real_bundle_file):
    executable = CONTROLLERS[request.param]()
    if executable is None:
        pytest.skip("no ansible-core 2.16: tests/run makes its venv and sets "
                    "$OVS_RESCUE_ANSIBLE_2_16")
    base = tmp_path_factory.mktemp("play-" + request.param)
    fleet = start_fleet(base / "fleet", SPECS, rpm_factory)
    try:
        summary = base / "ovs-rescue-fleet.json"
        inventory = fleet.inventory(base / "hosts.ini", extra_vars={
            "ovs_rescue_bundle": real_bundle_file[0],
            "ovs_rescue_summary": summary})
        consoles, boots, local_trees = {}, {"before": _trees(fleet, "/boot")}, {
            "before": _trees(fleet, "/usr/local")}
        for name, extra in (("check", ["--check"]), ("first", []),
                            ("second", []),
                            ("dry", ["-e", "ovs_rescue_dry_run=true"])):
            consoles[name] = run_playbook(
                inventory, *extra, base=str(base), executable=executable,
                env={"ANSIBLE_SHOW_CUSTOM_STATS": "1"})
            boots[name] = _trees(fleet, "/boot")
            local_trees[name] = _trees(fleet, "/usr/local")
            if name == "first":
                with open(str(summary)) as written:
                    first_summary = json.load(written)
        yield Runs(fleet, first_summary, consoles, boots, local_trees)
    finally:
        fleet.stop()


def failed_hosts(output):
    return {host for host, line in recap(output).items() if line.failed}


def fatal_lines(output):
    """{host: its one-line reason} from the play's `fatal:` lines."""
    found = {}
    for match in re.finditer(r'^fatal: \[(\S+)\]: FAILED! => .*"msg": "(.*)"\}$',
                             output, re.M):
        found[match.group(1)] = match.group(2)
    return found


def task_part(output, title):
    return output.split("TASK [ovs_rescue : " + title)[1].split("TASK [")[0]


def test_check_mode_installs_nothing_and_says_what_it_would_stage(runs):
    code, output = runs.consoles["check"]
    assert code == 2 and failed_hosts(output) == UNSAFE | UNWRITABLE, output
    assert runs.boots["check"] == runs.boots["before"]
    assert runs.locals["check"] == runs.locals["before"]
    assert output.count("[would stage ovs-rescue.pyz") == 4, output


def test_exactly_the_unsafe_hosts_fail_each_with_its_reason_and_package(runs):
    code, output = runs.consoles["first"]
    assert code == 2
    assert failed_hosts(output) == UNSAFE | UNWRITABLE, output
    fatal = fatal_lines(output)
    assert set(fatal) == UNSAFE | UNWRITABLE
    for host in UNSAFE:
        line = fatal[host]
        assert line.startswith(host + ": UNSAFE to reboot: "), line
        assert re.search(r"; install \S+", line), line
    stats = recap(output)
    assert all(stats[host].changed == 1 for host in runs.fleet.hosts
               if host not in UNWRITABLE), output


@pytest.mark.parametrize("host, why", [
    ("xs8-ro", "/boot is read-only"),
    ("xs70-full", "/boot has 0 KiB free, staging needs ")])
def test_an_unwritable_boot_fails_naming_the_host_with_nothing_half_installed(
        runs, host, why):
    line = fatal_lines(runs.consoles["first"][1])[host]
    assert line.startswith(host + ": cannot install: ") and why in line, line
    for run in ("first", "second", "dry"):
        assert runs.boots[run][host] == runs.boots["before"][host]
        assert runs.locals[run][host] == runs.locals["before"][host]


def test_the_i686_host_runs_the_i686_runtime(runs):
    root = runs.fleet.host_root("xs62-i686")
    with open(root + "/boot/ovs-rescue/BUNDLE") as stamp:
        assert " arch=i686 " in stamp.readline()
    with open(root + "/boot/ovs-rescue/runtime/python3", "rb") as staged, \
            open(os.path.join(RUNTIME, "i686", "python3"), "rb") as built:
        assert staged.read() == built.read()


def test_the_summary_lists_the_unsafe_hosts_with_kernel_and_package(runs):
    unsafe = {entry["host"]: entry for entry in runs.summary["unsafe"]}
    assert set(unsafe) == UNSAFE
    assert all(entry["pending"] and entry["package"]
               for entry in unsafe.values()), unsafe
    assert {entry["host"] for entry in runs.summary["errors"]} == UNWRITABLE
    assert set(runs.summary["safe"]) == set(runs.fleet.hosts) - UNSAFE \
        - UNWRITABLE


def test_a_second_run_changes_nothing_and_sends_no_bundle_where_staged(runs):
    code, output = runs.consoles["second"]
    assert code == 2 and failed_hosts(output) == UNSAFE | UNWRITABLE
    assert all(line.changed == 0 for line in recap(output).values()), output
    sent = task_part(output, "Send the bundle")
    staged = set(runs.fleet.hosts) - UNWRITABLE
    # Nor to a read-only /boot: the probe says so. A full one is only
    # found full by the bundle, there.
    assert set(re.findall(r"^skipping: \[(\S+)\]", sent, re.M)) == \
        staged | {"xs8-ro"}
    assert output.count("[up to date]") == len(staged), output
    assert runs.boots["second"] == runs.boots["first"]


def test_dry_run_shows_the_rollback_plan_of_the_unsafe_hosts_only(runs):
    code, output = runs.consoles["dry"]
    plans = task_part(output, "Show the rollback plan")
    shown = re.findall(r"^ok: \[(\S+)\] => \{\s*\n\s*\"msg\": \[\s*\n\s*"
                       r"\"(\S+ \S+ \S+)", plans, re.M)
    assert sorted(shown) == [("xs62-i686", "Would roll back:"),
                             ("xs8-broken", "Cannot roll back:")], plans
    assert all(line.changed == 0 for line in recap(output).values()), output


def test_awx_gets_the_unsafe_hosts_as_custom_stats(runs):
    stats = runs.consoles["first"][1].split("CUSTOM STATS:")[1]
    for host in UNSAFE:
        assert host in stats


# Without Ansible: the one-liners docs/fleet.md gives, over real ssh and
# scp, to the oldest host (OpenSSH 4.3, i686, no Python, no sha256sum).
def one_liner_options(fleet, name, sha256):
    return "--sha256 %s --report --running-kernel %s" % (
        sha256, fleet.host(name).running_kernel)


def test_ssh_sh_s_from_standard_input_stages_and_reports(
        fleet, real_bundle_file):
    path, sha256 = real_bundle_file
    assert fleet.ssh("xs62-i686", "command -v sha256sum")[0] != 0
    with open(path, "rb") as bundle_file:
        rc, out, err = fleet.ssh("xs62-i686", "sh -s -- " + one_liner_options(
            fleet, "xs62-i686", sha256), stdin=bundle_file.read())
    assert rc == 0, (out, err)
    assert "installed /boot/ovs-rescue/runtime (i686)" in out, out
    assert '"ok": false' in out and "@ovs-rescue exit 1" in out, out
    rc, out, err = fleet.ssh("xs62-i686", "ovs-rescue check --running-kernel "
                             + fleet.host("xs62-i686").running_kernel)
    assert rc == 1 and out.startswith("UNSAFE"), (out, err)


def test_copy_then_run_stages_and_a_second_run_changes_nothing(
        fleet, real_bundle_file):
    path, sha256 = real_bundle_file
    assert fleet.copy_to("xs65", path, "/tmp/ovs-rescue-bundle.sh")[0] == 0
    command = "sh /tmp/ovs-rescue-bundle.sh " + one_liner_options(
        fleet, "xs65", sha256)
    rc, out, err = fleet.ssh("xs65", command)
    assert rc == 0 and "installed /boot/ovs-rescue/ovs-rescue.pyz" in out, out
    assert '"ok": true' in out, out
    rc, out, err = fleet.ssh("xs65", command)
    assert rc == 0 and "unchanged: " in out, out
    assert not re.search(r"^installed ", out, re.M), out


def test_xcp_ng_runs_the_check_with_its_own_python_36_when_named(
        fleet, real_bundle_file, tmp_path):
    inventory = fleet.inventory(tmp_path / "hosts.ini", hosts=["xs8-broken"],
                                extra_vars={
                                    "ovs_rescue_bundle": real_bundle_file[0],
                                    "ovs_rescue_summary": "",
                                    "ovs_rescue_python": "/usr/bin/python3"})
    code, output = run_playbook(inventory, base=str(tmp_path))
    assert code == 2 and recap(output)["xs8-broken"].changed == 1, output
    assert "xs8-broken: UNSAFE to reboot: " in fatal_lines(output)["xs8-broken"]
    root = fleet.host_root("xs8-broken")
    assert not os.path.lexists(root + "/boot/ovs-rescue/runtime")
    with open(root + "/usr/local/sbin/ovs-rescue") as launcher:
        assert "/usr/bin/python3" in launcher.read()


def test_an_unreachable_host_and_one_that_cannot_be_inspected_fail_naming_it(
        fleet, real_bundle_file, tmp_path):
    # xs70: its rpm database spoilt, so check cannot read it (exit 3);
    # xs65: nothing listens where the inventory says it is.
    database = fleet.host_root("xs70") + "/var/lib/rpm"
    saved = {}
    for name in os.listdir(database):
        with open(os.path.join(database, name), "r+b") as spoilt:
            saved[name] = spoilt.read()
            spoilt.seek(0)
            spoilt.write(b"\0" * 4096)
    inventory = fleet.inventory(
        tmp_path / "hosts.ini", hosts=["xs70", "xs65"],
        ports={"xs65": free_port()},
        extra_vars={"ovs_rescue_bundle": real_bundle_file[0],
                    "ovs_rescue_summary": tmp_path / "summary.json"})
    try:
        code, output = run_playbook(inventory, base=str(tmp_path))
    finally:
        for name, data in saved.items():
            with open(os.path.join(database, name), "wb") as restored:
                restored.write(data)
    assert code == 2 and failed_hosts(output) == {"xs70", "xs65"}, output
    lines = fatal_lines(output)
    assert lines["xs65"].startswith("xs65: unreachable: "), lines
    assert lines["xs70"].startswith("xs70: cannot check (exit 3): "), lines
    with open(str(tmp_path / "summary.json")) as written:
        errors = json.load(written)["errors"]
    assert sorted(entry["host"] for entry in errors) == ["xs65", "xs70"]


def documented_parallel_ssh():
    """The parallel-ssh one-liner of docs/fleet.md, as written there."""
    with open(os.path.join(REPO, "docs", "fleet.md")) as doc:
        return re.search(r"^    (parallel-ssh .*)$", doc.read(), re.M).group(1)


@pytest.mark.skipif(shutil.which("parallel-ssh") is None,
                    reason="no parallel-ssh (Debian's pssh; tests/run "
                           "installs it)")
def test_the_documented_parallel_ssh_line_stages_and_fails_a_full_host(
        fleet, real_bundle_file, tmp_path):
    path, sha256 = real_bundle_file
    names = ["xs62-i686", "xs70", "xs70-full"]
    hosts_txt = tmp_path / "hosts.txt"
    hosts_txt.write_text("".join("127.0.0.1:%d\n" % fleet.host(name).port
                                 for name in names))
    # The docs' `-x "..."`: the old hosts' three options (harmless to the
    # others), and what reaches the test fleet (its key, no known_hosts).
    client = sshd.client_command(0, fleet.key, OLD_SSHD_CLIENT_ARGS)
    options = client[1:client.index("-p")] + client[client.index("-p") + 2:-1]
    line = documented_parallel_ssh().replace("$SUM", sha256).replace(
        "hosts.txt", shlex.quote(str(hosts_txt))).replace(
        "dist/ovs-rescue-bundle.sh", shlex.quote(path))
    assert line.startswith("parallel-ssh ")
    command = line.replace("parallel-ssh ", "parallel-ssh -x %s " % (
        shlex.quote(" ".join(options)),), 1)
    done = subprocess.run(["sh", "-c", command], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=300)
    port = {name: fleet.host(name).port for name in names}
    # One line a host, nothing else.
    said = {int(p): s for s, p in re.findall(
        r"^\[\d+\] \S+ \[(\w+)\] 127\.0\.0\.1:(\d+)", done.stdout, re.M)}
    assert said == {port["xs62-i686"]: "SUCCESS", port["xs70"]: "SUCCESS",
                    port["xs70-full"]: "FAILURE"}, done.stdout
    assert "127.0.0.1:%d Exited with error code 3" % port["xs70-full"] \
        in done.stdout
    assert len(done.stdout.splitlines()) == len(names), done.stdout
    assert done.returncode == 5, done.stdout      # some host exited non-zero
    # -i: each host's lines below its own, the reason it was refused too.
    hosts_txt.write_text("127.0.0.1:%d\n" % port["xs70-full"])
    inline = subprocess.run(["sh", "-c", command.replace(
        "parallel-ssh ", "parallel-ssh -i ", 1)], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, universal_newlines=True, timeout=300)
    assert re.search(r"^(Stderr: )?ovs-rescue bundle: error: /boot has 0 KiB"
                     r" free", inline.stdout, re.M), inline.stdout
    for name in ("xs62-i686", "xs70"):
        rc, out, err = fleet.ssh(name, "cat /boot/ovs-rescue/BUNDLE")
        assert rc == 0 and out.startswith("ovs-rescue bundle "), (out, err)
    assert not os.path.exists(fleet.host_root("xs70-full")
                              + "/boot/ovs-rescue")
