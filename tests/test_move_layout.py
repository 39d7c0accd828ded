"""tools/move_layout.py on a small repository: moves, rewrites, stops."""
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tools"))
import move_layout  # noqa: E402

LAYOUT = """\
package rescue.core  Pure.
package rescue.host  Reads.
rescue              rescue
rescue.cli          rescue.cli
rescue.naming       rescue.core.naming
rescue.journal      rescue.host.statedir
rescue.host         rescue.commands.boundary
rescue.commands     rescue.commands
tests.test_naming   tests.unit.test_naming
package tests.unit  Unit tests.
"""
FILES = {
    "rescue/__init__.py": '"""Top."""\n',
    "rescue/commands/__init__.py": '"""Commands."""\n',
    "rescue/naming.py": 'OVS = "openvswitch"\n',
    "rescue/journal.py": '"""Kept in /boot/.ovs-rescue/journal.json."""\n'
                         "from rescue import naming\nSTATE = naming.OVS\n",
    "rescue/host.py": ("from rescue.journal import STATE\n"
                       "from rescue.naming import (OVS as OPEN_VSWITCH_NAME, "
                       "OVS as VIRTUAL_SWITCH)\n"),
    "rescue/cli.py": ("import sys\n"
                      "from rescue import journal, naming as names  # why\n"
                      "from rescue.host import STATE\n"
                      "APPLY = sys.modules.get(\"rescue.journal\")\n"
                      "SEE = 'rescue/journal.py, rescue.journalx'\n"),
    "tests/__init__.py": "",
    "tests/test_naming.py": "from rescue import naming\n\n\n"
                            "def test_ovs():\n"
                            "    assert naming.OVS == 'openvswitch'\n",
    "pyproject.toml": '[tool.setuptools]\npackages = ["rescue", '
                      '"rescue.commands"]\n',
}


def git(root, *argv):
    subprocess.run(["git", "-C", str(root)] + list(argv), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def repo(tmp_path):
    for name, text in dict(FILES, **{"tools/layout.txt": LAYOUT}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit",
        "-qm", "tree")
    return tmp_path


def test_modules_move_and_every_name_of_them_is_rewritten(repo):
    move_layout.move(str(repo))
    cli = (repo / "rescue/cli.py").read_text()
    assert cli == ("import sys\n"
                   "from rescue.core import naming as names  # why\n"
                   "from rescue.host import statedir as journal\n"
                   "from rescue.commands.boundary import STATE\n"
                   "APPLY = sys.modules.get(\"rescue.host.statedir\")\n"
                   "SEE = 'rescue/host/statedir.py, rescue.journalx'\n")
    statedir = (repo / "rescue/host/statedir.py").read_text()
    assert "/boot/.ovs-rescue/journal.json" in statedir
    assert "from rescue.core import naming\n" in statedir
    assert (repo / "rescue/core/__init__.py").read_text() == '"""Pure."""\n'
    assert not (repo / "rescue/host.py").exists()
    assert 'packages = ["rescue", "rescue.commands", "rescue.core", ' \
           '"rescue.host"]' in (repo / "pyproject.toml").read_text()


def test_an_import_the_longer_name_pushes_past_79_columns_is_wrapped(repo):
    move_layout.move(str(repo))
    boundary = (repo / "rescue/commands/boundary.py").read_text()
    assert boundary == (
        "from rescue.host.statedir import STATE\n"
        "from rescue.core.naming import OVS as OPEN_VSWITCH_NAME, "
        "OVS as VIRTUAL_SWITCH\n")
    assert max(len(line) for line in boundary.splitlines()) <= 79


def test_the_moved_tree_imports_and_its_moved_test_passes(repo):
    move_layout.move(str(repo))
    done = subprocess.run(
        [sys.executable, "-c", "import rescue.cli, rescue.commands.boundary;"
         "from tests.unit import test_naming; test_naming.test_ovs()"],
        cwd=str(repo), stderr=subprocess.PIPE, universal_newlines=True)
    assert done.returncode == 0, done.stderr


def test_a_second_run_changes_nothing(repo):
    move_layout.move(str(repo))
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm",
        "moved")
    move_layout.move(str(repo))
    status = subprocess.run(["git", "-C", str(repo), "status",
                             "--porcelain"], stdout=subprocess.PIPE,
                            universal_newlines=True).stdout
    assert status == ""


def test_a_module_without_a_line_stops_the_move_and_is_named(repo):
    (repo / "rescue/grubenv.py").write_text("")
    (repo / "rescue/kmodfile.py").write_text("")
    with pytest.raises(move_layout.LayoutError) as error:
        move_layout.move(str(repo))
    assert "rescue.grubenv\n  rescue.kmodfile" in str(error.value)
    assert (repo / "rescue/naming.py").exists()


def test_a_line_for_a_module_that_is_gone_stops_the_move(repo):
    (repo / "rescue/naming.py").unlink()
    with pytest.raises(move_layout.LayoutError) as error:
        move_layout.move(str(repo))
    assert "rescue.naming" in str(error.value)


def test_a_long_import_is_wrapped_within_80_columns():
    text = move_layout.wrapped_import(
        "    ", "rescue.core", ["bootlinks", "journal as changes",
                                "eligibility", "layouts", "naming",
                                "rpmvercmp", "records"])
    assert all(len(line) <= 79 for line in text.splitlines())
    assert text.startswith("    from rescue.core import (bootlinks,")
    assert text.endswith("records)\n")
