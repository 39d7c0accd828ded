"""build_pyz.py: a reproducible zipapp that can name its own build."""
import hashlib
import os
import subprocess
import sys

from rescue.cmdline.version import archive_of
from tests.conftest import REPO


def build(output, *options):
    done = subprocess.run(
        [sys.executable, os.path.join(REPO, "build_pyz.py"), "--output",
         str(output)] + list(options),
        stdout=subprocess.PIPE, universal_newlines=True, check=True)
    return done.stdout


def sha256(path):
    with open(str(path), "rb") as built:
        return hashlib.sha256(built.read()).hexdigest()


def test_two_builds_of_one_commit_are_byte_identical(zipapp, tmp_path):
    again = tmp_path / "again.pyz"
    printed = build(again)
    with open(zipapp, "rb") as first:
        assert first.read() == again.read_bytes()
    assert sha256(again) in printed


def test_build_writes_build_mans_page_beside_the_zipapp(zipapp,
                                                       tmp_path):
    again = tmp_path / "again.pyz"
    printed = build(again).splitlines()
    page = tmp_path / "ovs-rescue.8"
    assert printed[1].split()[0] == sha256(page)
    with open(os.path.join(os.path.dirname(zipapp), "ovs-rescue.8"),
              "rb") as first:
        assert first.read() == page.read_bytes()
    alone = tmp_path / "alone.8"
    subprocess.run([sys.executable, os.path.join(REPO, "build_man.py"),
                    "--output", str(alone)], check=True,
                   stdout=subprocess.DEVNULL)
    assert alone.read_bytes() == page.read_bytes()


def test_build_prints_the_sha256_it_wrote(tmp_path):
    out = tmp_path / "ovs-rescue.pyz"
    printed = build(out)
    assert printed.split()[0] == sha256(out)


def test_python_option_sets_an_absolute_shebang(tmp_path, python36):
    out = tmp_path / "ovs-rescue.pyz"
    build(out, "--python", python36)
    assert out.read_bytes().splitlines()[0] == b"#!" + python36.encode()
    done = subprocess.run([str(out), "--version"], stdout=subprocess.PIPE,
                          universal_newlines=True)
    assert done.returncode == 0 and sha256(out) in done.stdout


def test_default_shebang_finds_python3_on_path(zipapp):
    with open(zipapp, "rb") as built:
        assert built.readline() == b"#!/usr/bin/env python3\n"


def test_version_names_the_zipapp_sha256_under_python36(zipapp, run_pyz):
    done = run_pyz("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ovs-rescue 0.1.0\nsha256 %s\n" % sha256(zipapp)


def test_archive_of_a_module_is_the_first_file_up_its_path(tmp_path):
    archive = tmp_path / "ovs-rescue.pyz"
    archive.write_bytes(b"PK")
    inside = archive / "site-packages" / "rescue" / "cli.py"
    assert archive_of(str(inside)) == str(archive)
    assert archive_of(os.path.join(REPO, "rescue", "cli.py")) is None


def test_python36_and_311_load_precompiled_trees_and_others_sources(zipapp):
    from rescue.zipmain import site_packages
    assert site_packages(zipapp, (3, 6, 15)).endswith("/site-packages-36")
    assert site_packages(zipapp, (3, 11, 2)).endswith("/site-packages-311")
    assert site_packages(zipapp, (3, 12, 1)).endswith("/site-packages")


def test_python36_really_imports_bytecode_from_the_archive(zipapp, python36):
    done = subprocess.run([python36, "-v", zipapp, "--version"],
                          stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                          universal_newlines=True)
    assert done.returncode == 0
    assert "site-packages-36/rescue/cli.pyc" in done.stderr


def test_the_test_python_runs_the_demo(zipapp):
    done = subprocess.run([sys.executable, zipapp, "demo"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert done.returncode == 0, done.stderr
    assert "$ ovs-rescue undo\nUndone: boot pair now" in done.stdout


def test_archive_carries_no_extracting_bootstrap(zipapp):
    import zipfile
    with zipfile.ZipFile(zipapp) as archive:
        names = archive.namelist()
    assert not [n for n in names if n.startswith("_bootstrap/")]
    assert "site-packages/rescue/cli.py" in names


def test_python311_really_imports_bytecode_from_the_archive(zipapp):
    from build_pyz import find_py311
    done = subprocess.run([find_py311(), "-v", zipapp, "--version"],
                          stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                          universal_newlines=True)
    assert done.returncode == 0
    assert "site-packages-311/rescue/" in done.stderr


def test_bytecode_trees_hold_no_sources(zipapp):
    import zipfile
    with zipfile.ZipFile(zipapp) as archive:
        names = archive.namelist()
    for tree in ("site-packages-36/", "site-packages-311/"):
        modules = [n for n in names if n.startswith(tree + "rescue/")]
        assert tree + "rescue/cli.pyc" in modules
        assert not [n for n in modules if n.endswith(".py")]


DOCSTRINGS = (b"Command line: parse, dispatch", b"Run one command; the exit")


def _tree_file(zipapp, tree, name="cli.pyc"):
    import zipfile
    with zipfile.ZipFile(zipapp) as archive:
        return archive.read("%s/rescue/%s" % (tree, name))


def test_the_bytecode_trees_carry_no_docstrings(zipapp):
    """Compiled as -OO: docstrings are about a tenth of what the
    package's code objects unmarshal on every start, and nothing reads
    them (test_the_package_never_reads_docstrings_or_asserts)."""
    source = _tree_file(zipapp, "site-packages", "cli.py")
    assert [text for text in DOCSTRINGS if text in source] == list(DOCSTRINGS)
    for tree in ("site-packages-36", "site-packages-311"):
        data = _tree_file(zipapp, tree)
        assert [text for text in DOCSTRINGS if text in data] == [], tree


def test_the_311_tree_carries_no_column_positions(zipapp):
    """-X no_debug_ranges: tracebacks keep their line numbers, the code
    objects lose the column table 3.11 adds."""
    import marshal
    if sys.version_info[:2] != (3, 11):
        import pytest
        pytest.skip("reads 3.11 bytecode")
    code = marshal.loads(_tree_file(zipapp, "site-packages-311")[16:])
    main = [c for c in code.co_consts if getattr(c, "co_name", "") == "main"]
    assert {position[2:] for position in main[0].co_positions()} == {
        (None, None)}
    assert {position[0] for position in main[0].co_positions()} != {None}


def test_the_package_never_reads_docstrings_or_asserts():
    """So the -OO bytecode behaves as the sources: no assert to drop, no
    __doc__ to read."""
    import ast
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    found = []
    for directory, _, names in os.walk(os.path.join(repo, "rescue")):
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                with open(path) as source:
                    tree = ast.parse(source.read())
                for node in ast.walk(tree):
                    if isinstance(node, ast.Assert) or (
                            isinstance(node, (ast.Attribute, ast.Name)) and
                            getattr(node, "attr", getattr(node, "id", None))
                            == "__doc__"):
                        found.append("%s:%d" % (path, node.lineno))
    assert found == []
