"""Refusals in the tool's words: a usage error suggests only an option the
command takes, and names the command an option belongs to."""
import pytest

from tests.hosts import run_cli


@pytest.mark.parametrize("argv, said", [
    (["undo", "--to", "x"], "option --to of undo: it is an option of "
                            "rollback only (see ovs-rescue undo -h)"),
    (["status", "--dry-run"], "option --dry-run of status: it is an option "
                              "of rollback and undo only"),
    (["check", "--to=x"], "option --to of check: it is an option of "
                          "rollback only"),
])
def test_an_option_of_another_command_is_named_as_that_one(capsys, argv,
                                                           said):
    """Not "did you mean --timeout?" for undo --to: --to is rollback's."""
    code, out, err = run_cli(capsys, *argv)
    assert (code, out) == (2, "")
    assert said in err and "did you mean" not in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("argv, meant", [
    (["undo", "--dry"], "--dry-run"), (["check", "--t"], "--timeout"),
    (["rollback", "--to-x"], "--to"),
])
def test_a_mistyped_option_still_gets_the_nearest_one(capsys, argv, meant):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and "did you mean %s?" % meant in err
