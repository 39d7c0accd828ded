"""`status` on one 24-row screen: the verdict stays in sight. Pure.

Verdict, where the next boot comes from, one line per kernel (marks,
safe or the one-word reason), then problems and fixes. With more kernels
than fit, the running, pending and safe ones come first and the rest are
summed up in one line; `status -v` has every detail.
"""
from rescue.show.report import (fix_lines, kernel_lines, note_lines,
                           problem_lines, short_host_lines, verdict,
                           why_not_safe)
from rescue.show.console import WIDTH, paint, wrap

ROWS = 22           # 24, less the typed command and the next prompt
MORE = "every detail: ovs-rescue status -v"


def short_reason(kernel):
    """One or two words: why a kernel is not a safe boot target."""
    if kernel.kdump:
        return "crash kernel"
    if kernel.eligible:
        return "safe"
    return "NOT SAFE: " + why_not_safe(kernel)


def kernel_row(kernel):
    marks = ("R" if kernel.running else " ") + ("P" if kernel.pending else " ")
    state = short_reason(kernel)
    head = "%s %s" % (marks, kernel.release)
    return head + " " * max(1, WIDTH - len(head) - len(state)) + state


def ordered(kernels):
    """Running and pending first, then safe ones, then the rest; each
    group newest first, as the report lists them."""
    def rank(kernel):
        if kernel.running or kernel.pending:
            return 0
        return 1 if kernel.eligible else 2
    return sorted(kernels, key=rank)


def status_text(report, colour=False, rows=ROWS):
    """The status screen, at most `rows` lines."""
    head = [paint(verdict(report), report.ok, colour)]
    head += short_host_lines(report)
    tail = problem_lines(report) + fix_lines(report)
    room = rows - len(head) - 2 - 1             # kernel title, the pointer
    if room - len(tail) < 2:                    # keep two kernel rows
        keep = max(0, room - 2 - 1)
        cut = len(tail) - keep
        tail = tail[:keep] + ["  ... %d more lines of problems and fixes"
                              % cut] if cut > 0 else tail
    kernels = ordered(report.kernels)
    room_kernels = room - len(tail)
    if len(kernels) > room_kernels:
        shown = kernels[:max(room_kernels - 1, 0)]
        rest = kernels[len(shown):]
        safe = sum(1 for k in rest if k.eligible)
        summary = ["  ... and %d more kernel%s (%d safe)" % (
            len(rest), "" if len(rest) == 1 else "s", safe)]
    else:
        shown, summary = kernels, []
    lines = head + ["", "Kernels (R running, P pending):"]
    if not kernels:
        lines.append("  (no kernel images in /boot)")
    lines += [kernel_row(k) for k in shown] + summary + tail
    if len(lines) < rows:
        lines.append(MORE)
    return "\n".join(lines[:rows])


def status_verbose_text(report, colour=False):
    """`status -v`: every kernel's files, package and problems, notes and
    the files in /boot that are no kernel of this layout."""
    from rescue.show.report import host_lines
    lines = [paint(verdict(report), report.ok, colour)] + host_lines(report)
    lines += ["", "Kernels, newest first (R running, P pending):"]
    if not report.kernels:
        lines.append("  (no kernel images in /boot)")
    for kernel in report.kernels:
        lines += kernel_lines(kernel)
    if report.ignored:
        lines += ["", "Ignored files in /boot (no kernel of this layout):"]
        lines += wrap(", ".join(report.ignored), indent=2)
    return "\n".join(lines + problem_lines(report) + fix_lines(report)
                     + note_lines(report))
