"""The role's reading of what bundle.sh printed on a host, on the controller:
its sections, each host's verdict in one line, the fleet's summary.

Pure functions of text and dicts. Output read over SSH may arrive through a
PTY (CRLF line ends, stderr mixed into stdout, "Shared connection ... closed"
lines): sections are found by their marker lines and the check's JSON by its
first brace, whatever else is around them.
"""
import json

MARKER = "@ovs-rescue "
SAFE, UNSAFE, ERROR = "safe", "UNSAFE", "error"


def sections(text):
    """{name: {"lines": [...], "rc": int or None}} from bundle.sh's report.

    A section starts at "@ovs-rescue NAME" and ends at "@ovs-rescue exit N"
    (its rc) or at the next section. Lines before the first are dropped.
    """
    found, current = {}, None
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n") \
            .split("\n"):
        if line.startswith(MARKER):
            word = line[len(MARKER):].strip()
            if word.startswith("exit ") and current is not None:
                try:
                    current["rc"] = int(word[5:])
                except ValueError:
                    current["rc"] = None
                current = None
            else:
                current = found.setdefault(word, {"lines": [], "rc": None})
        elif current is not None:
            current["lines"].append(line)
    return found


def probe_facts(found):
    """The probe section's key=value lines: arch, staged, current and,
    where /boot cannot take the bundle, writable=no."""
    facts = {}
    for line in found.get("probe", {}).get("lines", []):
        key, sep, value = line.strip().partition("=")
        if sep:
            facts[key] = value
    return facts


def check_document(lines):
    """The first JSON object in the check section's lines, or None."""
    text = "\n".join(lines)
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start >= 0:
        try:
            document, _ = decoder.raw_decode(text, start)
        except ValueError:
            start = text.find("{", start + 1)
            continue
        if isinstance(document, dict) and "schema_version" in document:
            return document
        start = text.find("{", start + 1)
    return None


def error_line(lines):
    """The line that says why an install or bundle failed."""
    for line in lines:
        if "error:" in line:
            return line.strip()
    meaningful = [line.strip() for line in lines if line.strip()]
    return meaningful[-1] if meaningful else "no output"


def pending_fix(document):
    """The package that makes the pending kernel boot with OVS, or None."""
    for kernel in document.get("kernels") or []:
        if kernel.get("pending") and kernel.get("fix"):
            return kernel["fix"]
    return None


def part_name(words):
    """["installed", "/boot/ovs-rescue/runtime", "(x86_64)"] ->
    "runtime (x86_64)": install.sh's line about one part, shortly."""
    names = [word.rsplit("/", 1)[-1] for word in words[1:]
             if word.startswith(("/", "("))]
    return " ".join(names) or " ".join(words)


def staging_of(found, check_mode):
    """What the transfer did or would do, in a few words."""
    install = found.get("install")
    if install is None:
        return "up to date" if probe_facts(found).get("current") == "yes" \
            else "not staged"
    done = [line.split() for line in install["lines"]
            if line.startswith(("installed ", "would "))]
    if install["rc"] == 0 and not done:
        return "up to date"
    if install["rc"] in (0, 1) and done:
        verb = "would stage " if install["rc"] == 1 else "staged "
        return verb + ", ".join(part_name(words) for words in done)
    return "install failed"


def changed(result):
    """Whether a transfer's install changed (or, --check-only, would change)
    something on the host."""
    if not isinstance(result, dict):
        return False
    install = sections(result.get("stdout")).get("install")
    return bool(install and install["rc"] in (0, 1) and any(
        line.startswith(("installed ", "would ")) for line in install["lines"]))


