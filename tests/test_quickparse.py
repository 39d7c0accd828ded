"""The quick parser of check and status against argparse, the oracle."""
import pytest
from hypothesis import given, settings, strategies as st

from rescue.errors import UsageError
from rescue.parser import parse_with_argparse
from rescue.quickparse import parse_quickly

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


def test_check_runs_without_importing_argparse(tmp_path):
    import subprocess
    import sys
    repo = __file__.rsplit("/tests/", 1)[0]
    code = ("import sys; sys.path.insert(0, %r); from rescue.cli import "
            "main; main(['check', '--root', %r]); sys.stderr.write(str("
            "'argparse' in "
            "sys.modules) + ' ' + str('subprocess' in sys.modules) + "
            "' ' + str('textwrap' in sys.modules) + ' ' + "
            "str('re' in sys.modules))" % (repo, str(tmp_path)))
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert done.stderr.splitlines()[-1] == "False False False False"


def test_a_usage_error_is_still_argparses(capsys):
    with pytest.raises(UsageError):
        parse_with_argparse(["check", "--bogus"])
