"""The exact commands that fix what check found, for the operator: pure.

Where the boot links belong to the kernel package (7.1 on), rollback moves
nothing and prints these instead; status and check print them as fixes.
"""
import posixpath

from rescue.core import naming
from rescue.core.eligibility import REGENERATE_DIR


def fix_commands(facts, report):
    """Shell commands, in the order to run them, or () when none is known."""
    commands = []
    for kernel in report.kernels:
        if not (kernel.pending or kernel.running) or kernel.eligible:
            continue
        release = kernel.release
        if release in facts.markers.regenerate:
            commands.append("dracut -f /boot/%s %s"
                            % (naming.initrd_name(release), release))
            commands.append("rm %s/regenerate-initrd-%s" % (REGENERATE_DIR,
                                                            release))
        if not facts.next_boot.layout.per_kernel_modules and kernel.fix:
            commands.append("yum reinstall %s" % kernel.fix.split()[0])
        if any(p.startswith("modprobe finds no") for p in kernel.problems):
            commands.append("depmod %s" % release)
        loaded = facts.modprobe.get(release)
        if loaded is not None and loaded.path and any(
                "hides the packaged module" in p for p in kernel.problems):
            commands.append("mv %s /root/ && depmod -a %s"
                            % (loaded.path, release))
    commands += _entry_commands(facts.next_boot, report)
    unique = []
    for command in commands:
        if command not in unique:
            unique.append(command)
    return tuple(unique)


def _entry_commands(next_boot, report):
    """Put the boot loader back on the host's own entry."""
    if next_boot.loader != "grub" or next_boot.config_path is None:
        return []
    pending = report.kernel(report.pending) if report.pending else None
    entry_bad = bool(report.entry_problems)
    if next_boot.override_entry and (entry_bad or pending is None
                                     or not pending.eligible):
        return ["grub-editenv %s unset override_entry"
                % posixpath.join(posixpath.dirname(next_boot.config_path),
                                 "grubenv")]
    if entry_bad:
        return ["sed -i 's/^set default=.*/set default=0/' %s"
                % next_boot.config_path]
    return []
