"""Decide whether an Open vSwitch upgrade leaves both kernels with OVS: pure.

From the host as `check` reads it (facts and report), the candidates'
headers and the installed packages of their names, work out what `rpm -U`
of the candidates leaves installed (same-name packages replaced) and ask,
for the running kernel and the one that boots next: is there a module
package of the new OVS build, owning its module file, its Requires on the
kernel met, of the kernel's arch?
"""
from rescue.core import naming
from rescue.core.records import record
from rescue.core.naming import datapath_module_in
from rescue.core.rpmheaders import arch_fits, newer, satisfied

# The warnings an operator must accept, each by its own name.
WARNINGS = ("tc", "bridge", "ha", "in-kernel", "downgrade")
# The capabilities a module package requires of its kernel.
KERNEL_CAPABILITIES = ("kernel-xen", "kernel-uname-r")
KERNEL_PACKAGES = ("kernel", "kernel-alt")
# Kernels rpm -U would replace, erasing the others: install-only.
INSTALL_ONLY = ("kernel-xen", "kernel-kdump")

# release; running, pending: bool; ok: bool
# package: the module package it will have, N-V-R.A or N-V-R, or None
# package_name: that package's name, or None
# source: "candidate", "installed", "kernel" (in the kernel package) or None
# missing: the exact package still missing (name-build), or None
# problems: Tuple[str, ...]
KernelCheck = record("KernelCheck", "release running pending ok package "
                                    "package_name source missing problems")
# name: one of WARNINGS; text: what the operator accepts; accepted: bool
Caveat = record("Caveat", "name text accepted")


class Preflight(record("Preflight", (
        "ok new_build installed_build running pending next_boot candidates "
        "kernels missing falls_out warnings problems notes rpm_test"))):
    # ok: bool                        # go: the tool and rpm --test agree
    # new_build, installed_build: str # userspace Version after / now
    # running, pending: Optional[str] # as check reads them
    # next_boot: bootlinks.NextBoot  # the entry check reads, its layout
    # candidates: Tuple[rpmheaders.Header, ...]
    # kernels: Tuple[KernelCheck, ...] # running and pending, in that order
    # missing: Tuple[str, ...]         # packages to add to the transaction
    # falls_out: Tuple[KernelCheck, ...] # eligible now, not after it
    # warnings: Tuple[Caveat, ...]
    # problems: Tuple[str, ...]        # with the candidates themselves,
    #   but those of a kernel's own module package, which it lists
    # notes: Tuple[str, ...]
    # rpm_test: candidates.RpmTest     # rpm's own answer
    __slots__ = ()

    @property
    def layout(self):
        return self.next_boot.layout

    @property
    def unaccepted(self):
        return tuple(w for w in self.warnings if not w.accepted)


def decide(facts, report, candidates, installed, reload, accepted, rpm_test):
    """The Preflight of rpm -U of candidates on the host facts describe."""
    names = {c.name for c in candidates}
    after = tuple(h for h in installed if h.name not in names) + tuple(
        candidates)
    userspace = [c for c in candidates if c.name == naming.OVS_PACKAGE]
    new_build = userspace[0].version if userspace else facts.ovs_build
    transaction, downgrades = transaction_problems(facts, candidates,
                                                   installed)
    fitness = fitness_problems(candidates, installed, after)
    judge = _Judge(facts, report, candidates, new_build, fitness)
    kernels = tuple(judge.kernel(release) for release in
                    _targets(report.running, report.pending))
    falls_out = tuple(
        check for check in (judge.kernel(k.release) for k in report.kernels
                            if k.eligible and not (k.running or k.pending))
        if not check.ok)
    missing = tuple(sorted({k.missing for k in kernels if k.missing}))
    warnings = tuple(
        Caveat(name, text, name in accepted) for name, text in
        reload_warnings(facts, reload, kernels, downgrades))
    shown = {k.package_name for k in kernels}
    general = boot_problems(report) + transaction + tuple(
        p for name in sorted(fitness) if name not in shown
        for p in fitness[name])
    ok = (not general and all(k.ok for k in kernels)
          and all(w.accepted for w in warnings) and rpm_test.exit == 0)
    return Preflight(ok, new_build, facts.ovs_build, report.running,
                     report.pending, facts.next_boot,
                     tuple(candidates), kernels, missing, falls_out, warnings,
                     general, _notes(report, userspace), rpm_test)


