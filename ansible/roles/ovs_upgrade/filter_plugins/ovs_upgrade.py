"""The upgrade play's reading of what its host scripts printed, on the
controller: key=value facts, preflight's answer, the verdict after the
reload, and the lines that tell an operator how to recover a host.

Pure functions of text and dicts. Output read over SSH may arrive through
a PTY (CRLF, stray "Shared connection ... closed" lines): values are found
by their keys, whatever else is around them.
"""
import os
import sys

# The fleet role's reader of a JSON answer among other lines, read-only.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "ovs_rescue", "filter_plugins"))
from ovs_rescue import check_document  # noqa: E402

STATE_DIR = "/boot/.ovs-rescue"
# Each step, in order, with what stopping there leaves on the host.
LEFT_BY_STEP = {
    "stage": "nothing installed; the old build runs",
    "preflight": "nothing installed; the old build runs",
    "install": "rpm -U failed: rpm installs all or nothing; the old build "
               "runs",
    "check": "the new packages are installed, the old module runs",
    "reload": "the new packages are installed; the reload was started",
    "wait": "the new packages are installed; the reload was started; "
            "no answer since",
    "verify": "the new packages are installed; the reload ran",
}


def words(value):
    """A list as given, or the words of one string as an INI inventory's
    :vars give it ("tc,ha", "['tc', 'ha']", "/srv/ovs/"): split at commas,
    brackets, quotes and spaces dropped."""
    if not isinstance(value, str):
        return list(value or [])
    cleaned = "".join(c for c in value if c not in "[]'\" ")
    return [word for word in cleaned.split(",") if word]


def facts(text):
    """{key: value} of the `key=value` words a host script printed (the
    first value of a key wins; `log:` lines gather under "log")."""
    found = {"log": []}
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if line.startswith("log: "):
            found["log"].append(line[5:])
            continue
        for word in line.split(" "):
            key, sep, value = word.partition("=")
            if sep and key and key.replace("_", "").isalnum():
                found.setdefault(key, value)
    return found


def preflight_document(text):
    """The first JSON object of preflight --json's output, or None: found
    as the fleet role finds check --json's."""
    return check_document((text or "").splitlines())


def no_go_lines(document, output=""):
    """Why preflight said no-go: its verdict, problems and missing list."""
    if document is None:
        meaningful = [line.strip() for line in (output or "").splitlines()
                      if line.strip()]
        return ["preflight gave no answer: %s" % (
            meaningful[-1] if meaningful else "no output")]
    lines = [document.get("verdict") or document.get("error")
             or "NO-GO"]
    lines += ["  " + problem for problem in document.get("problems") or []]
    for warning in document.get("warnings") or []:
        if not warning.get("accepted"):
            lines.append("  not accepted: %s (ovs_upgrade_accept: [%s])"
                         % (warning.get("text"), warning.get("name")))
    missing = document.get("missing") or []
    if missing:
        lines.append("  missing (add them to ovs_upgrade_packages):")
        lines += ["    " + name for name in missing]
    return lines


def same_build(shown, build):
    """Whether a version a module or daemon shows is `build` (builds up to
    1.6 may show VERSION+buildN)."""
    return bool(shown) and bool(build) and shown.split("+")[0] == build


def reload_needed(found, build):
    """Whether the loaded module or the running daemon is not yet `build`."""
    return not (same_build(found.get("module"), build)
                and same_build(found.get("daemon"), build))


def verify(found, build, reload_id, reloaded=True):
    """The problems left after the reload (empty: the host is upgraded);
    reloaded false: the reload was left for a reboot, so the module and
    daemon still run the old build."""
    problems = []
    state = found.get("reload")
    if reload_id and state != "done":
        problems.append("the reload has not finished (state %s)"
                        % (state or "unknown"))
    elif reload_id and found.get("id") != reload_id:
        problems.append("the reload's result is not of the run started (%s, "
                        "not %s)" % (found.get("id"), reload_id))
    elif reload_id and found.get("rc") != "0":
        tail = [line for line in found["log"] if line.strip()][-1:]
        problems.append("the reload exited %s%s" % (
            found.get("rc"), (": " + tail[0]) if tail else ""))
    running = (("module", "the loaded module "
                "(/sys/module/openvswitch/version)"),
               ("daemon", "the running daemon (ovs-appctl version)"))
    for key, what in running if reloaded else ():
        if not same_build(found.get(key), build):
            problems.append("%s is %s, not %s" % (
                what, found.get(key) or "unknown", build))
    if found.get("vsctl") != "0":
        problems.append("ovs-vsctl show failed (exit %s)"
                        % found.get("vsctl", "unknown"))
    if found.get("check") != "0":
        problems.append("check is not OK (exit %s): %s" % (
            found.get("check", "unknown"),
            (found.get("check_line") or "").replace("_", " ")))
    return problems


def state_line(found):
    """The host's state in one line, from the facts probe."""
    if not found or set(found) == {"log"}:
        return "state: unknown (the host did not answer)"
    return ("state: openvswitch %s installed, module %s loaded, daemon %s, "
            "reload %s (exit %s), check exit %s" % tuple(
                found.get(key) or "?" for key in (
                    "installed", "module", "daemon", "reload", "rc",
                    "check")))


def console_commands(step, reload_command):
    """What to type at the host's console to see and recover it."""
    commands = ["cat %s/reload.log %s/reload.result" % (STATE_DIR, STATE_DIR),
                "lsmod | grep openvswitch",
                "cat /sys/module/openvswitch/version",
                "ovs-vsctl show"]
    if step in ("reload", "wait", "verify"):
        commands += ["%s    # once more, if it failed" % reload_command,
                     "/etc/init.d/openvswitch start    # if the daemons "
                     "are down"]
    commands += ["ovs-rescue check",
                 "ovs-rescue rollback --dry-run    # if check is UNSAFE",
                 "reboot    # when check is OK: loads the new module"]
    if step in ("stage", "preflight", "install"):
        commands = ["ovs-rescue check    # nothing was installed",
                    "rpm -q openvswitch"]
    return commands


def why(result):
    """What a failed task said: its message, and a command's output."""
    message = result.get("msg") or ""
    reasons = list(message) if isinstance(message, list) else [message]
    if result.get("rc") not in (None, 0):
        output = " ".join(str(result.get(key) or "").strip()
                          for key in ("stdout", "stderr")).strip()
        reasons.append("exit %s%s" % (result["rc"],
                                      (": " + output) if output else ""))
    return [reason for reason in reasons if reason]


def failure(host, step, problems, found, reload_command):
    """The lines the play prints for a host that stopped the rollout."""
    lines = ["%s: the upgrade stopped at %s: %s" % (
        host, step, "; ".join(problems) or "failed")]
    lines.append(LEFT_BY_STEP.get(step, ""))
    lines.append(state_line(found))
    lines += ["log: " + line for line in (found or {}).get("log", [])]
    lines.append("from the console of %s (docs/upgrade.md):" % host)
    lines += ["  " + command for command in
              console_commands(step, reload_command)]
    lines.append("the rollout stopped: the hosts after %s were not touched"
                 % host)
    return [line for line in lines if line]


class FilterModule(object):
    """The filters the upgrade role's tasks use, by their ovs_upgrade_ names."""

    def filters(self):
        return {"ovs_upgrade_words": words,
                "ovs_upgrade_facts": facts,
                "ovs_upgrade_preflight": preflight_document,
                "ovs_upgrade_no_go": no_go_lines,
                "ovs_upgrade_reload_needed": reload_needed,
                "ovs_upgrade_verify": verify,
                "ovs_upgrade_why": why,
                "ovs_upgrade_failure": failure}
