"""Decide, from the facts alone, which kernels can boot with OVS."""
from rescue.records import record

from rescue import bootfacts, naming
from rescue.changes import journal_problems
from rescue.rpmvercmp import release_key


_KernelReportFields = record("KernelReport", (
    "release eligible running pending image initrd "
    "module_package module_file problems fix "
    "other_build"))


class KernelReport(_KernelReportFields):
    # release: str
    # eligible: bool
    # running: bool
    # pending: bool
    # image: Optional[str]            # /boot/vmlinuz-<release>, if a regular file
    # initrd: Optional[str]
    # module_package: Optional[str]   # the package that makes it eligible, N-V-R
    # module_file: Optional[str]
    # problems: Tuple[str, ...]
    # fix: Optional[str]              # what to install to make it eligible
    # other_build: bool               # eligible with another OVS build's module
    __slots__ = ()


_ReportFields = record("Report", (
    "ok ovs_build running pending kernels problems "
    "any_build"))


class Report(_ReportFields):
    # ok: bool
    # ovs_build: str
    # running: Optional[str]
    # pending: Optional[str]
    # kernels: Tuple[KernelReport, ...]   # newest first
    # problems: Tuple[str, ...]
    # any_build: bool
    __slots__ = ()

    def kernel(self, release):
        for kernel in self.kernels:
            if kernel.release == release:
                return kernel
        return None

    @property
    def eligible(self):
        return tuple(k for k in self.kernels if k.eligible)


def inspect_host(facts, any_build=False):
    """The report on a host: each kernel's eligibility and the verdict."""
    image_rel, initrd_rel = bootfacts.pending_pair(facts.boot.links)
    pending = image_rel
    releases = set(facts.boot.images) | set(facts.modules)
    releases.update(r for r in (image_rel, facts.running) if r)
    kernels = tuple(
        _kernel_report(facts, release, release == facts.running,
                       release == pending, any_build)
        for release in sorted(releases, key=release_key, reverse=True))
    report = Report(False, facts.ovs_build, facts.running, pending, kernels,
                    (), any_build)
    problems = host_problems(facts, report, initrd_rel)
    ok = (pending is not None and initrd_rel == pending
          and report.kernel(pending).eligible
          and (facts.running is None or report.kernel(facts.running).eligible))
    return report._replace(ok=ok, problems=problems)


def host_problems(facts, report, initrd_rel):
    problems = list(bootfacts.link_problems(facts.boot.links))
    pending = report.pending
    if pending and initrd_rel and initrd_rel != pending:
        problems.append("boot pair is mixed: kernel %s with initrd of %s"
                        % (pending, initrd_rel))
    if facts.running is None:
        problems.append("running kernel unknown (another --root; pass "
                        "--running-kernel)")
    for kernel in report.kernels:
        if (kernel.running or kernel.pending) and not kernel.eligible:
            role = "running" if kernel.running else "pending"
            if kernel.running and kernel.pending:
                role = "running and pending"
            problems.append("%s kernel %s cannot boot with OVS: %s"
                            % (role, kernel.release, "; ".join(kernel.problems)))
    problems.extend(journal_problems(facts.journal or (), facts.boot.links))
    if report.any_build:
        problems.append("--any-build: module RPMs of any OVS build count; "
                        "userspace %s and the datapath may differ"
                        % facts.ovs_build)
    return tuple(problems)


def _kernel_report(facts, release, running, pending, any_build):
    problems = []
    image = "/boot/" + naming.image_name(release)
    initrd = "/boot/" + naming.initrd_name(release)
    if release not in facts.boot.images:
        problems.append("no kernel image %s" % image)
        image = None
    if release not in facts.boot.initrds:
        problems.append("no initrd %s" % initrd)
        initrd = None
    package_name = naming.module_package_name(release)
    packages = facts.modules.get(release, ())
    same_build = [p for p in packages if p.version == facts.ovs_build]
    usable = [p for p in same_build if _module_ok(p, release)]
    other = [p for p in packages if p.version != facts.ovs_build
             and _module_ok(p, release)]
    chosen = (usable or (other if any_build else []) or same_build or [None])[0]
    fix = None
    if package_name is None:
        problems.append("not a xen kernel: no OVS module package exists")
    elif not same_build and not (any_build and other):
        builds = sorted({p.version for p in packages})
        if builds:
            problems.append("module RPM is for OVS build %s, not %s"
                            % (", ".join(builds), facts.ovs_build))
        else:
            problems.append("no module RPM %s" % package_name)
        fix = "%s version %s" % (package_name, facts.ovs_build)
    if chosen is not None and not _module_ok(chosen, release):
        problems.append(_module_problem(chosen, release))
        fix = "%s version %s (reinstall)" % (package_name, facts.ovs_build)
    eligible = not problems
    return KernelReport(
        release, eligible, running, pending, image, initrd,
        chosen.nvr if chosen else None,
        chosen.module.path if chosen else None,
        tuple(problems), fix,
        bool(other) and not usable and image is not None and initrd is not None)


def _module_ok(package, release):
    return package.module.problem is None and package.module.vermagic == release


def _module_problem(package, release):
    if package.module.problem:
        return package.module.problem
    return ("module file %s is built for kernel %s"
            % (package.module.path.rsplit("/", 1)[-1], package.module.vermagic))