def _targets(running, pending):
    """The running kernel, then the next, once each; unknown ones left out."""
    return [r for r in ((running,) if running == pending else
                        (running, pending)) if r]


def boot_problems(report):
    """What stops the tool from knowing what boots next."""
    problems = list(report.entry_problems)
    if report.pending is None:
        problems.append("no usable boot link: cannot tell which kernel "
                        "boots next (ovs-rescue check says why)")
    return tuple(problems)


def _notes(report, userspace):
    notes = []
    if report.running is None:
        notes.append("running kernel unknown (another --root): answered for "
                     "the kernel that boots next only; pass --running-kernel")
    if not userspace:
        notes.append("no openvswitch among the candidates: the installed "
                     "build %s stays" % report.ovs_build)
    return tuple(notes)


def transaction_problems(facts, candidates, installed):
    """(problems, downgrades) of the candidates as one rpm -U: duplicate
    names, packages already installed, kernels (install-only)."""
    problems, downgrades, seen = [], [], set()
    for c in candidates:
        if c.name in seen:
            problems.append("two candidates are named %s: give one" % c.name)
        seen.add(c.name)
        olds = [h for h in installed if h.name == c.name]
        if any(newer(c, old) == 0 for old in olds):
            problems.append("%s is already installed: leave it out (rpm -U "
                            "refuses to install it again)" % c.nvr)
        if any(newer(c, old) < 0 for old in olds):
            downgrades.append(c.nvr)
        if c.name in INSTALL_ONLY or (c.name == "kernel"
                                      and facts.next_boot.layout.links_ours):
            problems.append("%s is a kernel: rpm -U would erase every other "
                            "installed %s; install it on its own with rpm -i "
                            "first" % (c.nvr, c.name))
    return tuple(problems), tuple(downgrades)


def fitness_problems(candidates, installed, after):
    """{candidate name: problems} of each package on this host: its arch,
    its Requires on a kernel, met by what rpm -U leaves installed."""
    host_arch = next((h.arch for h in installed
                      if h.name == naming.OVS_PACKAGE), None)
    problems = {}
    for c in candidates:
        said = []
        machine = _machine_arch(c, installed, host_arch)
        if not arch_fits(c.arch, machine):
            said.append("%s is for %s, the host's are %s" % (
                c.nvra, c.arch, machine))
        for require in c.requires:
            if require.name in KERNEL_CAPABILITIES and not satisfied(
                    require, after):
                said.append("%s requires %s %s %s, which nothing installed "
                            "provides (that kernel is not installed): leave "
                            "it out, or install the kernel first" % (
                                c.nvr, require.name, require.flags,
                                require.version))
        if said:
            problems[c.name] = tuple(said)
    return problems


def _machine_arch(candidate, installed, host_arch):
    """The arch of the kernel a module package is for, else userspace's."""
    kernels = [h for h in installed if h.name in ("kernel-xen",)
               + KERNEL_PACKAGES]
    for require in candidate.requires:
        if require.name in KERNEL_CAPABILITIES:
            for kernel in satisfied(require, kernels):
                return kernel.arch
    return host_arch


