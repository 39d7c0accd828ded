"""Start and stop a fleet of fake dom0s, each behind its own real sshd."""
import ctypes
import os
import shutil
import signal
import subprocess
import tempfile
import time
from typing import NamedTuple, Optional, Tuple

from tests import hosts
from tests.fleet import dom0root, namespace, sshd

READY_SECONDS = 10
# Times a host's sshd is started, each on a new port, before giving up.
BIND_ATTEMPTS = 5


class HostSpec(NamedTuple):
    """One fake dom0.

    name: inventory name and hostname. generation: xs62 (5.6-6.2, i686,
    OpenSSH 4.3, no Python), xs65, xs70 (Python 2.7), xs8 (XenServer 8 /
    XCP-ng 8.3: Python 2.7 and 3.6); see dom0root.GENERATIONS. python,
    arch, old_sshd: None means as that generation ships; python is a tuple
    of "2.7"/"3.6", arch "x86_64" or "i686". boot: "rw", "ro" (read-only
    mount) or "full" (a tmpfs with no space left). healthy: False builds
    a host whose next boot lacks OVS.
    """
    name: str
    generation: str
    python: Optional[Tuple[str, ...]] = None
    arch: Optional[str] = None
    old_sshd: Optional[bool] = None
    boot: str = "rw"
    healthy: bool = True

    def resolved(self):
        """This spec with every None replaced by its generation's value."""
        if self.generation not in dom0root.GENERATIONS:
            raise ValueError("unknown generation %r" % (self.generation,))
        shipped = dom0root.GENERATIONS[self.generation]
        if self.boot not in ("rw", "ro", "full"):
            raise ValueError("boot must be rw, ro or full, not %r"
                             % (self.boot,))
        return self._replace(**{field: shipped[field]
                                for field in ("python", "arch", "old_sshd")
                                if getattr(self, field) is None})


class Host(NamedTuple):
    """A started host: its spec, port, sshd process and paths."""
    spec: HostSpec
    port: int
    disk_root: str          # the dom0 root on disk (without the mounts)
    chroot: str             # the same, as sshd sees it in the namespace
    process: subprocess.Popen
    log: str

    @property
    def running_kernel(self):
        """The kernel this host stands for running (`uname -r` in the
        chroot is the test machine's)."""
        return dom0root.GENERATIONS[self.spec.generation]["running"]

    @property
    def ssh_args(self):
        """ansible_ssh_common_args that reach this host."""
        extra = sshd.OLD_SSHD_CLIENT_ARGS if self.spec.old_sshd else ""
        return (sshd.CLIENT_ARGS + " " + extra).strip()


