"""Turn reports into console text or a JSON document (schema_version 1)."""
from rescue.core.bootlinks import cannot_tell_text
from rescue.show.console import WIDTH, field, paint, wrap

SCHEMA_VERSION = 1


def to_json(document):
    import json  # only --json pays for it
    return json.dumps(dict(document, schema_version=SCHEMA_VERSION),
                      indent=2, sort_keys=True)


def report_document(report):
    return {
        "ok": report.ok,
        "ovs_build": report.ovs_build,
        "running": report.running,
        "pending": report.pending,
        "any_build": report.any_build,
        "kernels": [_kernel_document(k) for k in report.kernels
                    if not k.kdump],
        "kdump_kernels": [{"release": k.release, "image": k.image,
                           "initrd": k.initrd}
                          for k in report.kernels if k.kdump],
        "problems": list(report.problems),
        "layout": layout_document(report.next_boot, report.links_ours),
        "notes": list(report.notes),
        "ignored_files": list(report.ignored),
        "commands": list(report.commands),
    }


def layout_document(next_boot, links_ours):
    entry = next_boot.entry
    return {
        "name": next_boot.layout.name,
        "releases": next_boot.layout.releases,
        "loader": next_boot.loader,
        "config": next_boot.config_path,
        "entry": entry.title if entry else None,
        "chosen_by": next_boot.how,
        "links_ours": links_ours,
        "boots": boots_document(next_boot.boots),
        "cannot_tell": (dict(zip(next_boot.cannot_tell._fields,
                                 next_boot.cannot_tell))
                        if next_boot.cannot_tell else None),
    }


def boots_document(boots):
    """{"hypervisor", "kernel", "initrd"}: each as written and the file
    the loader opens; None when the tool cannot tell."""
    if boots is None:
        return None
    return {role: {"written": f.written, "file": f.file}
            for role, f in (("hypervisor", boots.hypervisor),
                            ("kernel", boots.kernel),
                            ("initrd", boots.initrd))}


def _kernel_document(kernel):
    return {
        "release": kernel.release, "eligible": kernel.eligible,
        "running": kernel.running, "pending": kernel.pending,
        "image": kernel.image, "initrd": kernel.initrd,
        "module_package": kernel.module_package,
        "module_file": kernel.module_file,
        "problems": list(kernel.problems), "fix": kernel.fix,
    }


def verdict(report):
    """The first line: is a reboot safe, and if not, the main reason."""
    if report.ok:
        builds = {k.module_build for k in report.kernels
                  if (k.pending or k.running) and k.module_build}
        if report.any_build and builds - {report.ovs_build}:
            return ("OK: safe to reboot with --any-build: the kernel loads "
                    "OVS module build %s, userspace is %s"
                    % (", ".join(sorted(builds)), report.ovs_build))
        if report.running is None:
            return ("OK: safe to reboot; the boot pair has OVS %s (running "
                    "kernel unknown)" % report.ovs_build)
        return "OK: safe to reboot; boot pair and running kernel have OVS %s" \
            % report.ovs_build
    if report.next_boot.cannot_tell is not None:
        return ("UNKNOWN: " + cannot_tell_text(report.next_boot.cannot_tell)
                )[:WIDTH]
    return "UNSAFE to reboot: " + unsafe_reason(report)


def unsafe_reason(report):
    """Why a reboot of an unsafe host would come up without OVS."""
    pending = report.kernel(report.pending) if report.pending else None
    running = report.kernel(report.running) if report.running else None
    if report.next_boot.cannot_tell is not None:
        return "cannot tell what boots next"
    if report.entry_problems:
        return "the boot loader's next entry is not the host's"
    if pending is None:
        return "no usable boot link in /boot"
    if not pending.eligible:
        return "the kernel that boots next " + kernel_reason(pending)
    if report.file_problems:
        return "a file the next boot loads is missing or damaged"
    if running is not None and not running.eligible:
        return "the running kernel " + kernel_reason(running)
    return "the boot pair is not one kernel's image and initrd"


