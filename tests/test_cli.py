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
