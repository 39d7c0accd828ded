"""One kernel's eligibility, by the rules of its generation: pure."""
from rescue.core import naming
from rescue.core.records import record

REGENERATE_DIR = "/var/lib/rpm-state"


_KernelReportFields = record("KernelReport", (
    "release eligible running pending image initrd "
    "module_package module_file problems fix "
    "other_build kdump module_build"))


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
    # kdump: bool                     # a crash kernel: shown, never a target
    # module_build: Optional[str]     # the Version of the chosen package
    __slots__ = ()


def kernel_report(facts, release, running, pending, any_build):
    """One kernel's eligibility: its files, its module, its markers."""
    problems = []
    image = "/boot/" + naming.image_name(release)
    initrd = "/boot/" + naming.initrd_name(release)
    if release not in facts.boot.images:
        problems.append("no kernel image %s" % image)
        image = None
    if release not in facts.boot.initrds:
        problems.append("no initrd %s" % initrd)
        initrd = None
    if naming.is_kdump(release):
        return KernelReport(release, False, running, pending, image, initrd,
                            None, None, (), None, False, True, None)
    if facts.next_boot.layout.per_kernel_modules:
        module = _module_package_rules(facts, release, any_build)
    else:
        module = _in_tree_rules(facts, release)
    chosen, module_problems, fix, other = module
    if not module_problems:
        module_problems = _modprobe_problems(facts, release)
    if facts.markers.network_backend == "bridge":
        module_problems = []        # OVS is not in use: booting is the test
    problems += module_problems
    if release in facts.markers.regenerate:
        problems.append("initrd of %s was not rebuilt after the kernel update "
                        "(dracut never ran: %s/regenerate-initrd-%s)"
                        % (release, REGENERATE_DIR, release))
    eligible = not problems
    return KernelReport(
        release, eligible, running, pending, image, initrd,
        chosen.nvr if chosen else None,
        chosen.module.path if chosen else None,
        tuple(problems), fix,
        other and image is not None and initrd is not None, False,
        chosen.version if chosen else None)


def _module_package_rules(facts, release, any_build):
    """XenServer 5.6-6.2: one openvswitch-modules-xen package per kernel,
    of the installed OVS build. (chosen, problems, fix, other_build)."""
    problems = []
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
    return chosen, problems, fix, bool(other) and not usable


def _in_tree_rules(facts, release):
    """6.5 on: the module comes with the kernel package (or an out-of-tree
    build of any OVS version); it counts when a package that owns it is
    installed, the file is there, and it is built for this kernel."""
    packages = facts.modules.get(release, ())
    usable = [p for p in packages if _module_ok(p, release)]
    chosen = (usable or list(packages) or [None])[0]
    if chosen is None:
        owner = facts.link_owners.get(naming.image_name(release), "kernel")
        return None, ["no installed package has openvswitch.ko for %s "
                      "(%s ships it under /lib/modules/%s/)"
                      % (release, owner, release)], "%s (reinstall)" % owner, \
            False
    if usable:
        return chosen, [], None, False
    return chosen, [_module_problem(chosen, release)], \
        "%s (reinstall)" % chosen.name, False


def _modprobe_problems(facts, release):
    """modules.dep names another openvswitch.ko first (override/, updates/,
    extra/ win over kernel/): that one loads, so it must be sound."""
    if release in facts.dep_problems:
        return ["modprobe finds no openvswitch module: %s"
                % facts.dep_problems[release]]
    loaded = facts.modprobe.get(release)
    if loaded is None or (loaded.problem is None
                          and loaded.vermagic == release):
        return []
    why = loaded.problem or "built for kernel %s" % loaded.vermagic
    return ["modprobe loads %s (first in modules.dep), which hides the "
            "packaged module: %s" % (loaded.path, why)]


def _module_ok(package, release):
    return package.module.problem is None and package.module.vermagic == release


def _module_problem(package, release):
    if package.module.problem:
        return package.module.problem
    return ("module file %s is built for kernel %s"
            % (package.module.path.rsplit("/", 1)[-1], package.module.vermagic))
