"""The functional core stays pure: a test holds the layers, not a promise.

The pure modules decide (naming, version order, boot loader text, layouts,
eligibility, plans, rendering); they import nothing that reads, writes or
runs, directly or through another module of the package.
"""
import ast
import os

import pytest

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "rescue")
PURE = ("naming", "rpmvercmp", "records", "errors", "bootfacts", "changes",
        "bootloader", "extlinux", "grubcfg", "grubenv", "bootimage",
        "modulesdep", "layouts", "eligibility", "remedies", "targets",
        "report", "plan", "textout", "render", "render_change",
        "render_status", "nagios", "rpmheaders", "preflight",
        "render_preflight")
# What touches the disk, runs a process or reads the environment.
IMPURE_STDLIB = {"os", "subprocess", "shutil", "tempfile", "select", "signal",
                 "fcntl", "io", "pathlib", "glob", "socket", "syslog",
                 "pkgutil", "time", "sys"}


def imports_of(module):
    """(stdlib names, rescue module names) a module imports anywhere."""
    with open(os.path.join(PACKAGE, module + ".py")) as source:
        tree = ast.parse(source.read())
    stdlib, ours = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.module == "rescue":
                ours.update(alias.name for alias in node.names)
                continue
            names = [node.module]
        else:
            continue
        for name in names:
            if name.startswith("rescue."):
                ours.add(name.split(".")[1])
            else:
                stdlib.add(name.split(".")[0])
    return stdlib, ours


@pytest.mark.parametrize("module", PURE)
def test_a_pure_module_imports_only_pure_modules(module):
    stdlib, ours = imports_of(module)
    assert not stdlib & IMPURE_STDLIB, module
    assert ours <= set(PURE), (module, ours - set(PURE))


def test_the_check_catches_an_impure_import():
    stdlib, ours = imports_of("facts")
    assert "os" in stdlib and "rpmdb" in ours


# Where argparse's Namespace may go: parsing, the boundary, the commands.
NAMESPACE_MODULES = {"cli", "parser", "quickparse", "host", "suggest"}


def test_the_namespace_stops_at_the_command_modules():
    """No function below the command modules takes `args`."""
    offenders = []
    for name in sorted(os.listdir(PACKAGE)):
        module = name[:-3]
        if not name.endswith(".py") or module in NAMESPACE_MODULES:
            continue
        with open(os.path.join(PACKAGE, name)) as source:
            tree = ast.parse(source.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                    a.arg == "args" for a in node.args.args):
                offenders.append("%s.%s" % (module, node.name))
    assert offenders == []
