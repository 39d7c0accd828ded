#!/usr/bin/env python3
"""How much the fleet play costs a host: N fake dom0s over real SSH (the
tests' harness, tests/fleet), a first run that stages and a second that
finds everything current; wall time and bytes sent per host, and the
second run as a ratio of the first.

Usage (as root, from the repo, with dist/ built): .venv-test/bin/python
bench/fleet.py [--hosts N] [--link-mbit M] [--ansible-playbook PATH]

Bytes are counted by a forwarding proxy in front of each sshd: what the
controller sends that host, SSH framing and all. Over loopback a transfer
costs almost nothing, so the first run is as cheap as it can ever be;
--link-mbit M makes each proxy pass at most M Mbit/s towards its host, as
a link to a dom0 would. Target: a second run sends under 64 KiB a host
and takes at most 0.3x the first.
"""
import argparse
import os
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

from tests.fleet import HostSpec, missing, recap, run_playbook  # noqa: E402
from tests.fleet import sshd, start_fleet  # noqa: E402
from tests.fleet.play import REPO, pinned_ansible_playbook  # noqa: E402

GENERATIONS = ("xs62", "xs65", "xs70", "xs8")
TARGET_BYTES, TARGET_RATIO = 64 * 1024, 0.3


class CountingProxy:
    """127.0.0.1:port forwarding to a host's sshd, counting the bytes the
    client sends (sent) and receives (received), and when the first and
    the last of them passed (the host's share of a run's wall time)."""

    def __init__(self, target_port, link_mbit=0):
        self.target_port = target_port
        self.seconds_a_byte = 8.0 / (link_mbit * 1e6) if link_mbit else 0
        self.free_at = 0.0          # when the emulated link is idle again
        self.sent = self.received = 0
        self.first = self.last = None
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def busy(self):
        """Seconds from the first byte to the last so far."""
        with self.lock:
            return (self.last or 0) - (self.first or 0)

    def reset(self):
        """Bytes sent so far; zero the counts."""
        with self.lock:
            sent = self.sent
            self.sent = self.received = 0
            self.first = self.last = None
        return sent

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            for source, sink, field in ((client, server, "sent"),
                                        (server, client, "received")):
                threading.Thread(target=self._pump, daemon=True,
                                 args=(source, sink, field)).start()

    def _pump(self, source, sink, field):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                with self.lock:
                    setattr(self, field, getattr(self, field) + len(data))
                    self.last = time.monotonic()
                    self.first = self.first or self.last
                    wait = self._occupy(len(data)) if field == "sent" else 0
                if wait > 0:
                    time.sleep(wait)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _occupy(self, size):
        """Book the link for size bytes: seconds to wait until they are
        through."""
        now = time.monotonic()
        self.free_at = max(self.free_at, now) + size * self.seconds_a_byte
        return self.free_at - now

    def close(self):
        self.listener.close()


def measure(fleet, proxies, inventory, base, executable):
    """One run of the play: (seconds, {host: (bytes sent, seconds the host
    was busy)}, recap)."""
    started = time.monotonic()
    code, output = run_playbook(inventory, "--forks", str(len(proxies)),
                                base=base, executable=executable)
    seconds = time.monotonic() - started
    if code not in (0, 2):
        raise SystemExit("the play failed (%d):\n%s" % (code, output[-3000:]))
    # The host was busy until the play's last word to it; closing the
    # ControlPersist masters then sends their goodbyes, counted as bytes
    # of this run but not as time.
    busy = {name: p.busy() for name, p in proxies.items()}
    sshd.close_control_sockets(fleet.control_dir)
    time.sleep(0.2)
    return seconds, {name: (p.reset(), busy[name])
                     for name, p in proxies.items()}, recap(output)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--link-mbit", type=float, default=0,
                        help="emulate a link of this speed to each host "
                             "(default: loopback, unlimited)")
    parser.add_argument("--ansible-playbook", default=None,
                        help="default: the test venv's (pinned)")
    args = parser.parse_args()
    reason = missing()
    if reason:
        raise SystemExit("bench/fleet.py: " + reason)
    bundle = os.path.join(REPO, "dist", "ovs-rescue-bundle.sh")
    if not os.path.isfile(bundle):
        raise SystemExit("bench/fleet.py: no %s: run python3 build_bundle.py"
                         % bundle)
    executable = args.ansible_playbook or pinned_ansible_playbook()
    base = tempfile.mkdtemp(prefix="ovs-bench-fleet-")
    specs = [HostSpec("host%02d-%s" % (n, GENERATIONS[n % 4]),
                      GENERATIONS[n % 4]) for n in range(args.hosts)]
    fleet = start_fleet(os.path.join(base, "fleet"), specs)
    proxies = {}
    try:
        proxies = {name: CountingProxy(host.port, args.link_mbit)
                   for name, host in fleet.hosts.items()}
        inventory = fleet.inventory(
            os.path.join(base, "hosts.ini"),
            extra_vars={"ovs_rescue_bundle": bundle,
                        "ovs_rescue_summary": os.path.join(base, "sum.json")},
            ports={name: p.port for name, p in proxies.items()})
        first = measure(fleet, proxies, inventory, base, executable)
        second = measure(fleet, proxies, inventory, base, executable)
    finally:
        for proxy in proxies.values():
            proxy.close()
        fleet.stop()
    report(first, second, len(specs), os.path.getsize(bundle), executable,
           args.link_mbit)


def report(first, second, count, bundle_bytes, executable, link_mbit):
    print("fleet bench: %d hosts over real SSH, %s, bundle %d KiB, link %s"
          % (count, os.path.relpath(executable), bundle_bytes // 1024,
             "%g Mbit/s a host" % link_mbit if link_mbit else "loopback"))
    print("%-14s %12s %12s %9s %9s" % ("host", "1st KiB", "2nd KiB",
                                       "1st s", "2nd s"))
    for name in sorted(first[1]):
        (sent1, busy1), (sent2, busy2) = first[1][name], second[1][name]
        print("%-14s %12.1f %12.1f %9.2f %9.2f" % (
            name, sent1 / 1024, sent2 / 1024, busy1, busy2))

    def total(run, field):
        return sum(values[field] for values in run[1].values())
    worst = max(values[0] for values in second[1].values())
    busy_ratio = total(second, 1) / total(first, 1)
    run_ratio = second[0] / first[0]
    print("sent a host: first %.1f KiB, second %.1f KiB (worst %.1f): %.4fx"
          % (total(first, 0) / count / 1024, total(second, 0) / count / 1024,
             worst / 1024, total(second, 0) / total(first, 0)))
    print("busy a host (first byte to last): first %.2f s, second %.2f s: "
          "%.2fx" % (total(first, 1) / count, total(second, 1) / count,
                     busy_ratio))
    print("whole run (ansible-playbook, %d forks): first %.2f s, second "
          "%.2f s: %.2fx" % (count, first[0], second[0], run_ratio))
    print("changed: first %d, second %d" % tuple(
        sum(line.changed for line in run[2].values())
        for run in (first, second)))
    print("target: second < 64 KiB a host: %s; second <= 0.3x first: %s a "
          "host, %s the whole run" % (
              "met" if worst < TARGET_BYTES else "MISSED",
              "met" if busy_ratio <= TARGET_RATIO else "MISSED",
              "met" if run_ratio <= TARGET_RATIO else "MISSED"))


if __name__ == "__main__":
    main()
