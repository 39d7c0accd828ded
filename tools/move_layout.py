#!/usr/bin/env python3
"""Move the modules of rescue/ into the folders tools/layout.txt names.

Mechanical and checked before it touches anything: every module of rescue/
must have a line (a new one stops the move, with the list), every line
must name a module that is there (or already moved). Then it creates the
packages with their docstrings, `git mv`s the modules and tests, rewrites
every import and dotted or path name of a moved module in the repository's
text files, the packages list of pyproject.toml, and puts
tools/test_layers_after_move.py in place as tests/test_layers.py, which
judges the layers by folder. It stages the result and commits nothing.

Run from anywhere: python3 tools/move_layout.py [--repo DIR] [--check]
(--check: only say whether the layout covers the tree). Modern Python.
"""
import argparse
import ast
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LAYOUT = "tools/layout.txt"
LAYERS_TEST = "tools/test_layers_after_move.py"
# Text that may name a module: code, shell, configuration, documentation.
# rescue/data/ is left alone: the manual's text is output of the tool.
TEXT_SUFFIXES = (".py", ".sh", ".toml", ".cfg", ".ini", ".yml", ".yaml",
                 ".md", ".j2")
TEXT_NAMES = ("tests/run", ".ci/run")
# The layout, the tool and its tests name the old modules on purpose.
NOT_REWRITTEN = (LAYOUT, "tools/move_layout.py", LAYERS_TEST,
                 "tests/test_move_layout.py")


class LayoutError(Exception):
    """The layout and the tree disagree: nothing was changed."""


class HalfMoved(Exception):
    """The move failed after its first change."""


def parse_layout(text):
    """([(package, docstring)], [(old, new)]) of layout.txt's lines."""
    packages, moves = [], []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split(None, 2)
        if words[0] == "package" and len(words) == 3:
            packages.append((words[1], words[2]))
        elif len(words) == 2:
            moves.append((words[0], words[1]))
        else:
            raise LayoutError("%s line %d: not `package NAME TEXT` nor "
                              "`OLD NEW`: %r" % (LAYOUT, number, line))
    olds = [old for old, _ in moves]
    news = [new for _, new in moves]
    twice = sorted({n for n in olds if olds.count(n) > 1}
                   | {n for n in news if news.count(n) > 1})
    if twice:
        raise LayoutError("%s names these twice: %s" % (LAYOUT,
                                                       ", ".join(twice)))
    return packages, moves


def module_path(dotted, repo, package=False):
    """The file of a dotted module name: a.b -> a/b.py or a/b/__init__.py."""
    base = os.path.join(repo, *dotted.split("."))
    if package or os.path.isdir(base):
        return os.path.join(base, "__init__.py")
    return base + ".py"


def modules_in(repo, top):
    """Dotted names of every module under repo/top (packages included)."""
    found = set()
    for directory, dirs, files in os.walk(os.path.join(repo, top)):
        dirs[:] = [d for d in dirs if d != "__pycache__"
                   and os.path.isfile(os.path.join(directory, d,
                                                   "__init__.py"))]
        for name in files:
            if name.endswith(".py"):
                parts = os.path.relpath(os.path.join(directory, name[:-3]),
                                        repo).split(os.sep)
                if parts[-1] == "__init__":
                    parts.pop()
                found.add(".".join(parts))
    return found


def plan_moves(repo, packages, moves):
    """The moves still to make, as (old, new, old file, new file); raises
    LayoutError, naming every module, when the layout does not cover the
    tree or names what is not in it."""
    present = modules_in(repo, "rescue")
    made_packages = {name for name, _ in packages}
    mapped = {old for old, _ in moves} | {new for _, new in moves}
    unmapped = sorted(present - mapped - made_packages)
    if unmapped:
        raise LayoutError(
            "these modules have no line in %s; add one for each (OLD NEW), "
            "then run again:\n  %s" % (LAYOUT, "\n  ".join(unmapped)))
    todo, missing = [], []
    for old, new in moves:
        if old == new:                  # stays: a module or a package
            if not (os.path.isfile(module_path(old, repo, package=False))
                    or os.path.isfile(module_path(old, repo, package=True))):
                missing.append(old)
            continue
        # a line that moves is always a plain module, a/b.py -> c/d.py: the
        # folder a/b/ may be a package of the layout already (rescue.host)
        old_file = os.path.join(repo, *old.split(".")) + ".py"
        new_file = os.path.join(repo, *new.split(".")) + ".py"
        if os.path.isfile(old_file):
            if os.path.exists(new_file):
                raise LayoutError("%s would move onto %s, which exists"
                                  % (old, os.path.relpath(new_file, repo)))
            todo.append((old, new, old_file, new_file))
        elif not os.path.isfile(new_file):
            missing.append(old)
    if missing:
        raise LayoutError("%s names modules that are not in the tree, "
                          "moved or not; remove their lines:\n  %s"
                          % (LAYOUT, "\n  ".join(missing)))
    return todo