class _Judge:
    """One kernel's module after the transaction, by its generation."""

    def __init__(self, facts, report, candidates, new_build, problems):
        self.facts, self.report = facts, report
        self.candidates, self.new_build = candidates, new_build
        self.problems = problems

    def kernel(self, release):
        """The KernelCheck of a release; the sub-judges below give
        (chosen package, source, missing, problems)."""
        kernel = self.report.kernel(release)
        if self.facts.next_boot.layout.per_kernel_modules:
            chosen, source, missing, problems = self._named(release)
        else:
            chosen, source, missing, problems = self._owned(release)
        problems = list(problems)
        for present, what in ((kernel is None or kernel.image, "kernel image "
                               "/boot/" + naming.image_name(release)),
                              (kernel is None or kernel.initrd, "initrd "
                               "/boot/" + naming.initrd_name(release))):
            if not present and "no " + what not in problems:
                problems.append("no " + what)
        return KernelCheck(
            release, release == self.report.running,
            release == self.report.pending, not problems,
            getattr(chosen, "nvra", None) or getattr(chosen, "nvr", None),
            getattr(chosen, "name", None), source, missing, tuple(problems))

    def _named(self, release):
        """5.6-6.2: openvswitch-modules-xen-<kernel> of the new build."""
        name = naming.module_package_name(release)
        if name is None:
            return None, None, None, ("not a xen kernel: no OVS module "
                                      "package exists for it",)
        wanted = "%s-%s" % (name, self.new_build)
        chosen = [c for c in self.candidates if c.name == name]
        if chosen:
            return self._candidate(chosen[0], release, wanted)
        installed = [p for p in self.facts.modules.get(release, ())
                     if p.name == name]
        return self._installed(installed, release, wanted, name)

    def _owned(self, release):
        """6.5 on: a package owning the module under /lib/modules/<rel>/:
        an out-of-tree build of the new OVS, or the kernel's own."""
        wanted = ("an openvswitch-modules package of build %s for %s"
                  % (self.new_build, release))
        chosen = [c for c in self.candidates
                  if c.name not in KERNEL_PACKAGES
                  and datapath_module_in(c.files, release)]
        if chosen:
            return self._candidate(chosen[0], release, wanted)
        packages = self.facts.modules.get(release, ())
        out_of_tree = [p for p in packages if p.name not in KERNEL_PACKAGES]
        if out_of_tree or not packages:
            return self._installed(out_of_tree, release, wanted,
                                   "openvswitch-modules")
        kernel = self.report.kernel(release)
        return (packages[0], "kernel", None,
                kernel.problems if kernel is not None else ())

    def _candidate(self, candidate, release, wanted):
        problems = list(self.problems.get(candidate.name, ()))
        missing = None
        if candidate.version != self.new_build:
            problems.append("%s is OVS build %s, not %s" % (
                candidate.nvr, candidate.version, self.new_build))
            missing = wanted
        if datapath_module_in(candidate.files, release) is None:
            problems.append("%s has no openvswitch.ko under /lib/modules/%s/"
                            % (candidate.nvr, release))
        return candidate, "candidate", missing, problems

    def _installed(self, packages, release, wanted, name):
        same = [p for p in packages if p.version == self.new_build]
        if not same:
            builds = sorted({p.version for p in packages})
            return None, None, wanted, ("no %s of OVS build %s among the "
                                        "candidates%s" % (
                                            name, self.new_build,
                                            " (installed: build %s)"
                                            % ", ".join(builds)
                                            if builds else ""),)
        package = same[0]
        module = package.module
        if module.problem:
            return package, "installed", None, (module.problem,)
        if module.vermagic != release:
            return package, "installed", None, (
                "module file %s is built for kernel %s" % (
                    module.path.rsplit("/", 1)[-1], module.vermagic),)
        return package, "installed", None, ()


def reload_warnings(facts, reload, kernels, downgrades):
    """(name, text) of each warning the operator must accept."""
    found = []
    if reload.qdiscs is None:
        found.append(("tc", "tc qdiscs on OVS ports cannot be told: %s; "
                            "ovs-vswitchd deletes those OVSDB does not "
                            "describe when it restarts" % reload.qdisc_note))
    elif reload.qdiscs:
        found.append(("tc", "qdiscs that are not a default: %s; "
                            "ovs-vswitchd deletes those OVSDB does not "
                            "describe (see ovs-vsctl list qos) when it "
                            "restarts" % ", ".join(reload.qdiscs)))
    if facts.markers.network_backend == "bridge":
        found.append(("bridge", "network.conf says bridge: the init script "
                                "does nothing, so no reload loads the new "
                                "module; the host does not use OVS"))
    if reload.ha:
        found.append(("ha", "HA is on (%s): the init script restarts xhad "
                            "during the reload (without that restart HA "
                            "would reboot the host within about a minute)"
                      % ", ".join(reload.ha)))
    if any(k.source == "kernel" for k in kernels):
        found.append(("in-kernel", "the datapath is in the kernel package "
                                   "here: no module package to install, and "
                                   "the reload does not change it; only a "
                                   "new kernel does"))
    if downgrades:
        found.append(("downgrade", "older than what is installed: %s (rpm "
                                   "-U needs --oldpackage)"
                      % ", ".join(downgrades)))
    return found
