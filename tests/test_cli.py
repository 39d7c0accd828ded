"""Command-line contract: options anywhere, usage errors, exit codes."""
import json

import pytest

from tests.hosts import K847, Kernel, run_cli


@pytest.mark.parametrize("order", ["before", "after", "mixed"])
def test_common_options_go_before_or_after_the_command(make_host, capsys,
                                                       order):
    root = make_host([Kernel(K847)], pending=K847)
    common = ["--root", root, "--running-kernel", K847, "--json"]
    argv = {"before": common + ["check"], "after": ["check"] + common,
            "mixed": common[:2] + ["check"] + common[2:]}[order]
    code, out, _ = run_cli(capsys, *argv)
    assert code == 0 and json.loads(out)["running"] == K847


@pytest.mark.parametrize("argv, message", [
    ([], "a command is needed"),
    (["frobnicate"], "unknown command 'frobnicate'"),
    (["check", "--bogus"], "unrecognized option --bogus of check"),
    (["check", "--running-kernel", "not a release"], "--running-kernel"),
    (["check", "--running-kernel", "../../etc"], "not a kernel release"),
])
def test_usage_errors_exit_2_with_one_line(capsys, argv, message):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and len(err.splitlines()) == 1


def test_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_cli(capsys, "check", "--help")
    assert exit_info.value.code == 0
    assert "3  cannot inspect" in capsys.readouterr().out


def test_unexpected_errors_are_one_line_not_a_traceback(capsys, monkeypatch):
    import rescue.commands.check as check

    def explode(args, out):
        raise RuntimeError("boom")
    monkeypatch.setattr(check, "run", explode)
    monkeypatch.delenv("OVS_RESCUE_DEBUG", raising=False)
    code, _, err = run_cli(capsys, "check", "--root", "/")
    assert code == 3
    assert err.startswith("ovs-rescue: internal error: RuntimeError: boom")
    assert "Traceback" not in err


NOT_SECONDS = ["nan", "NaN", "-nan", "inf", "-inf", "infinity", "-5", "-0.5",
               "1e6", "1e309", "", "soon"]


@pytest.mark.parametrize("value", NOT_SECONDS)
@pytest.mark.parametrize("command, option", [
    ("rollback", "--wait"), ("undo", "--wait"), ("check", "--timeout"),
    ("status", "-t"), ("rollback", "--timeout"),
])
@pytest.mark.parametrize("joined", [False, True])
def test_wait_and_timeout_take_finite_non_negative_seconds_only(
        capsys, command, option, value, joined):
    """--wait nan waited forever with the lock held; -5 and inf passed."""
    argv = ([command, "%s=%s" % (option, value)] if joined
            else [command, option, value])
    code, out, err = run_cli(capsys, *argv, "--root", "/nonexistent")
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert ("is not a number of seconds" in err
            or "expected one argument" in err and value.startswith("-"))


@pytest.mark.parametrize("command", ["rollback", "undo"])
def test_wait_zero_means_fail_at_once(capsys, command):
    from rescue.cmdline.parser import parse_with_argparse
    assert parse_with_argparse([command, "--wait", "0"]).wait == 0.0


def test_a_relative_dbpath_is_a_usage_error(make_host, capsys):
    """It passed the tool's own check, then rpm failed: exit 3."""
    root = make_host([Kernel(K847)], pending=K847)
    for argv in (["check", "--dbpath", "var/lib/rpm"],
                 ["rollback", "--dbpath=var/lib/rpm"],
                 ["snapshot", "--dbpath", "./var/lib/rpm"]):
        code, out, err = run_cli(capsys, *argv, "--root", root)
        assert (code, out) == (2, ""), err
        assert "--dbpath" in err and "absolute" in err
        assert len(err.splitlines()) == 1


@pytest.mark.parametrize("command", ["check", "status", "rollback", "undo",
                                     "snapshot"])
@pytest.mark.parametrize("option", ["--root", "--dbpath", "--packages",
                                    "--snapshot"])
def test_an_option_written_as_opt_equals_dashes_takes_the_value_dashes(
        capsys, tmp_path, monkeypatch, command, option):
    """argparse (3.11, 3.6) drops the `--` of `--root=--` and gave the
    command an empty list (an internal error); getopt, and the quick
    parser, take the value `--`, here a file that is not there."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, command, option + "=--")
    assert len(err.splitlines()) == 1, err
    assert "internal error" not in err
    assert code in (2, 3)
    assert "--" in err


@pytest.mark.parametrize("command", ["check", "rollback", "undo"])
def test_a_timeout_of_dashes_is_no_number_of_seconds(capsys, command):
    code, out, err = run_cli(capsys, command, "--timeout=--", "--root",
                             "/nonexistent")
    assert (code, out) == (2, "")
    assert "is not a number of seconds" in err