def git(repo, *argv):
    subprocess.run(["git", "-C", repo] + list(argv), check=True,
                   stdout=subprocess.DEVNULL)


def make_packages(repo, packages):
    """Each layer's folder and its __init__.py, whose docstring says what
    the layer is."""
    made = []
    for name, text in packages:
        init = module_path(name, repo, package=True)
        os.makedirs(os.path.dirname(init), exist_ok=True)
        if not os.path.exists(init):
            with open(init, "w") as out:
                out.write('"""%s"""\n' % text.replace('"""', "'''"))
            made.append(init)
    return made


def move_files(repo, todo):
    for _, _, old_file, new_file in todo:
        os.makedirs(os.path.dirname(new_file), exist_ok=True)
        git(repo, "mv", os.path.relpath(old_file, repo),
            os.path.relpath(new_file, repo))


# -- the rewrite ------------------------------------------------------------

def renames(todo):
    """{old dotted: new dotted} and {old path: new path} (a/b.py form)."""
    dotted = {old: new for old, new, _, _ in todo}
    paths = {}
    for old, new, old_file, new_file in todo:
        paths[old.replace(".", "/") + ".py"] = new.replace(".", "/") + ".py"
    return dotted, paths


def name_pattern(names, path=False):
    """One regex for any of names, longest first, whole names only: not
    inside another dotted name or path (`ovs-rescue/journal.json`)."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len,
                                                          reverse=True))
    if path:
        return re.compile(r"(?<![\w./-])(%s)" % alternatives)
    return re.compile(r"(?<![\w.-])(%s)(?![\w])" % alternatives)


def rewrite_names(text, dotted, paths):
    """Every dotted and path name of a moved module in text, in one pass
    each, so that no new name is rewritten again."""
    if dotted:
        text = name_pattern(dotted).sub(lambda m: dotted[m.group(1)], text)
    if paths:
        text = name_pattern(paths, path=True).sub(
            lambda m: paths[m.group(1)], text)
    return text


def rewrite_package_imports(text, dotted, where):
    """`from rescue import a, b` where a and b moved, as one import per new
    package, each keeping the name the code uses (`as`)."""
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        raise LayoutError("%s does not parse: %s" % (where, error))
    lines = text.splitlines(keepends=True)
    edits = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.ImportFrom) and node.level == 0
                and node.module):
            continue
        moved = node.module in ("rescue", "tests") and any(
            "%s.%s" % (node.module, a.name) in dotted for a in node.names)
        # a `from rescue.x.y import ...` the longer name pushed past 79
        # columns is wrapped again
        pushed = (node.module.startswith(("rescue.", "tests."))
                  and node.lineno == node.end_lineno
                  and len(lines[node.lineno - 1].rstrip("\n")) > 79)
        if not (moved or pushed):
            continue
        first, last = node.lineno - 1, node.end_lineno - 1
        before = lines[first][:node.col_offset]
        after = lines[last][node.end_col_offset:].strip()
        if before.strip() or after and not after.startswith("#"):
            raise LayoutError("%s line %d: an import that shares its line; "
                              "split it first" % (where, node.lineno))
        groups = {}
        for alias in node.names:
            full = "%s.%s" % (node.module, alias.name)
            target = dotted.get(full, full) if moved else full
            package, _, name = target.rpartition(".")
            bound = alias.asname or alias.name
            groups.setdefault(package, []).append(
                name if name == bound else "%s as %s" % (name, bound))
        statements = []
        for package in sorted(groups):
            statements.append(wrapped_import(before, package,
                                             groups[package]))
        edits.append((first, last, "".join(statements), after))
    for first, last, statements, comment in sorted(edits, reverse=True):
        if comment:                     # on the statement's first line
            head, _, rest = statements.partition("\n")
            statements = head + "  " + comment + "\n" + rest
        lines[first:last + 1] = [statements]
    return "".join(lines)


def wrapped_import(indent, package, names):
    """`from package import names`, wrapped in parentheses past 79 columns."""
    line = "%sfrom %s import %s\n" % (indent, package, ", ".join(names))
    if len(line) <= 80:
        return line
    head = "%sfrom %s import (" % (indent, package)
    rows, row = [], head
    for name in names:
        piece = name + ", "
        if len(row) + len(piece) > 80 and row != head:
            rows.append(row.rstrip())
            row = " " * len(head)
        row += piece
    rows.append(row[:-2] + ")")
    return "\n".join(rows) + "\n"


def text_files(repo):
    """The repository's tracked text files that may name a module."""
    listed = subprocess.run(["git", "-C", repo, "ls-files", "-z"],
                            stdout=subprocess.PIPE, check=True).stdout
    for name in sorted(listed.decode().split("\0")):
        if not name or name in NOT_REWRITTEN or name.startswith(
                "rescue/data/"):
            continue
        if name.endswith(TEXT_SUFFIXES) or name in TEXT_NAMES:
            path = os.path.join(repo, name)
            if os.path.isfile(path) and not os.path.islink(path):
                yield name, path


