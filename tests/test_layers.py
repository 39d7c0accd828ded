"""The functional core stays pure: the folders are the layers, held here.

Every module in rescue/core/ (decisions) and rescue/show/ (rendering)
imports nothing that reads, writes or runs, and of the package only
modules of those two folders and rescue.errors; so a new module is judged
by where it is put, never by a list kept by hand.
"""
import ast
import os

import pytest

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "rescue")
PURE_FOLDERS = ("core", "show")
PURE_TOP = ("rescue.errors",)
# What touches the disk, runs a process or reads the environment.
IMPURE_STDLIB = {"os", "subprocess", "shutil", "tempfile", "select", "signal",
                 "fcntl", "io", "pathlib", "glob", "socket", "syslog",
                 "pkgutil", "time", "sys"}
# Where argparse's Namespace may go: the entry point, parsing, the commands.
NAMESPACE_PLACES = ("rescue.cli", "rescue.cmdline.", "rescue.commands.")


def all_modules():
    """{dotted name: path} of every module of the package."""
    modules = {}
    for directory, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in files:
            if not name.endswith(".py"):
                continue
            parts = os.path.relpath(os.path.join(directory, name[:-3]),
                                    os.path.dirname(PACKAGE)).split(os.sep)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = os.path.join(directory, name)
    return modules


MODULES = all_modules()
PURE = sorted(name for name in MODULES
              if name in PURE_TOP or name.split(".")[1:2] and
              name.split(".")[1] in PURE_FOLDERS)


def is_pure(module):
    return module in PURE


def imports_of(module):
    """(stdlib names, the package's modules) a module imports anywhere."""
    with open(MODULES[module]) as source:
        tree = ast.parse(source.read())
    stdlib, ours = set(), set()
    package = module if MODULES[module].endswith("__init__.py") \
        else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split("."))
                                           - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            if base == "rescue" or base.startswith("rescue."):
                for alias in node.names:
                    sub = base + "." + alias.name
                    ours.add(sub if sub in MODULES else base)
                continue
            names = [base]
        else:
            continue
        for name in names:
            if name == "rescue" or name.startswith("rescue."):
                ours.add(name)
            else:
                stdlib.add(name.split(".")[0])
    return stdlib, ours


def test_each_pure_folder_holds_modules():
    for folder in PURE_FOLDERS:
        assert any(m.startswith("rescue.%s." % folder) for m in PURE), folder


@pytest.mark.parametrize("module", PURE)
def test_a_pure_module_imports_only_pure_modules(module):
    stdlib, ours = imports_of(module)
    assert not stdlib & IMPURE_STDLIB, module
    impure = {m for m in ours if not is_pure(m)
              and m not in ("rescue.core", "rescue.show")}
    assert not impure, (module, impure)


def test_the_check_catches_an_impure_import():
    stdlib, ours = imports_of("rescue.host.gather")
    assert "os" in stdlib and "rescue.host.rpmdb" in ours
    assert not all(is_pure(m) for m in ours)


def test_the_namespace_stops_at_the_command_modules():
    """No function below the command modules takes `args`."""
    offenders = []
    for module, path in sorted(MODULES.items()):
        if any(module == place.rstrip(".") or module.startswith(place)
               for place in NAMESPACE_PLACES):
            continue
        with open(path) as source:
            tree = ast.parse(source.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                    a.arg == "args" for a in node.args.args):
                offenders.append("%s.%s" % (module, node.name))
    assert offenders == []
