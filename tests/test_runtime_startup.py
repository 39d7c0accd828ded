"""The bundled runtime's start: `check` and `status` through the installed
launcher take their few stdlib modules from the small first zip and never
open python311.zip, whose central directory zipimport reads whole (two
hundred entries) the first time anything is imported from it."""
import json
import os
import shutil
import subprocess
import zipfile

import pytest

from tests.hosts import K835, K847, Kernel
from tests.test_install import (  # noqa: F401  (fixtures)
    INSTALL, STAGED_PYTHON, built_man_page, local_launcher, run_bundle,
    staged_runtime)
from tests.test_runtime import bundled  # noqa: F401  (the fixture)
from tests.conftest import python_id

STARTUP_ZIP = "python311-startup.zip"
STDLIB_ZIP = "python311.zip"
HOT = [["check"], ["status"], ["check", "--nagios"]]


@pytest.fixture
def safe_host(make_host):
    """Both kernels have their module: `check` says 0."""
    return make_host([Kernel(K835), Kernel(K847)], pending=K847)


@pytest.fixture
def launcher(tmp_path, zipapp, bundled, safe_host):
    """The launcher install.sh wrote on safe_host from a bundle holding the
    built runtime, its runtime staged for the bundled interpreter's arch."""
    folder = tmp_path / "bundle"
    folder.mkdir()
    shutil.copy(INSTALL, str(folder / "install.sh"))
    shutil.copy(zipapp, str(folder / "ovs-rescue.pyz"))
    shutil.copy(built_man_page(zipapp), str(folder / "ovs-rescue.8"))
    shutil.copytree(os.path.dirname(os.path.dirname(bundled)),
                    str(folder / "runtime"))
    done = run_bundle(str(folder), safe_host, "--arch", python_id(bundled))
    assert done.returncode == 0, done.stderr
    return local_launcher(safe_host, tmp_path)[0]


def traced(argv):
    """(CompletedProcess, the file syscalls of every process, as lines)."""
    done = subprocess.run(
        ["strace", "-f", "-qq", "-o", "/dev/stderr", "-e", "trace=%file"]
        + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=60)
    return done, done.stderr.splitlines()


def opened(lines, name):
    """The open/openat calls of a file of that name."""
    return [line for line in lines if "open" in line.split("(")[0]
            and '/%s"' % name in line]


def command(host, argv):
    return argv + ["--root", host, "--running-kernel", K835]


@pytest.mark.parametrize("argv", HOT, ids=" ".join)
def test_hot_commands_never_open_the_big_stdlib_zip(launcher, safe_host,
                                                    argv):
    done, lines = traced([launcher] + command(safe_host, argv))
    assert done.returncode == 0, lines[-5:]
    assert opened(lines, STDLIB_ZIP) == []
    assert opened(lines, STARTUP_ZIP)           # strace sees the opens


@pytest.mark.parametrize("argv", [["check", "--json"], ["--json", "status"]],
                         ids=" ".join)
def test_json_still_imports_from_the_big_stdlib_zip(launcher, safe_host,
                                                    argv):
    done, lines = traced([launcher] + command(safe_host, argv))
    assert done.returncode == 0, lines[-5:]
    assert isinstance(json.loads(done.stdout), dict)
    assert opened(lines, STDLIB_ZIP)


def zip_modules(path):
    """Dotted module names of a zip of .pyc files."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert all(name.endswith(".pyc") for name in names), names
    return {name[:-4].replace("/", ".").replace(".__init__", "")
            for name in names}


def test_the_startup_zip_holds_what_the_hot_commands_import(
        launcher, safe_host, tmp_path):
    """Each module in it is one `check` or `status` imports (it cannot grow
    unseen), and they import nothing from python311.zip."""
    runtime = os.path.realpath(staged_runtime(safe_host))
    verbose = tmp_path / "python3"
    verbose.write_text('#!/bin/sh\nexec %s/python3 -v "$@"\n' % runtime)
    verbose.chmod(0o755)
    text = open(launcher).read()
    python_line = "\npython='%s%s'\n" % (safe_host, STAGED_PYTHON)
    assert python_line in text
    with open(launcher, "w") as out:
        out.write(text.replace(python_line, "\npython='%s'\n" % verbose))
    imported = {}
    for argv in HOT:
        done = subprocess.run([launcher] + command(safe_host, argv),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)
        assert done.returncode == 0, done.stderr[-2000:]
        for line in done.stderr.splitlines():
            where = line.split('"')[1] if '"' in line else ""
            if line.startswith("import '") and where.startswith(runtime):
                where = where[len(runtime) + 1:].split("/")[0]
                imported.setdefault(where, set()).add(line.split("'")[1])
    assert set(imported) == {STARTUP_ZIP}, imported
    assert imported[STARTUP_ZIP] == zip_modules(
        os.path.join(runtime, STARTUP_ZIP))


def test_the_two_zips_hold_no_module_twice(bundled):
    folder = os.path.dirname(bundled)
    startup = zip_modules(os.path.join(folder, STARTUP_ZIP))
    rest = zip_modules(os.path.join(folder, STDLIB_ZIP))
    assert {"encodings", "struct"} <= startup
    assert "json" in rest and not startup & rest


def test_a_startup_file_the_tool_does_not_import_stops_the_build(
        monkeypatch):
    import build_runtime
    closure = ["encodings/__init__.py", "encodings/aliases.py",
               "encodings/utf_8.py", "json/__init__.py", "struct.py"]
    zips = build_runtime.split_closure(closure)
    assert zips == {STARTUP_ZIP: build_runtime.STARTUP_FILES,
                    STDLIB_ZIP: ["json/__init__.py"]}
    monkeypatch.setattr(build_runtime, "STARTUP_FILES",
                        build_runtime.STARTUP_FILES + ["gone.py"])
    with pytest.raises(build_runtime.BuildError) as failed:
        build_runtime.split_closure(closure)
    assert str(failed.value) == ("STARTUP_FILES lists gone.py, which the "
                                 "tool does not import")
