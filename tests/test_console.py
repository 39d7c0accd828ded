"""What an operator at the console types: exact options, typos, quiet,
colour, demo's own options, every refusal under --json a JSON document."""
import json

import pytest

from rescue.errors import UsageError
from rescue.cmdline.parser import parse_with_argparse
from rescue.cmdline.quickparse import parse_quickly
from rescue.show.console import use_colour
from tests.hosts import K835, K847, Kernel, run_cli


class Terminal:
    def isatty(self):
        return True


@pytest.mark.parametrize("environ, colour", [
    ({"TERM": "xterm"}, True),
    ({"TERM": "xterm", "NO_COLOR": ""}, True),      # only non-empty counts
    ({"TERM": "xterm", "NO_COLOR": "1"}, False),
    ({"TERM": "xterm", "NO_COLOR": "0"}, False),    # any value at all
    ({}, False),                                     # no TERM: plain
    ({"TERM": ""}, False),                           # empty TERM: plain
    ({"TERM": "dumb"}, False),
    ({"TERM": "vt100"}, True),
])
def test_colour_follows_no_color_and_term_conventions(environ, colour):
    assert use_colour(Terminal(), environ) is colour


def test_colour_needs_a_terminal():
    assert use_colour(object(), {"TERM": "xterm"}) is False


@pytest.mark.parametrize("argv", [
    ["check", "--nag"], ["check", "--json", "--ro", "/"], ["--js", "status"],
    ["rollback", "--dry"], ["undo", "--dry"], ["rollback", "--t", "x"],
    ["check", "--time", "5"], ["status", "--running", "1xen"],
    ["--vers"], ["check", "--qui"],
])
def test_options_are_never_abbreviated(argv):
    assert parse_quickly(argv) is None
    with pytest.raises(UsageError):
        parse_with_argparse(argv)


@pytest.mark.parametrize("argv, timeout", [
    (["check", "-t5"], 5.0), (["check", "-t", "5"], 5.0),
    (["-t=7", "status"], 7.0), (["check", "--timeout=2"], 2.0),
])
def test_short_timeout_forms_still_parse(argv, timeout):
    assert parse_with_argparse(argv).timeout == timeout


def test_an_abbreviation_is_a_usage_error_naming_the_option(capsys):
    code, out, err = run_cli(capsys, "rollback", "--dry", "--root", "/")
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1
    assert "--dry" in err and "did you mean --dry-run?" in err


@pytest.mark.parametrize("word", ["--nag", "--nagi", "--nagios=yes"])
def test_a_nagios_typo_is_still_a_plugin_line(capsys, word):
    code, out, err = run_cli(capsys, "check", word, "--root", "/")
    assert code == 3 and err == ""
    assert out.startswith("OVS-RESCUE UNKNOWN - ") and len(out.splitlines()) == 1


@pytest.mark.parametrize("typo, command", [
    ("chek", "check"), ("stauts", "status"), ("rolback", "rollback"),
    ("udno", "undo"), ("snapshots", "snapshot"), ("hlep", "help"),
])
def test_a_command_typo_gets_did_you_mean(capsys, typo, command):
    code, out, err = run_cli(capsys, "--root", "/", typo, "--json")
    assert code == 2 and len(err.splitlines()) == 1
    assert "unknown command %r" % typo in err
    assert "did you mean %s?" % command in err


def test_an_unknown_command_lists_the_commands(capsys):
    code, _, err = run_cli(capsys, "frobnicate")
    assert code == 2 and "did you mean" not in err
    assert ("status, check, rollback, undo, snapshot, preflight, demo, help"
            in err)


@pytest.mark.parametrize("argv", [
    ["check", "-q"], ["check", "--quiet"], ["-q", "check"],
    ["check", "--quiet", "--root", "/r", "-t", "3"],
])
def test_quiet_takes_the_quick_path_as_argparse_reads_it(argv):
    if argv[0] == "-q":      # -q belongs to check, not before it
        assert parse_quickly(argv) is None
        with pytest.raises(UsageError):
            parse_with_argparse(argv)
        return
    assert parse_quickly(argv) is not None
    assert vars(parse_quickly(argv)) == vars(parse_with_argparse(argv))


@pytest.mark.parametrize("pending, code", [(K835, 0), (K847, 1)])
def test_quiet_check_says_nothing_and_exits_by_the_verdict(
        make_host, capsys, pending, code):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=pending)
    got = run_cli(capsys, "check", "-q", "--root", root,
                  "--running-kernel", K835)
    assert got == (code, "", "")


def test_quiet_check_errors_are_still_one_line(tmp_path, capsys):
    code, out, err = run_cli(capsys, "check", "--quiet", "--root",
                             tmp_path / "missing")
    assert code == 3 and out == "" and len(err.splitlines()) == 1


