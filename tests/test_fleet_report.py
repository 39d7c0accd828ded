"""The role's filter plugin: bundle.sh's report read on the controller into
one verdict a host and the fleet's summary (pure; no Ansible needed)."""
import importlib.util
import json
import os

import pytest
from hypothesis import given, strategies as st

from tests.conftest import REPO

PLUGIN = os.path.join(REPO, "ansible", "roles", "ovs_rescue",
                      "filter_plugins", "ovs_rescue.py")
spec = importlib.util.spec_from_file_location("ovs_rescue_filters", PLUGIN)
report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(report)

PENDING = "2.6.32.43-0.4.1.xs1.8.0.847.170785xen"
FIX = "openvswitch-modules-xen-2.6.32.43-0.4.1.xs1.8.0.847.170785 version 1.11.0"
UNSAFE_JSON = {"schema_version": 1, "ok": False, "pending": PENDING,
               "running": "2.6.32.43-0.4.1.xs1.8.0.835.170778xen",
               "kernels": [{"release": PENDING, "pending": True, "fix": FIX}],
               "problems": ["pending kernel %s cannot boot with OVS: no "
                            "module RPM" % PENDING]}
SAFE_JSON = dict(UNSAFE_JSON, ok=True, problems=[],
                 kernels=[{"release": PENDING, "pending": True, "fix": None}])


def probe_output(current, document=None, rc=None, plan=None):
    lines = ["@ovs-rescue probe", "arch=x86_64", "staged=abc",
             "current=" + current]
    if document is not None:
        lines += ["@ovs-rescue check"] + json.dumps(document, indent=2) \
            .splitlines() + ["@ovs-rescue exit %d" % rc]
    if plan:
        lines += ["@ovs-rescue plan"] + plan + ["@ovs-rescue exit 0"]
    return "\n".join(lines + ["@ovs-rescue end", ""])


def result(stdout, rc=0, **more):
    return dict({"stdout": stdout, "stderr": "", "rc": rc}, **more)


def test_a_current_safe_host_is_safe_and_up_to_date():
    answer = report.verdict([result(probe_output("yes", SAFE_JSON, 0)),
                             {"skipped": True}], "xs01")
    assert answer["state"] == "safe" and answer["staging"] == "up to date"
    assert answer["line"] == "xs01: safe to reboot: pending kernel " + PENDING


def test_an_unsafe_host_names_its_reason_and_the_package_that_fixes_it():
    answer = report.verdict([result(probe_output("yes", UNSAFE_JSON, 1))],
                            "xs03")
    assert answer["state"] == "UNSAFE" and answer["package"] == FIX
    assert answer["line"] == ("xs03: UNSAFE to reboot: pending kernel %s "
                              "cannot boot with OVS: no module RPM; install "
                              "%s" % (PENDING, FIX))


def transfer_output(install_lines, rc, document=None, check_rc=None):
    lines = ["@ovs-rescue install"] + install_lines + ["@ovs-rescue exit %d"
                                                       % rc]
    if document is not None:
        lines += ["@ovs-rescue check", json.dumps(document),
                  "@ovs-rescue exit %d" % check_rc]
    return "\n".join(lines + ["@ovs-rescue end"])


def test_a_staged_host_says_what_was_staged_and_is_changed():
    staged = result(transfer_output(
        ["installed /boot/ovs-rescue/ovs-rescue.pyz", "  sha256 ab",
         "installed /boot/ovs-rescue/runtime (i686)",
         "unchanged: /usr/local/sbin/ovs-rescue"], 0, SAFE_JSON, 0))
    answer = report.verdict([result(probe_output("no")), staged], "xs02")
    assert answer["state"] == "safe"
    assert answer["staging"] == "staged ovs-rescue.pyz, runtime (i686)"
    assert report.changed(staged)
    assert not report.changed(result(transfer_output(["nothing changed"], 0)))


@pytest.mark.parametrize("results, says", [
    ([{"unreachable": True, "msg": "Failed to connect to the host via ssh: "
       "Connection refused"}], "xs09: unreachable: Failed to connect"),
    ([result(probe_output("no")), result(transfer_output(
        ["install.sh: error: cannot create /boot/ovs-rescue"], 3))],
     "xs09: cannot install: install.sh: error: cannot create /boot"),
    ([result(probe_output("yes", {"schema_version": 1, "ok": False,
                                  "exit_code": 3, "error": "no RPM database"},
                          3))],
     "xs09: cannot check (exit 3): no RPM database"),
    ([result("", rc=127, stderr="sh: not found")],
     "xs09: no answer from the host"),
    ([result(probe_output("no")),
      result("", rc=1, msg="failed to transfer file to /root/.ansible/tmp")],
     "xs09: cannot stage: failed to transfer file"),
])
def test_a_host_that_cannot_be_checked_says_why_in_its_line(results, says):
    answer = report.verdict(results, "xs09")
    assert answer["state"] == "error" and answer["line"].startswith(says)