class Fleet:
    """A running fleet. Use start_fleet() to make one; stop() ends it."""

    def __init__(self, base, key, holder, hosts):
        self.base = base
        self.key = key
        self.holder = holder
        self.hosts = hosts          # name -> Host, in spec order
        # ControlPath must fit a unix socket's 108 bytes: pytest's tmp
        # paths may not, so Ansible's masters live in a short folder.
        self.control_dir = tempfile.mkdtemp(prefix="ovs-fleet-cp-")

    def host(self, name):
        return self.hosts[name]

    def host_root(self, name):
        """The host's dom0 root as its sessions see it (with /boot's and
        the pythons' mounts), for asserting on disk while the fleet runs."""
        return namespace.view(self.holder.pid, self.hosts[name].chroot)

    def ssh_command(self, name, extra_args=None):
        """argv prefix of ssh to this host, with the settings it needs."""
        host = self.hosts[name]
        if extra_args is None:
            extra_args = sshd.OLD_SSHD_CLIENT_ARGS if host.spec.old_sshd else ""
        return sshd.client_command(host.port, self.key, extra_args)

    def ssh(self, name, command, stdin=None, extra_args=None, timeout=60):
        """Run `command` on the host over real ssh: (rc, stdout, stderr).

        stdin: bytes or str fed to the remote command. extra_args: client
        options instead of the ones the host needs (None: as inventory()).
        """
        data = stdin.encode() if isinstance(stdin, str) else stdin
        done = subprocess.run(self.ssh_command(name, extra_args) + [command],
                              input=data if data is not None else b"",
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout)
        return (done.returncode, done.stdout.decode(errors="replace"),
                done.stderr.decode(errors="replace"))

    def copy_to(self, name, source, target, timeout=120):
        """scp source to the host's target path: (rc, stderr)."""
        host = self.hosts[name]
        extra = sshd.OLD_SSHD_CLIENT_ARGS if host.spec.old_sshd else ""
        done = subprocess.run(
            sshd.scp_command(host.port, self.key, extra)
            + [str(source), "root@127.0.0.1:" + target],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, timeout=timeout)
        return done.returncode, done.stderr.decode(errors="replace")

    def inventory(self, path, extra_vars=None, group_vars=None,
                  parent="xenservers", hosts=None, ports=None):
        """Write an INI inventory: a group per generation, all of them
        children of `parent` (fleet.yml's default group), each host's
        connection settings (and the kernel it stands for running) as host
        vars, `group_vars` ({generation: {var: value}}) as
        [generation:vars], `extra_vars` as [all:vars]. hosts: the names to
        list (default: all). ports: {name: port} to reach a host through
        (a proxy's) instead of its sshd's."""
        chosen = [self.hosts[name] for name in (hosts or self.hosts)]
        lines = []
        generations = sorted({h.spec.generation for h in chosen})
        for generation in generations:
            lines.append("[%s]" % generation)
            for host in chosen:
                if host.spec.generation == generation:
                    lines.append(self._host_line(
                        host, (ports or {}).get(host.spec.name, host.port)))
            lines.append("")
            for variable, value in sorted(
                    (group_vars or {}).get(generation, {}).items()):
                if variable == sorted((group_vars or {})[generation])[0]:
                    lines.append("[%s:vars]" % generation)
                lines.append("%s=%s" % (variable, _ini_value(value)))
            lines.append("")
        if parent:
            lines += ["[%s:children]" % parent] + generations + [""]
        lines.append("[all:vars]")
        lines.append("ansible_control_path_dir=%s" % self.control_dir)
        for variable, value in sorted((extra_vars or {}).items()):
            lines.append("%s=%s" % (variable, _ini_value(value)))
        with open(str(path), "w") as handle:
            handle.write("\n".join(lines) + "\n")
        return str(path)

    def _host_line(self, host, port):
        return ("%s ansible_host=127.0.0.1 ansible_port=%d ansible_user=root "
                "ansible_ssh_private_key_file=%s "
                "ansible_ssh_common_args=%s ovs_rescue_running_kernel=%s" % (
                    host.spec.name, port, self.key,
                    _ini_value(host.ssh_args), host.running_kernel))

    def stop(self):
        """Close ControlPersist masters, then stop every sshd and the
        namespace by PID. Safe to call twice."""
        sshd.close_control_sockets(self.control_dir)
        for host in self.hosts.values():
            _let_sessions_end(host.process)
            _stop(host.process)
        if self.holder.poll() is None:
            self.holder.stdin.close()
            _stop(self.holder)
        shutil.rmtree(self.control_dir, ignore_errors=True)


def start_fleet(base, specs, rpm_factory=None):
    """Build each spec's dom0 root under base and start its sshd: a Fleet.

    base: an empty directory of this test run (pytest's tmp_path is fine).
    rpm_factory: tests.hosts.RpmFactory building the hosts' RPMs (default:
    one caching under base/rpms). On any failure everything already
    started is stopped again.
    """
    specs = [spec.resolved() for spec in specs]
    if rpm_factory is None:
        rpm_factory = hosts.RpmFactory(os.path.join(str(base), "rpms"))
    names = [spec.name for spec in specs]
    if len(set(names)) != len(names):
        raise ValueError("host names repeat: %s" % names)
    base = os.path.abspath(str(base))
    for directory in ("hosts", "keys", "etc", "log", "stage"):
        os.makedirs(os.path.join(base, directory), exist_ok=True)
    os.chmod(base, 0o755)
    os.chmod(os.path.join(base, "keys"), 0o700)
    pythons = sorted({v for spec in specs for v in spec.python})
    layer = dom0root.build_layer(os.path.join(base, "layer"), pythons)
    applet_paths = dom0root.applets(os.path.join(layer, "bin/busybox"))
    key = sshd.keygen(os.path.join(base, "keys", "id_rsa"), "rsa")
    shutil.copy(key + ".pub", os.path.join(base, "keys", "authorized_keys"))
    mounts = namespace.Mounts(base)
    for spec in specs:
        _build_host(base, spec, rpm_factory, layer, applet_paths, mounts)
    log = open(os.path.join(base, "log", "namespace.log"), "w")
    holder = namespace.start_holder(mounts, log, _die_with_parent)
    fleet = Fleet(base, key, holder, {})
    try:
        for spec in specs:
            fleet.hosts[spec.name] = _start_sshd(base, spec, holder.pid)
        for name, host in list(fleet.hosts.items()):
            fleet.hosts[name] = _until_listening(base, host, holder.pid)
    except BaseException:
        fleet.stop()
        raise
    return fleet