def verdict(results, host, check_mode=False):
    """One host's answer from its registered raw/script results (the
    probe's first, the transfer's after it where there was one):
    {"host", "state", "line", "reason", "running", "pending", "package",
     "plan", "staging", "changed"}."""
    found, unreachable, silent = {}, None, {}
    for step, result in zip(("probe", "transfer"), results):
        if not isinstance(result, dict) or result.get("skipped"):
            continue
        if result.get("unreachable"):
            unreachable = (result.get("msg") or "unreachable").strip()
            continue
        output = (result.get("stdout") or "") + "\n" + \
            (result.get("stderr") or "")
        parts = sections(output)
        found.update(parts)
        if not parts:
            silent[step] = (output.strip() or result.get("msg")
                            or "no output").splitlines()
    answer = {"host": host, "running": None, "pending": None,
              "package": None, "plan": None, "reason": None,
              "staging": staging_of(found, check_mode)}
    reason, document = None, None
    install = found.get("install")
    if unreachable and not found.get("check"):
        reason = "unreachable: " + unreachable.splitlines()[0]
    elif install is not None and install["rc"] not in (0, 1):
        reason = "cannot install: " + error_line(install["lines"])
    elif "check" in found:
        document = check_document(found["check"]["lines"])
        if document is None:
            reason = "cannot check: " + error_line(found["check"]["lines"])
    elif "transfer" in silent:
        reason = "cannot stage: " + error_line(silent["transfer"])
    elif "probe" not in found:
        reason = "no answer from the host: " + error_line(
            silent.get("probe") or ["no output"])
    elif probe_facts(found).get("writable") == "no":
        reason = "cannot install: " + error_line(found["probe"]["lines"])
    else:
        reason = "not staged, and no check ran"
    if document is not None:
        answer.update(running=document.get("running"),
                      pending=document.get("pending"))
        rc = found["check"]["rc"]
        if rc == 0 and document.get("ok"):
            answer["state"] = SAFE
        elif rc == 1 and "error" not in document:
            answer["state"] = UNSAFE
            answer["package"] = pending_fix(document)
            problems = document.get("problems") or ["unsafe to reboot"]
            answer["reason"] = problems[0]
        else:
            reason = "cannot check (exit %s): %s" % (
                rc, document.get("error") or error_line(
                    found["check"]["lines"]))
    if reason is not None:
        answer.update(state=ERROR, reason=reason)
    plan = found.get("plan")
    if plan is not None:
        answer["plan"] = [line.rstrip() for line in plan["lines"]
                          if line.strip()]
    answer["line"] = one_line(answer)
    return answer


def one_line(answer):
    """The host's result as the play prints it."""
    if answer["state"] == SAFE:
        text = "safe to reboot: pending kernel %s" % answer["pending"]
    elif answer["state"] == UNSAFE:
        text = "UNSAFE to reboot: %s" % answer["reason"]
        if answer["package"]:
            text += "; install %s" % answer["package"]
    else:
        text = answer["reason"]
    return "%s: %s" % (answer["host"], text)


def fleet(hostvars, hosts, key="ovs_rescue_verdict"):
    """The summary of every host of the play, safe ones included."""
    answers = []
    for host in hosts:
        answer = (hostvars.get(host) or {}).get(key)
        if not isinstance(answer, dict):
            answer = {"host": host, "state": ERROR, "reason":
                      "the role stopped before it had an answer",
                      "running": None, "pending": None, "package": None,
                      "plan": None, "staging": None}
            answer["line"] = one_line(answer)
        answers.append(dict(answer))
    unsafe = [a for a in answers if a["state"] == UNSAFE]
    return {
        "schema_version": 1,
        "hosts": answers,
        "safe": [a["host"] for a in answers if a["state"] == SAFE],
        "unsafe": [{"host": a["host"], "pending": a["pending"],
                    "package": a["package"], "reason": a["reason"]}
                   for a in unsafe],
        "errors": [{"host": a["host"], "reason": a["reason"]}
                   for a in answers if a["state"] == ERROR],
        "lines": [a["line"] + ("" if not a.get("staging") else
                               "  [%s]" % a["staging"]) for a in answers],
    }


def shell_text(text):
    """A shell script without its comment lines, to send as one command."""
    kept = [line for line in text.split("\n")
            if not line.lstrip().startswith("#") and line.strip()]
    return "\n".join(kept) + "\n"


class FilterModule(object):
    """The filters the role's tasks use, by their ovs_rescue_ names."""

    def filters(self):
        return {"ovs_rescue_sections": sections,
                "ovs_rescue_changed": changed,
                "ovs_rescue_verdict": verdict,
                "ovs_rescue_fleet": fleet,
                "ovs_rescue_shell_text": shell_text}
