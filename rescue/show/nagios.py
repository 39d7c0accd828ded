"""`check --nagios`: one line and an exit code, by the monitoring plugin rules.

OK 0, WARNING 1, CRITICAL 2, UNKNOWN 3 (Nagios plugin guidelines): a host
that is safe but has problems worth a look is WARNING, an unsafe reboot is
CRITICAL, and a host the tool cannot inspect is UNKNOWN.
"""
from rescue.core.bootlinks import cannot_tell_text
from rescue.show.report import unsafe_reason

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
_STATE = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL",
          UNKNOWN: "UNKNOWN"}


def plugin_line(code, summary, perfdata=""):
    line = "OVS-RESCUE %s - %s" % (_STATE[code], plugin_text(summary))
    return line + (" | " + perfdata if perfdata else "")


def plugin_text(text):
    """text fit for the plugin line: a `|` would start perfdata and a
    control character (a newline) end the line, so each becomes `?`."""
    return "".join("?" if char == "|" or ord(char) < 32 or ord(char) == 127
                   else char for char in text)


def perfdata(report):
    """Counts a graph can follow: kernels, safe kernels, problems."""
    return "kernels=%d;;;0 safe_kernels=%d;;;0 problems=%d;;;0" % (
        len([k for k in report.kernels if not k.kdump]),
        len(report.eligible), len(report.problems))


def nagios_result(report):
    """(exit code, line) for a report."""
    if report.next_boot.cannot_tell is not None:
        code, summary = UNKNOWN, cannot_tell_text(report.next_boot.cannot_tell)
    elif not report.ok:
        code = CRITICAL
        summary = "unsafe to reboot: %s; pending %s" % (
            unsafe_reason(report), report.pending or "none")
    elif report.problems:
        code = WARNING
        summary = "safe to reboot, but %d problem%s: %s" % (
            len(report.problems), "" if len(report.problems) == 1 else "s",
            report.problems[0])
    else:
        code = OK
        summary = "safe to reboot; pending %s has OVS %s" % (report.pending,
                                                             report.ovs_build)
    return code, plugin_line(code, summary, perfdata(report))


def unknown_line(error):
    return plugin_line(UNKNOWN, str(error))
