"""A fleet of fake dom0s over real SSH, for the Ansible roles' tests.

    from tests.fleet import HostSpec, missing, recap, run_playbook, \\
        start_fleet

    reason = missing()                       # None, or why to pytest.skip
    fleet = start_fleet(tmp_path, [HostSpec("old", "xs62"),
                                   HostSpec("new", "xs8", healthy=False)])
    try:
        inventory = fleet.inventory(tmp_path / "hosts.ini",
                                    extra_vars={"ovs_rescue_bundle": path})
        code, output = run_playbook(inventory)           # ansible/fleet.yml
        recap(output)["new"].failed                      # 1
        rc, out, err = fleet.ssh("old", "uname -m")      # 0, "i686\\n", ""
        os.path.exists(fleet.host_root("new") + "/boot/ovs-rescue")
    finally:
        fleet.stop()

The API (stable: other roles' tests build on it):

- HostSpec(name, generation, python=None, arch=None, old_sshd=None,
  boot="rw", healthy=True). generation: "xs62" (5.6-6.2: i686, no
  Python, no sha256sum, OpenSSH 4.3), "xs65" (6.5: x86_64, no Python,
  OpenSSH 4.3), "xs70" (7.x, CH 8.0-8.2: Python 2.7), "xs8" (XenServer 8
  / XCP-ng 8.3: Python 2.7 and 3.6). python ("2.7", "3.6" or both), arch ("x86_64", "i686", the
  latter a login under `setarch i686`) and old_sshd (only OpenSSH 4.3's
  algorithms) override what the generation ships. boot: "rw", "ro" (a
  read-only mount) or "full" (a tmpfs with no byte left). healthy=False:
  the pending kernel boots without OVS.
- start_fleet(base, specs, rpm_factory=None) -> Fleet: builds each dom0
  root under base and starts one sshd per host on 127.0.0.1 (a free port),
  every host in one private mount namespace. Raises (after stopping what
  it started) when a host cannot start.
- Fleet.inventory(path, extra_vars=None, group_vars=None,
  parent="xenservers", hosts=None, ports=None) -> path: an INI
  inventory, a group per generation under `parent`; host vars are the
  connection settings (old-sshd hosts get OLD_SSHD_CLIENT_ARGS, the exact
  options of ansible/inventory.example) and ovs_rescue_running_kernel,
  the kernel the host stands for running (`uname -r` cannot be faked in a
  chroot). hosts: the names to list; ports: {name: port} to connect to
  instead of the sshd's (a proxy's).
- Fleet.ssh(name, command, stdin=None, extra_args=None, timeout=60) ->
  (rc, stdout, stderr) over real ssh; Fleet.ssh_command(name) its argv;
  Fleet.copy_to(name, source, target) -> (rc, stderr) over real scp.
- Fleet.host_root(name): the host's root as its sessions see it (its
  /boot mount included), to assert on while the fleet runs;
  Fleet.host(name).running_kernel, .port, .log (sshd's log).
- Fleet.stop(): `ssh -O exit` every ControlPersist master, then stops each
  sshd and the namespace by PID. Safe twice. The sshds also die with the
  test process (PR_SET_PDEATHSIG).
- run_playbook(inventory, *args, playbook=ansible/fleet.yml, base=None,
  executable=None) -> (rc, console text); recap(text) -> {host: Recap(ok,
  changed, unreachable, failed, skipped)}; ansible_env(base).
- missing() -> None or a skip reason (not root, no sshd/busybox/rpm, no
  pyenv 2.7/3.6, no mount namespaces).

What stands in for what: docs/fleet.md.
"""
from tests.fleet.harness import Fleet, HostSpec, start_fleet  # noqa: F401
from tests.fleet.play import (Recap, ansible_env, recap,  # noqa: F401
                              run_playbook)
from tests.fleet.requirements import missing  # noqa: F401
from tests.fleet.sshd import CLIENT_ARGS, OLD_SSHD_CLIENT_ARGS  # noqa: F401
