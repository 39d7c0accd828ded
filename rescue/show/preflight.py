"""Turn a preflight into console text or its JSON document: pure."""
from rescue.show.report import boot_line
from rescue.core.report import entry_problems
from rescue.show.console import WIDTH, field, paint, wrap


def verdict(preflight):
    """The first line: go, or the main reason it is not."""
    p = preflight
    if p.ok:
        which = ("the running and the next kernel have"
                 if p.running and p.running != p.pending else
                 "the next kernel has" if not p.running else
                 "the running kernel (it boots next) has")
        return "GO: after rpm -U %s OVS %s" % (which, p.new_build)
    bad = [k for k in p.kernels if not k.ok]
    if entry_problems(p.next_boot):
        return "NO-GO: the boot loader's next entry is not the host's"
    if p.pending is None:
        return "NO-GO: cannot tell which kernel boots next"
    if bad:
        roles = sorted({"running" if k.running and not k.pending else
                        "next" if k.pending and not k.running else
                        "running and next" for k in bad})
        who = ("the running and the next kernel" if len(roles) > 1
               else "the %s kernel" % roles[0])
        return "NO-GO: %s would not boot with OVS %s" % (who, p.new_build)
    if p.problems:
        return "NO-GO: the candidates are not one sound transaction"
    if p.unaccepted:
        return "NO-GO: warnings not accepted: %s" % ", ".join(
            "--accept " + w.name for w in p.unaccepted)
    return "NO-GO: rpm -U --test fails (exit %d)" % p.rpm_test.exit


def preflight_text(preflight, colour=False):
    p = preflight
    lines = [paint(verdict(p), p.ok, colour)]
    build = ("build %s, unchanged" % p.new_build
             if p.new_build == p.installed_build else
             "build %s installed, %s after rpm -U" % (p.installed_build,
                                                       p.new_build))
    lines += field("OVS", build, indent=0)
    lines += field("boot", "%s: %s" % (p.layout.name, boot_line(p.next_boot)),
                   indent=0)
    lines += field("running", p.running or "unknown", indent=0)
    lines += field("pending", p.pending or "none", indent=0)
    lines += ["", "After rpm -U of %d package%s:" % (
        len(p.candidates), "" if len(p.candidates) == 1 else "s")]
    for kernel in p.kernels:
        lines += kernel_lines(kernel)
    lines += _list("Missing (add them to the same rpm -U)", p.missing, "  ")
    lines += _list("No longer eligible after it (lost as rollback targets)",
                   ["%s: %s" % (k.release, k.missing or k.problems[0])
                    for k in p.falls_out])
    lines += _list("Warnings (accept each: --accept NAME)",
                   ["%s (%s): %s" % (w.name, "accepted" if w.accepted else
                                     "NOT accepted: --accept " + w.name,
                                     w.text)
                    for w in p.warnings])
    lines += _list("Problems", p.problems)
    lines += rpm_test_lines(p.rpm_test)
    lines += _list("Notes", p.notes)
    return "\n".join(lines)


def kernel_lines(kernel):
    marks = ("R" if kernel.running else " ") + ("P" if kernel.pending else " ")
    state = "OK" if kernel.ok else "NO-GO"
    head = "%s %s" % (marks, kernel.release)
    lines = [head + " " * max(1, WIDTH - len(head) - len(state)) + state]
    package = kernel.package or "no module package"
    if kernel.source:
        package += " (%s)" % kernel.source
    lines += wrap(package, indent=5)
    for problem in kernel.problems:
        lines += wrap("! " + problem, indent=5)
    return lines


def rpm_test_lines(rpm_test):
    lines = ["", "rpm -U --test (a second rpm process, same database): %s"
             % ("OK" if rpm_test.exit == 0 else "exit %d" % rpm_test.exit)]
    for line in rpm_test.lines:
        lines += wrap(line, indent=2)
    return lines


def _list(title, items, bullet="- "):
    if not items:
        return []
    lines = ["", title + ":"]
    for item in items:
        lines += wrap(bullet + item)
    return lines


def preflight_document(preflight):
    p = preflight
    return {
        "ok": p.ok,
        "verdict": verdict(p),
        "new_build": p.new_build,
        "installed_build": p.installed_build,
        "running": p.running,
        "pending": p.pending,
        "layout": p.layout.name,
        "candidates": [{"file": c.path, "name": c.name, "epoch": c.epoch,
                        "version": c.version, "release": c.release,
                        "arch": c.arch} for c in p.candidates],
        "after": [_kernel_document(k) for k in p.kernels],
        "missing": list(p.missing),
        "falls_out": [_kernel_document(k) for k in p.falls_out],
        "warnings": [{"name": w.name, "accepted": w.accepted,
                      "option": "--accept " + w.name, "text": w.text}
                     for w in p.warnings],
        "problems": list(p.problems),
        "notes": list(p.notes),
        "rpm_test": {"argv": list(p.rpm_test.argv), "exit": p.rpm_test.exit,
                     "ok": p.rpm_test.exit == 0,
                     "lines": list(p.rpm_test.lines)},
    }


def _kernel_document(kernel):
    return {"release": kernel.release, "running": kernel.running,
            "pending": kernel.pending, "ok": kernel.ok,
            "package": kernel.package, "source": kernel.source,
            "missing": kernel.missing, "problems": list(kernel.problems)}