@pytest.mark.parametrize("other", ["--json", "--nagios"])
def test_quiet_with_json_or_nagios_is_a_usage_error(capsys, other):
    code, out, err = run_cli(capsys, "check", "--quiet", other, "--root", "/")
    assert code in (2, 3) and "--quiet" in (err + out)


@pytest.mark.parametrize("extra", [
    ["--root", "/"], ["--snapshot", "x.json"], ["--json"], ["--any-build"],
    ["--running-kernel", K835], ["-t", "5"], ["--dbpath", "/x"],
    ["--packages", "p"], ["--bogus"],
])
@pytest.mark.parametrize("where", ["before", "after"])
def test_demo_refuses_what_it_does_not_use(capsys, extra, where):
    argv = extra + ["demo"] if where == "before" else ["demo"] + extra
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and len(err.splitlines()) == 1
    assert extra[0] in err
    if "--json" not in argv:
        assert out == ""


def test_undo_json_with_nothing_to_undo_is_a_json_refusal(make_host, capsys):
    root = make_host([Kernel(K835)], pending=K835)
    code, out, err = run_cli(capsys, "undo", "--json", "--root", root)
    doc = json.loads(out)
    assert code == 1 and doc["ok"] is False and doc["action"] == "undo"
    assert "nothing to undo" in doc["error"] and doc["changed"] is False


def test_refused_rollback_json_names_its_action(make_host, capsys):
    root = make_host([Kernel(K847, module_build=None)], pending=K847)
    code, out, _ = run_cli(capsys, "rollback", "--json", "--root", root,
                           "--running-kernel", K847)
    doc = json.loads(out)
    assert code == 1 and doc["ok"] is False and doc["action"] == "rollback"
    assert doc["error"].startswith("no kernel is safe")


def test_a_successful_change_document_is_ok(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    code, out, _ = run_cli(capsys, "rollback", "--json", "--dry-run",
                           "--root", root, "--running-kernel", K835)
    doc = json.loads(out)
    assert code == 0 and doc["ok"] is True and doc["error"] is None


@pytest.mark.parametrize("argv, code", [
    (["check", "--json", "--root", "/nonexistent-root"], 3),
    (["status", "--json", "--root", "/nonexistent-root"], 3),
    (["rollback", "--json", "--root", "/nonexistent-root"], 3),
    (["check", "--json", "--bogus"], 2),
    (["check", "--json", "--running-kernel", "../x"], 2),
])
def test_errors_under_json_are_a_json_document_and_one_line(capsys, argv,
                                                            code):
    got, out, err = run_cli(capsys, *argv)
    doc = json.loads(out)
    assert got == code and len(err.splitlines()) == 1
    assert doc == {"schema_version": 1, "ok": False, "exit_code": code,
                   "error": err.strip().split("error: ", 1)[1]}


def test_version_has_a_short_form(capsys):
    with pytest.raises(SystemExit) as done:
        run_cli(capsys, "-V")
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("ovs-rescue ")


# -- what the operator sees: the zipapp under Python 3.6, TERM=dumb --------
# (3.6's argparse differs here: allow_abbrev=False also stops -t5 there)

PLAIN = {"TERM": "dumb"}


@pytest.mark.parametrize("argv, code, stream, text", [
    (["check", "--nag"], 3, "stdout", "OVS-RESCUE UNKNOWN - unrecognized "
     "option --nag of check; did you mean --nagios?"),
    (["rollback", "--dry"], 2, "stderr", "did you mean --dry-run?"),
    (["chek"], 2, "stderr", "unknown command 'chek'; did you mean check?"),
    (["demo", "--root", "/"], 2, "stderr", "demo does not take --root"),
    (["--snapshot", "x", "demo"], 2, "stderr",
     "demo does not take --snapshot"),
    (["-V"], 0, "stdout", "ovs-rescue "),
])
def test_at_the_console_under_python36(run_pyz, argv, code, stream, text):
    done = run_pyz(*argv, env=PLAIN)
    shown = getattr(done, stream)
    assert done.returncode == code and text in shown
    assert shown.startswith("ovs-rescue" if stream == "stderr" else text)
    assert len(done.stdout.splitlines() + done.stderr.splitlines()) == \
        (2 if argv == ["-V"] else 1)


def test_quiet_check_and_short_timeout_under_python36(run_pyz, make_host):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    done = run_pyz("check", "-q", "-t5", "--root", root, "--running-kernel",
                   K835, env=PLAIN)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "")


def test_json_errors_under_python36(run_pyz, tmp_path):
    done = run_pyz("status", "--json", "--root", tmp_path / "gone",
                   env=PLAIN)
    doc = json.loads(done.stdout)
    assert done.returncode == 3 and doc["ok"] is False
    assert done.stderr == "ovs-rescue: error: %s\n" % doc["error"]
