"""docs/console.md's console example is the real output, so it cannot drift.

Set OVS_RESCUE_WRITE_DOCS=1 to write the block anew from the output.
"""
import os
import re

from rescue.sample import hotfix_host as demo
from tests.conftest import REPO
from tests.hosts import run_cli

START = "<!-- console example: written by tests/test_readme_console.py -->\n"
END = "<!-- end of console example -->\n"
STEPS = (["check"], ["status"], ["rollback", "--dry-run"], ["rollback"],
         ["check"])
CHANGE_ID = re.compile(r"\d{8}T\d{6}Z-\d+")


def console_block(capsys, tmp_path):
    root = str(tmp_path / "sample")
    packages = demo.build_sample_host(root)
    lines = []
    for step in STEPS:
        _, out, err = run_cli(capsys, *step + ["--root", root, "--packages",
                                               packages, "--running-kernel",
                                               demo.RUNNING])
        assert err == ""
        lines.append("# ovs-rescue " + " ".join(step))
        lines += CHANGE_ID.sub("20261126T010452Z-16208", out).splitlines()
    return "".join("    %s\n" % line if line else "\n" for line in lines)


def test_the_console_example_is_the_real_output(capsys, tmp_path):
    path = os.path.join(REPO, "docs", "console.md")
    with open(path) as handle:
        text = handle.read()
    start = text.index(START) + len(START)
    end = text.index(END)
    block = "\n" + console_block(capsys, tmp_path) + "\n"
    if os.environ.get("OVS_RESCUE_WRITE_DOCS"):
        with open(path, "w") as handle:
            handle.write(text[:start] + block + text[end:])
        return
    assert text[start:end] == block, (
        "docs/console.md's console example drifted; write it anew with "
        "OVS_RESCUE_WRITE_DOCS=1")
    assert max(len(line) for line in block.splitlines()) <= 4 + 79
