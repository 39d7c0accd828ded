#!/usr/bin/env python3
"""Measure the window between the two link renames of a rollback.

A power cut inside that window leaves a mixed pair (which check reports and
a rerun repairs). Runs a real rollback and undo, alternating, N times under
`strace -ttt -e trace=rename` and prints the median and worst gap between
the two link renames. strace's own overhead is included, so these are upper
bounds. Run from the repository root: python3 bench/rename_window.py
"""
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests import hosts  # noqa: E402
from tests.conftest import find_python36  # noqa: E402


def main(runs=40):
    work = tempfile.mkdtemp(prefix="ovs-rescue-window-")
    pyz, root = hosts.bench_setup(
        work, [hosts.Kernel(hosts.K835),
               hosts.Kernel(hosts.K847, module_build=None)], hosts.K847)
    gaps = []
    for i in range(runs):
        command = "rollback" if i % 2 == 0 else "undo"
        done = subprocess.run(
            ["strace", "-qq", "-ttt", "-e", "trace=rename", "-o", "/dev/stderr",
             find_python36(), pyz, command, "--root", root,
             "--running-kernel", hosts.K835],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            universal_newlines=True)
        links = [float(line.split()[0]) for line in done.stderr.splitlines()
                 if "-2.6-xen" in line and "rename(" in line]
        if len(links) == 2:
            gaps.append(links[1] - links[0])
    print("runs: %d, link renames seen in %d" % (runs, len(gaps)))
    print("gap between the two link renames: median %.1f us, worst %.1f us"
          % (statistics.median(gaps) * 1e6, max(gaps) * 1e6))


if __name__ == "__main__":
    main()