def why_not_safe(kernel):
    """The first thing that stops a kernel, in a word or two."""
    if kernel.image is None:
        return "no image"
    if kernel.initrd is None:
        return "no initrd"
    if any("dracut never ran" in p for p in kernel.problems):
        return "stale initrd"
    if kernel.other_build:
        return "other OVS build"
    if kernel.module_package is None:
        return "no module"
    return "bad module"


_HEADLINES = {"no image": "has no kernel image", "no initrd": "has no initrd",
              "stale initrd": "has an initrd dracut never rebuilt"}


def kernel_reason(kernel):
    """The headline's words for why a kernel is not safe."""
    return _HEADLINES.get(why_not_safe(kernel), "has no usable OVS module")


def host_lines(report):
    lines = field("OVS", "build %s (package openvswitch)" % report.ovs_build,
                  indent=0)
    layout = report.next_boot.layout
    lines += field("layout", "%s (%s)" % (layout.releases, layout.name),
                   indent=0)
    lines += field("boot", boot_line(report.next_boot), indent=0)
    lines += field("running", report.running or "unknown", indent=0)
    lines += field("pending", report.pending or "none", indent=0)
    return lines


def short_host_lines(report):
    """The four lines under the verdict of check and status."""
    lines = field("boot", "%s: %s" % (report.next_boot.layout.name,
                                      boot_line(report.next_boot)), indent=0)
    lines += field("OVS", "build %s" % report.ovs_build, indent=0)
    lines += field("running", report.running or "unknown", indent=0)
    lines += field("pending", report.pending or "none", indent=0)
    return lines


def boot_line(next_boot):
    """Which layout, read from which file and entry."""
    if next_boot.config_path is None:
        return "cannot tell: no boot loader config it can read"
    entry = next_boot.entry
    which = ("entry %r" % entry.title) if entry else "no entry"
    return "%s, %s" % (next_boot.config_path, which)


def note_lines(report):
    if not report.notes:
        return []
    return ["", "Notes:"] + [line for note in report.notes
                             for line in wrap("- " + note, indent=2)]


def problem_lines(report):
    if not report.problems:
        return []
    lines = ["", "Problems:"]
    for problem in report.problems:
        lines += wrap("- " + problem, indent=2)
    return lines


def fix_lines(report):
    """What would make the host safe: install a package, or roll back."""
    lines = []
    for kernel in report.kernels:
        if ((kernel.pending or kernel.running) and kernel.fix
                and not report.commands):
            lines += wrap("- install %s" % kernel.fix, indent=2)
    for command in report.commands:
        lines += wrap("- run: %s" % command, indent=2)
    if (not report.ok and report.links_ours
            and any(k.eligible for k in report.kernels)):
        lines += wrap("- %spoint the boot pair at a safe kernel: "
                      "ovs-rescue rollback --dry-run, then rollback"
                      % ("or " if lines else ""), indent=2)
    return ["", "Fix:"] + lines if lines else []


def kernel_lines(kernel):
    marks = ("R" if kernel.running else " ") + ("P" if kernel.pending else " ")
    state = ("crash kernel" if kernel.kdump else "safe" if kernel.eligible
             else "NOT SAFE")
    head = "%s %s" % (marks, kernel.release)
    lines = [head + " " * max(1, 79 - len(head) - len(state)) + state]
    lines += field("image", kernel.image or "(none)", indent=5, label_width=7)
    lines += field("initrd", kernel.initrd or "(none)", indent=5, label_width=7)
    lines += field("rpm", kernel.module_package or "(none)", indent=5,
                   label_width=7)
    lines += field("module", _short_module_path(kernel) or "(none)", indent=5,
                   label_width=7)
    for problem in kernel.problems:
        lines += wrap("! " + problem, indent=5)
    return lines


def _short_module_path(kernel):
    """The module path below /lib/modules/<release>/, which the head names."""
    prefix = "/lib/modules/%s/" % kernel.release
    path = kernel.module_file
    if path and path.startswith(prefix):
        return "<modules dir>/" + path[len(prefix):]
    return path


def check_text(report, colour=False):
    lines = [paint(verdict(report), report.ok, colour)]
    lines += short_host_lines(report)
    return "\n".join(lines + problem_lines(report) + fix_lines(report)
                     + note_lines(report))
