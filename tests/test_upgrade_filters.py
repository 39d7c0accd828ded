"""The upgrade role's reading of its host scripts' output, on the
controller: facts through a PTY, the verdict after the reload, preflight's
no-go, and the lines that tell an operator how to recover a host."""
import importlib.util
import os

import pytest
from hypothesis import given, strategies as st

from tests.conftest import REPO

_SPEC = importlib.util.spec_from_file_location("ovs_upgrade_filters", os.path.join(
    REPO, "ansible", "roles", "ovs_upgrade", "filter_plugins",
    "ovs_upgrade.py"))
filters = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(filters)

UPGRADED = {"log": [], "installed": "1.12.0", "module": "1.12.0",
            "daemon": "1.12.0", "vsctl": "0", "check": "0",
            "reload": "done", "id": "7-7", "rc": "0"}


@given(st.lists(st.text(alphabet="abc xyz:=\r", max_size=20), max_size=5))
def test_facts_are_found_whatever_stray_lines_surround_them(noise):
    text = "\r\n".join(noise + ["installed=1.12.0 module=1.11.0",
                                "reload=done", "Shared connection closed."])
    found = filters.facts(text)
    assert found["installed"] == "1.12.0" and found["reload"] == "done"


def test_the_first_value_of_a_key_wins_and_log_lines_gather():
    found = filters.facts("rc=0\nrc=1\nlog: Saving flows\nlog: done\n")
    assert found["rc"] == "0" and found["log"] == ["Saving flows", "done"]


def test_a_host_running_the_new_build_everywhere_verifies():
    assert filters.verify(UPGRADED, "1.12.0", "7-7") == []


@pytest.mark.parametrize("change, said", [
    ({"reload": "running"}, "has not finished"),
    ({"id": "6-6"}, "not of the run started"),
    ({"rc": "1", "log": ["Failed to save configuration"]},
     "exited 1: Failed to save configuration"),
    ({"module": "1.11.0"}, "loaded module (/sys/module/openvswitch/version)"
                           " is 1.11.0, not 1.12.0"),
    ({"daemon": "none"}, "running daemon (ovs-appctl version) is none"),
    ({"vsctl": "1"}, "ovs-vsctl show failed (exit 1)"),
    ({"check": "1", "check_line": "UNSAFE:_no_module"},
     "check is not OK (exit 1): UNSAFE: no module"),
])
def test_each_thing_left_undone_is_named(change, said):
    problems = filters.verify(dict(UPGRADED, **change), "1.12.0", "7-7")
    assert len(problems) == 1 and said in problems[0]


def test_old_builds_showing_a_build_number_count_as_their_version():
    assert filters.same_build("1.4.6+build9924", "1.4.6")
    assert not filters.same_build("1.4.60", "1.4.6")
    assert not filters.reload_needed(
        {"module": "1.4.6+build1", "daemon": "1.4.6"}, "1.4.6")
    assert filters.reload_needed({"module": "1.4.6"}, "1.4.6")


def test_a_no_go_lists_problems_unaccepted_warnings_and_missing_packages():
    lines = filters.no_go_lines({
        "schema_version": 1, "verdict": "NO-GO: the next kernel would not "
        "boot with OVS 1.12.0", "problems": ["no module for K847"],
        "warnings": [{"name": "ha", "accepted": False, "text": "HA is on"}],
        "missing": ["openvswitch-modules-xen-K847-1.12.0"]})
    assert lines[0].startswith("NO-GO")
    assert "  not accepted: HA is on (ovs_upgrade_accept: [ha])" in lines
    assert lines[-1] == "    openvswitch-modules-xen-K847-1.12.0"


def test_no_answer_from_preflight_says_its_last_line():
    assert filters.no_go_lines(None, "x\nsh: ovs-rescue: not found\n") == [
        "preflight gave no answer: sh: ovs-rescue: not found"]


def test_why_a_raw_task_failed_carries_its_output():
    assert filters.why({"msg": "non-zero return code", "rc": 1,
                        "stdout": "", "stderr": "error: Failed dependencies"}
                       ) == ["non-zero return code",
                             "exit 1: error: Failed dependencies"]


@pytest.mark.parametrize("step, console", [
    ("preflight", "ovs-rescue check    # nothing was installed"),
    ("wait", "/etc/init.d/openvswitch force-reload-kmod    # once more, "
             "if it failed")])
def test_the_failure_names_the_host_its_state_and_console_commands(
        step, console):
    lines = filters.failure("xs07", step, ["SSH did not answer"], {"log": []},
                            "/etc/init.d/openvswitch force-reload-kmod")
    assert lines[0] == "xs07: the upgrade stopped at %s: SSH did not " \
        "answer" % step
    assert "state: unknown (the host did not answer)" in lines
    assert "  " + console in lines
    assert lines[-1].startswith("the rollout stopped")
    assert max(len(line) for line in lines[1:]) <= 80


def test_with_the_reload_left_for_a_reboot_only_the_check_counts():
    old_running = dict(UPGRADED, module="1.11.0", daemon="1.11.0")
    assert filters.verify(old_running, "1.12.0", "", reloaded=False) == []
    assert filters.verify(dict(old_running, check="1"), "1.12.0", "",
                          reloaded=False)


@pytest.mark.parametrize("value, words", [
    (["tc", "ha"], ["tc", "ha"]), ("tc,ha", ["tc", "ha"]),
    ("['tc', 'ha']", ["tc", "ha"]), ("/srv/ovs/", ["/srv/ovs/"]),
    ("", []), (None, [])])
def test_lists_come_as_lists_or_as_an_ini_inventorys_strings(value, words):
    assert filters.words(value) == words