def test_the_fleet_lists_the_unsafe_hosts_their_kernel_and_package():
    hostvars = {
        "xs01": {"ovs_rescue_verdict": report.verdict(
            [result(probe_output("yes", SAFE_JSON, 0))], "xs01")},
        "xs03": {"ovs_rescue_verdict": report.verdict(
            [result(probe_output("yes", UNSAFE_JSON, 1, ["Would roll back"]))],
            "xs03")},
        "xs04": {},
    }
    summary = report.fleet(hostvars, ["xs01", "xs03", "xs04"])
    assert summary["safe"] == ["xs01"]
    assert summary["unsafe"] == [{"host": "xs03", "pending": PENDING,
                                  "package": FIX,
                                  "reason": UNSAFE_JSON["problems"][0]}]
    assert [e["host"] for e in summary["errors"]] == ["xs04"]
    assert len(summary["lines"]) == 3
    assert summary["hosts"][1]["plan"] == ["Would roll back"]


NOISE = st.sampled_from(["Shared connection to 127.0.0.1 closed.",
                         "ovs-rescue: error: something on stderr",
                         "Warning: Permanently added '[127.0.0.1]:2222'",
                         "", "{not json", "exit 0"])


@given(st.lists(st.tuples(st.integers(0, 40), NOISE), max_size=6),
       st.booleans())
def test_a_pty_s_crlf_and_stray_lines_do_not_change_the_verdict(noise, crlf):
    """Under the ssh plugin's PTY stderr lands in stdout, lines end CRLF;
    a stray line comes between writes, never inside the one JSON print."""
    lines = probe_output("yes", UNSAFE_JSON, 1).split("\n")
    start, end = lines.index("{"), lines.index("}") + 1
    places = list(range(start + 1)) + list(range(end, len(lines) + 1))
    for where, line in sorted(((places[where % len(places)], line)
                               for where, line in noise), reverse=True):
        lines.insert(where, line)
    text = ("\r\n" if crlf else "\n").join(lines)
    answer = report.verdict([result(text)], "xs03")
    assert answer["state"] == "UNSAFE" and answer["package"] == FIX
    assert answer["pending"] == PENDING


def test_the_probe_script_keeps_its_code_without_comments():
    text = "#!/bin/sh\n# a comment\n  # indented\nset -u\n\nsay() { :; }\n"
    assert report.shell_text(text) == "set -u\nsay() { :; }\n"


def load_summary_writer():
    path = os.path.join(REPO, "ansible", "roles", "ovs_rescue",
                        "action_plugins", "ovs_rescue_summary.py")
    found = importlib.util.spec_from_file_location("ovs_rescue_summary", path)
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return module.write_summary


def test_the_summary_file_is_replaced_whole_and_only_when_it_changes(
        tmp_path):
    write_summary = load_summary_writer()
    path = str(tmp_path / "ovs-rescue-fleet.json")
    assert write_summary(path, {"unsafe": ["xs01"]}) is True
    assert json.loads(open(path).read()) == {"unsafe": ["xs01"]}
    assert oct(os.stat(path).st_mode & 0o777) == "0o644"
    assert write_summary(path, {"unsafe": ["xs01"]}) is False
    assert write_summary(path, {"unsafe": []}) is True
    assert os.listdir(str(tmp_path)) == ["ovs-rescue-fleet.json"]


def test_a_host_whose_boot_is_read_only_is_an_error_with_the_probes_line():
    line = ("ovs-rescue bundle: error: /boot is read-only: nothing can be "
            "staged in /boot/ovs-rescue; remount it read-write; nothing was "
            "changed")
    stdout = probe_output("no").replace(
        "@ovs-rescue end", line + "\nwritable=no\n@ovs-rescue end")
    answer = report.verdict([result(stdout), {"skipped": True}], "xs01")
    assert answer["state"] == report.ERROR
    assert answer["line"] == "xs01: cannot install: " + line