def rewrite_tree(repo, todo):
    """Rewrite every text file; the names of those changed."""
    dotted, paths = renames(todo)
    changed = []
    for name, path in text_files(repo):
        with open(path, encoding="utf-8") as source:
            text = source.read()
        new = rewrite_names(text, dotted, paths)
        if name.endswith(".py"):
            new = rewrite_package_imports(new, dotted, name)
        if new != text:
            with open(path, "w", encoding="utf-8") as out:
                out.write(new)
            changed.append(name)
            long_lines(name, text, new)
    return changed


def long_lines(name, text, new):
    """Say where the longer names pushed a line of code past 79 columns:
    the move is mechanical, the refill is a person's."""
    if not name.endswith(".py"):
        return
    before = set(text.splitlines())
    for number, line in enumerate(new.splitlines(), 1):
        if len(line) > 79 and line not in before:
            print("move_layout: %s:%d is %d columns now"
                  % (name, number, len(line)))


def rewrite_pyproject(repo):
    """pyproject.toml's setuptools packages: every package under rescue/."""
    path = os.path.join(repo, "pyproject.toml")
    if not os.path.isfile(path):
        return False
    packages = sorted(m for m in modules_in(repo, "rescue")
                      if os.path.isfile(module_path(m, repo, package=True)))
    with open(path) as source:
        text = source.read()
    new, count = re.subn(
        r"(?m)^packages = \[[^\]]*\]",
        "packages = [%s]" % ", ".join('"%s"' % p for p in packages), text)
    if count != 1:
        raise LayoutError("pyproject.toml: no one `packages = [...]` line")
    if new != text:
        with open(path, "w") as out:
            out.write(new)
    return new != text


def place_layers_test(repo):
    """The layer test that judges by folder, in place of the listed one."""
    source = os.path.join(repo, LAYERS_TEST)
    if not os.path.isfile(source):
        return False
    git(repo, "rm", "-q", "tests/test_layers.py")
    git(repo, "mv", LAYERS_TEST, "tests/test_layers.py")
    return True


def require_clean(repo):
    status = subprocess.run(["git", "-C", repo, "status", "--porcelain",
                             "--untracked-files=no"],
                            stdout=subprocess.PIPE, check=True,
                            universal_newlines=True).stdout
    if status.strip():
        raise LayoutError("the work tree has changes; commit or stash them "
                          "first:\n" + status)


def move(repo, check_only=False):
    with open(os.path.join(repo, LAYOUT)) as source:
        packages, moves = parse_layout(source.read())
    todo = plan_moves(repo, packages, moves)
    if check_only:
        print("layout covers the tree: %d modules to move" % len(todo))
        return
    require_clean(repo)
    start = time.monotonic()
    try:
        made = make_packages(repo, packages)
        move_files(repo, todo)
        for init in made:
            git(repo, "add", os.path.relpath(init, repo))
        changed = rewrite_tree(repo, todo)
        rewrite_pyproject(repo)
        layers = place_layers_test(repo)
        git(repo, "add", "-u")
    except (LayoutError, OSError, subprocess.CalledProcessError) as error:
        raise HalfMoved("%s\nthe tree is half-moved: `git reset --hard "
                        "&& git clean -fd rescue tests` puts it back" % error)
    print("moved %d modules into %d new packages; rewrote %d files%s; "
          "%.1f s; staged, not committed"
          % (len(todo), len(made), len(changed),
             "; tests/test_layers.py judges by folder" if layers else "",
             time.monotonic() - start))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", default=os.path.dirname(HERE))
    parser.add_argument("--check", action="store_true",
                        help="only check that the layout covers the tree")
    args = parser.parse_args()
    try:
        move(os.path.abspath(args.repo), args.check)
    except LayoutError as error:
        print("move_layout: %s" % error, file=sys.stderr)
        print("move_layout: nothing was changed", file=sys.stderr)
        return 1
    except HalfMoved as error:
        print("move_layout: %s" % error, file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