def _build_host(base, spec, rpm_factory, layer, applet_paths, mounts):
    root = os.path.join(base, "hosts", spec.name)
    dom0root.build_fake_host(root, rpm_factory, spec.generation, spec.healthy)
    shipped = dom0root.GENERATIONS[spec.generation]
    dom0root.populate(root, layer, applet_paths, spec.python, spec.arch,
                      shipped["release"], shipped.get("missing", ()))
    seen = _seen(root, base)
    for source, target in dom0root.python_mounts(root, spec.python):
        mounts.bind_read_only(source, _seen(target, base))
    mounts.proc(os.path.join(seen, "proc"))
    boot = os.path.join(seen, "boot")
    if spec.boot == "ro":
        mounts.bind_read_only(boot, boot)
    elif spec.boot == "full":
        stage = os.path.join(base, "stage", spec.name)
        os.makedirs(stage)
        mounts.full_tmpfs(boot, _seen(stage, base),
                          _tree_bytes(os.path.join(root, "boot")) + (1 << 20))


def _start_sshd(base, spec, holder_pid):
    host_key = os.path.join(base, "keys", spec.name)
    if not os.path.exists(host_key):        # started again: the same key
        sshd.keygen(host_key, "rsa" if spec.old_sshd else "ed25519")
    port = sshd.free_port()
    chroot = _seen(os.path.join(base, "hosts", spec.name), base)
    config = os.path.join(base, "etc", spec.name + ".sshd_config")
    with open(config, "w") as handle:
        handle.write(sshd.sshd_config(
            port, _seen(host_key, base),
            _seen(os.path.join(base, "keys", "authorized_keys"), base),
            chroot, spec.old_sshd))
    log = os.path.join(base, "log", spec.name + ".sshd.log")
    with open(log, "w") as output:
        process = subprocess.Popen(
            namespace.enter_command(holder_pid, spec.name)
            + [_sshd_path(), "-D", "-E", log, "-f", config],
            stdin=subprocess.DEVNULL, stdout=output, stderr=output,
            preexec_fn=_die_with_parent)
    return Host(spec, port, os.path.join(base, "hosts", spec.name), chroot,
                process, log)


def _die_with_parent():
    """In the child before exec: SIGTERM when the test process dies, so a
    killed test run leaves no sshd listening (nsenter, unshare and sh
    exec, so sshd keeps it)."""
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    prctl(1, signal.SIGTERM, 0, 0, 0)       # PR_SET_PDEATHSIG


def _sshd_path():
    """sshd re-executes itself, so it must be started by absolute path."""
    return shutil.which("sshd", path=os.environ.get("PATH", "")
                        + ":/usr/sbin:/sbin") or "/usr/sbin/sshd"


def _until_listening(base, host, holder_pid):
    """host once its sshd says it listens on its port; started again on
    another port (BIND_ATTEMPTS in all) when another server bound that
    one first. Something answering on the port proves nothing: it may be
    another host's sshd, with the same key."""
    try:
        for _ in range(BIND_ATTEMPTS - 1):
            if _wait_until_listening(host):
                return host
            _stop(host.process)
            host = _start_sshd(base, host.spec, holder_pid)
        if _wait_until_listening(host):
            return host
        raise RuntimeError("sshd of %s found its port taken %d times"
                           % (host.spec.name, BIND_ATTEMPTS))
    except BaseException:
        _stop(host.process)             # Fleet.stop knows only the first
        raise


def _wait_until_listening(host):
    """True once the host's own sshd logs that it listens on host.port;
    False when it could not bind the port; raises when it fails else."""
    listening = "Server listening on 127.0.0.1 port %d." % host.port
    deadline = time.monotonic() + READY_SECONDS
    while True:
        with open(host.log) as log:
            text = log.read()
        if listening in text and host.process.poll() is None:
            return True
        if "Cannot bind any address" in text:
            return False
        if host.process.poll() is not None or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    with open(host.log) as log:
        raise RuntimeError("sshd of %s did not start: %s"
                           % (host.spec.name, log.read().strip()))


def _let_sessions_end(process, seconds=3):
    """Wait for the sessions sshd forked to end: stopped before them, they
    would outlive it as orphans (and zombies where init does not reap)."""
    children = "/proc/%d/task/%d/children" % (process.pid, process.pid)
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        try:
            with open(children) as listed:
                if not listed.read().split():
                    return
        except OSError:
            return
        time.sleep(0.02)


def _stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _seen(path, base):
    """path below base as the namespace shows it (below VISIBLE)."""
    return os.path.join(namespace.VISIBLE, os.path.relpath(path, base))


def _tree_bytes(path):
    return sum(os.lstat(os.path.join(d, f)).st_size
               for d, _, files in os.walk(path) for f in files)


def _ini_value(value):
    """A value as an INI inventory holds it (quoted when it has spaces)."""
    text = str(value)
    if text in ("True", "False"):
        return text.lower()
    return '"%s"' % text.replace('"', '\\"') if " " in text else text
