#!/usr/bin/env python3
"""Time `check` as the field runs it against the seed's shell check.

Builds a host with about 1,500 installed packages (real RPMs, real rpm
database), installs ovs-rescue on it with install.sh from a release bundle
(zipapp + runtime/), then in one run times, alternating:
  - the seed's shell check: `readlink` and two `rpm -q`, in bash;
  - the installed launcher running the bundled runtime;
  - the zipapp run directly by Python 3.6 (dom0 of XenServer 8);
  - the zipapp run directly by the bundled runtime;
  - the bundled runtime starting and doing nothing (the floor);
and prints medians, ratios to the shell check, the rpm processes and the
launcher's helper processes each starts (strace), and the sizes.

The runtime is build_runtime.py's (--runtime DIR, else dist/runtime) when
one is built for this machine's arch, else a stand-in (bench/standin.py: a
copy of Python 3.6's binary), and the output says which.
Run from the repository root: python3 bench/check_vs_shell.py [--runs N];
--write docs/benchmark.md puts the figures in that page's generated block.
"""
import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
from bench.standin import standin_runtime  # noqa: E402
from tests import hosts  # noqa: E402
from tests.conftest import find_python36  # noqa: E402

FILLER = 1500
BLOCK = 10              # rounds per block of block_ratios
STAGED_PYTHON = "/boot/ovs-rescue/runtime/python3"
BLOCK_START = "<!-- figures: written by bench/check_vs_shell.py --write -->\n"
BLOCK_END = "<!-- end of figures -->\n"

# The field's check (docs/domain.md), with the running kernel and the OVS
# build passed in as the tool gets them.
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


def this_arch():
    machine = platform.machine()
    return "i686" if machine in ("i386", "i486", "i586", "i686") else machine


def bundle_with_runtime(work, pyz, runtime, python36):
    """A release bundle; (folder, which runtime it holds)."""
    bundle = os.path.join(work, "bundle")
    os.makedirs(bundle)
    shutil.copy(os.path.join(REPO, "install.sh"), bundle)
    shutil.copy(pyz, os.path.join(bundle, "ovs-rescue.pyz"))
    if runtime and os.path.isdir(os.path.join(runtime, this_arch())):
        shutil.copytree(runtime, os.path.join(bundle, "runtime"))
        return bundle, "built, from %s" % os.path.relpath(runtime, REPO)
    standin_runtime(os.path.join(bundle, "runtime"), python36)
    return bundle, "STAND-IN (none built): a copy of Python 3.6's binary"


def local_launcher(root):
    """The installed launcher, its python= and archive= lines pointed inside
    root (install.sh writes them shell-quoted: 'PATH')."""
    launcher = os.path.join(root, "usr", "local", "sbin", "ovs-rescue")
    lines = open(launcher).read().split("\n")
    wanted = {"python": root + STAGED_PYTHON,
              "archive": root + "/boot/ovs-rescue/ovs-rescue.pyz"}
    for index, line in enumerate(lines):
        name = line.split("=", 1)[0]
        if name in wanted and "=" in line:
            lines[index] = "%s='%s'" % (name, wanted.pop(name))
    assert not wanted, "launcher lacks %s= lines" % sorted(wanted)
    local = launcher + "-local"
    with open(local, "w") as out:
        out.write("\n".join(lines))
    os.chmod(local, 0o755)
    return local


def timed(argv):
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def started(argv):
    """Basenames of the programs argv runs (strace execve), in order."""
    done = subprocess.run(["strace", "-f", "-qq", "-o", "/dev/stderr", "-e",
                           "trace=execve"] + argv, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, universal_newlines=True)
    return [os.path.basename(line.split('"')[1])
            for line in done.stderr.splitlines()
            if "execve(" in line and "= 0" in line]


def block_ratios(times, shell_times, block=None):
    """The ratio of the medians in each block of BLOCK rounds: how far the
    one figure moves with the machine within a run."""
    block = block or BLOCK
    return [statistics.median(times[start:start + block]) /
            statistics.median(shell_times[start:start + block])
            for start in range(0, len(times) - block + 1, block)]


def size_line(label, paths):
    total = sum(os.path.getsize(p) for p in paths)
    return "%-30s %9d bytes" % (label, total)


def figures_block(lines):
    """The page's generated block: when and where, then the figures."""
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short",
                             "HEAD"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL,
                            universal_newlines=True).stdout.strip()
    edited = subprocess.run(["git", "-C", REPO, "diff", "--quiet", "HEAD",
                             "--", ".", ":!docs"]).returncode != 0
    where = "%s, commit %s%s, %s, %d CPUs" % (
        datetime.date.today().isoformat(), commit or "unknown",
        " with uncommitted changes" if edited else "", platform.machine(),
        os.cpu_count() or 0)
    return "\n%s:\n\n%s\n\n" % (where, "\n".join(
        "    " + line if line else "" for line in lines))


def page_around_figures(path):
    """(text before the block, text after it) of the page, or exit."""
    with open(path) as page:
        text = page.read()
    if text.count(BLOCK_START) != 1 or text.count(BLOCK_END) != 1:
        sys.exit("check_vs_shell.py: %s needs one %r ... %r block"
                 % (path, BLOCK_START.strip(), BLOCK_END.strip()))
    head, rest = text.split(BLOCK_START)
    return head + BLOCK_START, BLOCK_END + rest.split(BLOCK_END)[1]


