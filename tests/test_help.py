"""Help at the console: every -h on one 80x24 screen, `help TOPIC` from
the one manual text, and the man page made from the same text."""
import os
import re
import shutil
import subprocess
import sys

import pytest

from rescue.cmdline.manual import load_manual
from tests.conftest import REPO

COMMANDS = ["status", "check", "rollback", "undo", "snapshot", "demo", "help"]
TOPICS = [topic.name for topic in load_manual()[1]]
PLAIN = {"TERM": "dumb", "COLUMNS": "80", "LINES": "24"}


@pytest.mark.parametrize("command", [None] + COMMANDS)
def test_every_help_fits_a_console_with_room_for_the_prompt(run_pyz,
                                                            command):
    done = run_pyz(*([command] if command else []) + ["-h"], env=PLAIN)
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and done.stderr == ""
    # the typed command, the help and the next prompt: 24 rows
    assert len(lines) <= 22 and max(len(line) for line in lines) <= 79
    assert lines[0].startswith("usage: ovs-rescue " + (command or ""))
    assert lines[-1] == "The whole manual, as plain text: ovs-rescue help " \
                        "[TOPIC]"


@pytest.mark.parametrize("command, options", [
    ("check", ["--nagios", "-q, --quiet"]),
    ("rollback", ["--to KERNEL", "--dry-run", "--wait SECONDS"]),
    ("undo", ["--dry-run", "--wait SECONDS"]),
    ("demo", ["--keep"]),
])
def test_each_help_names_the_commands_own_options(run_pyz, command, options):
    text = run_pyz(command, "-h", env=PLAIN).stdout
    assert all(option in text for option in options)
    if command != "demo":
        assert "--root DIR" in text and "-t/--timeout SECONDS" in text


@pytest.mark.parametrize("topic", [None, "all"] + TOPICS)
def test_help_topics_are_plain_text_of_80_columns(run_pyz, topic):
    done = run_pyz("help", *([topic] if topic else []), env=PLAIN)
    assert done.returncode == 0 and done.stderr == ""
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    assert "\033" not in done.stdout and done.stdout.isascii()


def test_the_required_topics_exist_and_the_index_lists_them(run_pyz):
    index = run_pyz("help", env=PLAIN).stdout
    for topic in ["exit-codes", "json", "safety", "console"]:
        assert topic in TOPICS and re.search(r"^  %s " % topic, index, re.M)


def test_help_all_is_every_topic(run_pyz):
    text = run_pyz("help", "all", env=PLAIN).stdout
    for topic in load_manual()[1]:
        assert "\n".join(topic.lines).strip() in text


def test_an_unknown_topic_is_a_usage_error_with_did_you_mean(run_pyz):
    done = run_pyz("help", "exit-code", env=PLAIN)
    assert done.returncode == 2 and done.stdout == ""
    assert "did you mean exit-codes?" in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_help_exit_codes_matches_the_readme_table():
    """Each code of README's table is in the manual's exit-codes topic."""
    readme = open(os.path.join(REPO, "README.md")).read()
    table = readme.split("### Exit codes", 1)[1].split("###", 1)[0]
    codes = set(re.findall(r"^\| (\d+) \|", table, re.M))
    topic = dict((t.name, t) for t in load_manual()[1])["exit-codes"]
    listed = set(re.findall(r"^  (\d+) ", "\n".join(topic.lines), re.M))
    assert codes == listed


# -- the man page ----------------------------------------------------------

@pytest.fixture(scope="module")
def man_page(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("man") / "ovs-rescue.8")
    subprocess.run([sys.executable, os.path.join(REPO, "build_man.py"),
                    "--output", out], check=True, stdout=subprocess.DEVNULL)
    return out


def rendered(page):
    if not shutil.which("groff"):
        pytest.fail("groff is needed to render the man page (apt-get "
                    "install groff-base)")
    done = subprocess.run(["groff", "-man", "-Tascii", "-ww", "-rLL=80n",
                           page], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          env=dict(os.environ, LC_ALL="C"))
    assert done.returncode == 0 and done.stderr == ""
    return re.sub(r".\x08", "", done.stdout)      # no overstrike bold


def test_the_man_page_is_the_manual_and_fits_80_columns(man_page):
    text = rendered(man_page)
    assert max(len(line) for line in text.splitlines()) <= 80
    preamble, topics = load_manual()
    for topic in topics:
        assert "\n" + topic.title.upper() + "\n" in text
        for line in topic.lines:       # kept blocks appear as written
            if line.startswith(" "):
                assert line in text.splitlines()


def test_two_builds_of_the_man_page_are_identical(man_page, tmp_path):
    again = str(tmp_path / "again.8")
    subprocess.run([sys.executable, os.path.join(REPO, "build_man.py"),
                    "--output", again], check=True, stdout=subprocess.DEVNULL)
    assert open(again, "rb").read() == open(man_page, "rb").read()


# -- in a real terminal of 80x24 ------------------------------------------

@pytest.mark.parametrize("command", ["rollback", "check", "undo", None])
def test_help_in_an_80x24_terminal_keeps_the_typed_line_and_usage(terminal,
                                                                  command):
    argv = ([command] if command else []) + ["-h"]
    screen = terminal(argv, ["TERM=dumb"])
    assert len(screen) == 24 or screen[-1] == "$"
    assert screen[0] == "$ ovs-rescue " + " ".join(argv)
    assert screen[1].startswith("usage: ovs-rescue")
    assert any("ovs-rescue help" in line for line in screen)


@pytest.mark.parametrize("env, colour", [
    (["TERM=xterm"], True), (["TERM=xterm", "NO_COLOR="], True),
    (["TERM=xterm", "NO_COLOR=1"], False), (["TERM=dumb"], False),
    (["TERM="], False), (["-u", "TERM"], False),
])
def test_colour_on_a_real_terminal_follows_the_conventions(
        terminal, make_host, env, colour):
    from tests.hosts import K835, K847, Kernel
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    screen = terminal(["check", "--root", root, "--running-kernel", K835],
                      ["-u", "NO_COLOR"] + env, escapes=True)
    verdict = [line for line in screen if "UNSAFE to reboot" in line]
    assert len(verdict) == 1 and ("\033[" in verdict[0]) is colour


def test_the_console_page_holds_help_console_word_for_word():
    section = open(os.path.join(REPO, "docs", "console.md")).read()
    topic = dict((t.name, t) for t in load_manual()[1])["console"]
    block = "\n".join(("    " + line).rstrip() for line in topic.lines)
    assert block in section
