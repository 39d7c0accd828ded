#!/usr/bin/env python3
"""Time `check` from the zipapp under Python 3.6 against the old shell check.

Builds a host with about 1,500 installed packages (real RPMs, real rpm
database), then in one run times both, alternating, and prints the ratio of
medians, the number of rpm processes `check` starts, and the zipapp's size.
Run from the repository root: python3 bench/check_vs_shell.py [--runs N]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests import hosts  # noqa: E402
from tests.conftest import find_python36  # noqa: E402

FILLER = 1500

SHELL_CHECK = r"""
root=$1; ovs=$2
running=$(echo "$3" | sed 's/xen$//')
pending=$(readlink "$root/boot/vmlinuz-2.6-xen" | sed 's/^vmlinuz-//; s/xen$//')
rc=0
for k in "$running" "$pending"; do
  rpm --root "$root" --dbpath /var/lib/rpm -q \
    "openvswitch-modules-xen-$k-$ovs" >/dev/null || rc=1
done
exit $rc
"""


def filler_rpms(workdir, count):
    """`count` empty packages from one spec (subpackages), built once."""
    spec = os.path.join(workdir, "filler.spec")
    with open(spec, "w") as out:
        out.write("Name: filler\nVersion: 1.0\nRelease: 1\nSummary: f\n"
                  "License: GPL\nBuildArch: noarch\n%description\nf\n")
        for i in range(count):
            out.write("%%package -n filler-%04d\nSummary: f\n"
                      "%%description -n filler-%04d\nf\n"
                      "%%files -n filler-%04d\n" % (i, i, i))
    top = os.path.join(workdir, "top")
    subprocess.run(["rpmbuild", "-bb", "--quiet", "--define", "_topdir " + top,
                    spec], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return [os.path.join(d, f) for d, _, fs in os.walk(top) for f in fs
            if f.endswith(".rpm")]


def timed(argv, env=None):
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env)
    return time.perf_counter() - start


def count_rpm_processes(argv, env):
    done = subprocess.run(["strace", "-f", "-qq", "-e", "trace=execve"] + argv,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          universal_newlines=True, env=env)
    return sum(1 for line in done.stderr.splitlines()
               if "execve(" in line and "/rpm\"" in line and "= 0" in line)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    python36 = find_python36()
    work = tempfile.mkdtemp(prefix="ovs-rescue-bench-")
    kernels = [hosts.Kernel(hosts.K_OLD), hosts.Kernel(hosts.K835),
               hosts.Kernel(hosts.K847)]
    pyz, root = hosts.bench_setup(work, kernels, hosts.K847)
    hosts.install_rpms(root, filler_rpms(work, FILLER))
    installed = subprocess.run(
        ["rpm", "--root", root, "--dbpath", hosts.DBPATH, "-qa"],
        stdout=subprocess.PIPE, universal_newlines=True).stdout.split()
    env = dict(os.environ)
    tool = [python36, pyz, "check", "--root", root,
            "--running-kernel", hosts.K835]
    shell = ["sh", "-c", SHELL_CHECK, "sh", root, hosts.OVS_BUILD, hosts.K835]
    timed(tool, env)                     # warm the page cache
    assert subprocess.run(tool, env=env, stdout=subprocess.DEVNULL).returncode == 0
    assert subprocess.run(shell, stdout=subprocess.DEVNULL).returncode == 0
    tool_times, shell_times = [], []
    for _ in range(args.runs):
        tool_times.append(timed(tool, env))
        shell_times.append(timed(shell))
    t, s = statistics.median(tool_times), statistics.median(shell_times)
    print("installed packages:      %d" % len(installed))
    print("check (zipapp, py3.6):   %.1f ms median of %d" % (t * 1000, args.runs))
    print("shell baseline:          %.1f ms median of %d" % (s * 1000, args.runs))
    print("ratio tool/shell:        %.2f (target <= 2.0)" % (t / s))
    print("rpm processes by check:  %d (target 1)" % count_rpm_processes(tool, env))
    print("zipapp size:             %d bytes" % os.path.getsize(pyz))


if __name__ == "__main__":
    main()