def write_figures(path, block):
    """Replace the text between the page's two markers with block."""
    head, tail = page_around_figures(path)
    with open(path, "w") as page:
        page.write(head + block + tail)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--runtime", metavar="DIR",
                        default=os.path.join(REPO, "dist", "runtime"),
                        help="build_runtime.py's output (default: "
                             "dist/runtime)")
    parser.add_argument("--pyz", metavar="FILE",
                        help="time this zipapp (default: build one from "
                             "this tree)")
    parser.add_argument("--write", metavar="PAGE",
                        help="also put the figures between PAGE's markers "
                             "(docs/benchmark.md)")
    parser.add_argument("--keep", action="store_true",
                        help="leave the built host and bundle behind (for "
                             "profiling), and say where")
    args = parser.parse_args()
    if args.write:
        page_around_figures(args.write)     # fail now, not after the runs
    work = tempfile.mkdtemp(prefix="ovs-rescue-bench-")
    try:
        measure(args, work)
    finally:
        if args.keep:
            print("kept: %s" % work, file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def measure(args, work):
    """Build the host under work, time the commands, print (and write)."""
    python36 = find_python36()
    kernels = [hosts.Kernel(hosts.K_OLD), hosts.Kernel(hosts.K835),
               hosts.Kernel(hosts.K847)]
    pyz, root = hosts.bench_setup(work, kernels, hosts.K847)
    hosts.install_rpms(root, filler_rpms(work, FILLER))
    installed = subprocess.run(
        ["rpm", "--root", root, "--dbpath", hosts.DBPATH, "-qa"],
        stdout=subprocess.PIPE, universal_newlines=True).stdout.split()
    pyz = args.pyz or pyz
    bundle, which = bundle_with_runtime(work, pyz, args.runtime, python36)
    subprocess.run(["sh", os.path.join(bundle, "install.sh"), "--root", root],
                   check=True, stdout=subprocess.DEVNULL)
    launcher = local_launcher(root)
    runtime_python = root + STAGED_PYTHON
    staged_pyz = os.path.join(root, "boot", "ovs-rescue", "ovs-rescue.pyz")
    tail = ["check", "--root", root, "--running-kernel", hosts.K835]
    commands = [
        ("shell check (bash)",
         ["bash", "-c", SHELL_CHECK, "sh", root, hosts.OVS_BUILD, hosts.K835]),
        ("launcher + runtime", [launcher] + tail),
        ("zipapp, python3.6", [python36, staged_pyz] + tail),
        ("zipapp, runtime", [runtime_python, staged_pyz] + tail),
        ("floor: runtime -c pass", [runtime_python, "-I", "-S", "-c", "pass"]),
    ]
    for _, argv in commands:
        timed(argv)                          # warm the page cache
        code = subprocess.run(argv, stdout=subprocess.DEVNULL).returncode
        assert code == 0, (argv, code)    # safe host: every check says 0
    times = {label: [] for label, _ in commands}
    load_before = os.getloadavg()
    for _ in range(args.runs):
        for label, argv in commands:
            times[label].append(timed(argv))
    median = {label: statistics.median(t) * 1000 for label, t in times.items()}
    shell = median["shell check (bash)"]
    lines = []
    say = lines.append
    say("installed packages: %d; %d alternating runs each; medians"
        % (len(installed), args.runs))
    say("load average (1, 5, 15 min) before the runs: %s, after: %s"
        % tuple(" ".join("%.2f" % n for n in load)
                for load in (load_before, os.getloadavg())))
    say("runtime: %s" % which)
    say("zipapp: %s" % (args.pyz or "built from this tree"))
    say("%-22s %9s %7s %5s" % ("", "ms", "x shell", "rpm"))
    for label, argv in commands:
        rpms = started(argv).count("rpm")
        say("%-22s %9.1f %7.2f %5d" % (label, median[label],
                                       median[label] / shell, rpms))
    helpers = [p for p in started([launcher] + tail)[1:]
               if p not in ("python3", "rpm", os.path.basename(python36))]
    say("launcher's helper processes before Python: %d (%s)"
        % (len(helpers), " ".join(helpers) or "none"))
    say("launcher target: <= 1.5x the shell check")
    say("launcher x shell, by blocks of %d rounds: %s" % (
        BLOCK, " ".join("%.2f" % ratio for ratio in block_ratios(
            times["launcher + runtime"], times["shell check (bash)"]))))
    runtime_dir = os.path.realpath(os.path.dirname(runtime_python))
    files = sorted(os.listdir(runtime_dir))
    say(size_line("zipapp", [staged_pyz]))
    for name in files:
        say(size_line("runtime " + name, [os.path.join(runtime_dir, name)]))
    say(size_line("runtime, all files",
                  [os.path.join(runtime_dir, n) for n in files]))
    print("\n".join(lines))
    if args.write:
        write_figures(args.write, figures_block(lines))


if __name__ == "__main__":
    main()
