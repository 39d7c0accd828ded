"""The quick parser of check and status against argparse, the oracle."""
import pytest
from hypothesis import given, settings, strategies as st

from rescue.errors import UsageError
from rescue.cmdline.parser import parse_with_argparse
from rescue.cmdline.quickparse import parse_quickly

WORDS = st.sampled_from([
    "check", "status", "rollback", "--root", "--dbpath", "--packages",
    "--snapshot", "--running-kernel", "--timeout", "-t", "--any-build",
    "--json", "--nagios", "--help", "-h", "--version", "--ro", "--",
    "/mnt/host", "5", "0", "-1", "soon", "1e9", "--root=/x", "--json=1",
    "-t5", "2.6.32.43-0.4.1.xs1.8.0.847.170785xen", "", "-q", "--quiet",
    "-V", "--nag", "--qu",
])


@settings(max_examples=600, deadline=None)
@given(st.lists(WORDS, max_size=7))
def test_what_the_quick_parser_accepts_argparse_reads_alike(argv):
    quick = parse_quickly(argv)
    if quick is None:
        return
    assert vars(quick) == vars(parse_with_argparse(argv))


@pytest.mark.parametrize("argv", [
    ["check"], ["status"], ["check", "--nagios"], ["--json", "status"],
    ["check", "--root", "/r", "--running-kernel", "1xen", "-t", "2"],
    ["--root=/r", "check", "--timeout=2.5", "--any-build"],
])
def test_the_field_command_lines_take_the_quick_path(argv):
    assert parse_quickly(argv) is not None
    assert vars(parse_quickly(argv)) == vars(parse_with_argparse(argv))


@pytest.mark.parametrize("argv", [
    ["check", "--help"], ["--version"], ["rollback"], ["check", "--nag"],
    ["check", "--timeout", "soon"], ["check", "--root"], ["status",
                                                          "--nagios"],
])
def test_anything_else_is_left_to_argparse(argv):
    assert parse_quickly(argv) is None


def test_a_usage_error_is_still_argparses(capsys):
    with pytest.raises(UsageError):
        parse_with_argparse(["check", "--bogus"])


SECONDS_TEXT = st.one_of(
    st.sampled_from(["nan", "-nan", "inf", "-inf", "Infinity", "-5", "0",
                     "-0", "0.0", "1e6", "999999.9", "1e-300", "5", " 5 ",
                     "1_0", "0x10", "", "soon"]),
    st.floats().map(repr), st.text(max_size=6))


@settings(max_examples=400, deadline=None, derandomize=True)
@given(SECONDS_TEXT)
def test_both_parsers_take_the_same_timeouts(text):
    """--timeout: the quick parser takes exactly the values argparse takes,
    as the same number; the rest it leaves to argparse's usage error."""
    quick = parse_quickly(["check", "--timeout=" + text])
    try:
        slow = parse_with_argparse(["check", "--timeout=" + text])
    except UsageError:
        assert quick is None
        return
    assert quick is not None and quick.timeout == slow.timeout


@settings(max_examples=300, deadline=None, derandomize=True)
@given(SECONDS_TEXT)
def test_wait_and_timeout_share_one_rule_but_zero(text):
    from rescue.cmdline import parser
    import argparse

    def taken(check):
        try:
            return check(text)
        except argparse.ArgumentTypeError:
            return None
    wait, timeout = taken(parser.wait_seconds), taken(parser.seconds)
    assert timeout == (wait if wait != 0 else None)
    if wait is not None:
        assert 0 <= wait < 1e6 and wait == wait     # finite, not nan
