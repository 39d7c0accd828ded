"""install.sh under hostile paths: it runs nothing and writes nowhere else.

Each run gets a sandbox: the root, a canary tree beside it (siblings named
after the pieces of the root's name, the first thing a broken quote would
reach), and a PATH whose first folder holds trap programs that leave a
marker when anything runs them. The property test draws --root, --prefix,
--python (or the folder of python3 on PATH) and --archive from quotes,
spaces, newlines, globs, command substitutions, leading dashes, `..` and
shell operators, under dash and bash, and prints what the drawn cases
came to (run with -s to see it): a stated share must reach a whole
install, the rest a one-line refusal.
"""
import collections
import hashlib
import os
import posixpath
import re
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.hosts import tree_state
from tests.test_install import INSTALL, SHELLS, built_man_page

TRAPS = ("touch", "pwned", "rm-victim")
PLAIN = re.compile(r"\A/[A-Za-z0-9._/+-]*\Z")


def sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


class Sandbox:
    """A fresh folder: trap programs, a canary tree, the inputs of a run."""

    def __init__(self, base):
        self.base = str(base)
        os.makedirs(self.base)
        self.marker = os.path.join(self.base, "RAN")
        traps = os.path.join(self.base, "trap-bin")
        os.mkdir(traps)
        for name in TRAPS:
            path = os.path.join(traps, name)
            with open(path, "w") as trap:
                trap.write('#!/bin/sh\necho "$0 $*" >> \'%s\'\n' % self.marker)
            os.chmod(path, 0o755)
        self.path = "%s:%s" % (traps, os.environ["PATH"])
        self.canary("canary/inner")

    def canary(self, name):
        """A folder holding a file, to be found untouched afterwards."""
        folder = os.path.join(self.base, name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "keep"), "w") as keep:
            keep.write("keep\n")

    def make_root(self, name):
        """The root folder `name` below base, its name's pieces as canaries."""
        for piece in re.split(r"[^A-Za-z0-9._+-]+", name.split("/")[0]):
            if piece.strip(".") and piece != name:
                self.canary(piece)
        root = os.path.join(self.base, name)
        os.makedirs(root, exist_ok=True)
        return os.path.realpath(root)

    def place(self, folder, name, source):
        """A hard link to source as folder/name below base; its path."""
        where = os.path.join(self.base, folder)
        os.makedirs(where, exist_ok=True)
        path = os.path.join(where, name)
        os.link(os.path.realpath(source), path)
        return path

    def state_outside(self, root):
        """tree_state of base, less the root and what is below it."""
        inside = os.path.relpath(root, self.base)
        return {rel: what for rel, what in tree_state(self.base).items()
                if rel != inside and not rel.startswith(inside + os.sep)}

    def nothing_ran(self):
        pwned = [os.path.join(d, f) for d, _, files in os.walk(self.base)
                 for f in files if "PWNED" in f]
        return not os.path.exists(self.marker) and pwned == []


def run_install(shell, sandbox, argv, path=None):
    return subprocess.run([shell, INSTALL] + argv, cwd=sandbox.base,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True,
                          env=dict(os.environ, PATH=path or sandbox.path))


def launcher_values(launcher, shell):
    """python and archive as the launcher's shell reads them."""
    text = open(launcher).read().split("\nunsafe_path() {\n")[0]
    done = subprocess.run([shell, "-c", text + "\nprintf '%s\\0' \"$python\" "
                           "\"$archive\""], stdout=subprocess.PIPE)
    assert done.returncode == 0
    return [part.decode() for part in done.stdout.split(b"\0")[:2]]


def refused_in_one_line(done):
    return (done.returncode in (2, 3) and done.stdout == "" and
            re.match(r"install\.sh: error: [^\n]*\n\Z", done.stderr))


# One regression test per finding ----------------------------------------

@pytest.mark.parametrize("shell", SHELLS)
def test_a_root_with_a_quote_neither_deletes_its_sibling_nor_runs_a_command(
        tmp_path, zipapp, python36, shell):
    box = Sandbox(tmp_path / "box")
    root = box.make_root("victim';touch PWNED;'")
    assert os.path.isdir(os.path.join(box.base, "victim"))
    before = box.state_outside(root)
    done = run_install(shell, box, ["--root", root, "--archive", zipapp,
                                    "--python", python36])
    assert done.returncode == 0, done.stderr
    assert box.state_outside(root) == before and box.nothing_ran()
    assert sha256(os.path.join(root, "boot", "ovs-rescue",
                               "ovs-rescue.pyz")) == sha256(zipapp)


@pytest.mark.parametrize("shell", SHELLS)
def test_a_python3_on_path_in_a_folder_with_a_space_is_the_one_launched(
        tmp_path, zipapp, python36, shell):
    box = Sandbox(tmp_path / "box")
    root = box.make_root("root")
    python = box.place("my dir/bin", "python3", python36)
    planted = box.place("dir/bin", "python3",
                        os.path.join(box.base, "trap-bin", "pwned"))
    empty = os.path.join(box.base, "no-runtime")
    os.mkdir(empty)
    done = run_install(shell, box, ["--root", root, "--archive", zipapp,
                                    "--runtime", empty],
                       path="%s:%s" % (os.path.dirname(python), box.path))
    assert done.returncode == 0, done.stderr
    launcher = os.path.join(root, "usr", "local", "sbin", "ovs-rescue")
    assert launcher_values(launcher, shell)[0] == python
    subprocess.run([shell, launcher, "--version"], cwd=box.base,
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert box.nothing_ran() and os.path.exists(planted)


# The property -----------------------------------------------------------

# What the issue lists (quotes, spaces, newlines, `*`, `$()`, backticks, a
# leading `-`, `..`), shell operators, globs and a tab. A control character
# (newline, tab) anywhere is refused; the rest must reach a whole install
# through a quoted launcher, so the property checks the share that does.
HOSTILE = ["'", '"', " ", "*", "$(pwned)", "`pwned`", "-", "..", "\n",
           ";", "&", "|", ";rm-victim canary;", "touch PWNED", "a", "b",
           "\\", "~", "?", "[a]", "#", "$HOME", "-rf ", "'$(touch PWNED)'"]
CONTROL = ["\t"]
FRAGMENT = st.sampled_from(HOSTILE + CONTROL)
NAME = st.lists(FRAGMENT, min_size=1, max_size=4).map(
    "".join).filter(lambda n: "/" not in n and n.strip(".") != "")
PLAIN_PART = st.sampled_from(["boot", "ovs-rescue", "x", "a.b", "-d", "+p",
                              "..", ".", ""])
FIRST_PART = st.sampled_from(["boot", "ovs-rescue", "x", "a.b", "-d", "+p"])
PLAIN_PREFIX = st.builds(lambda first, rest: "/" + "/".join([first] + rest),
                         FIRST_PART, st.lists(PLAIN_PART, max_size=3))
# A hostile prefix is always refused (it is written into the launcher):
# drawn less often.
PREFIX = st.builds(lambda hostile, plain, name: plain + "/" + name
                   if hostile else plain,
                   st.sampled_from([False] * 9 + [True]),
                   PLAIN_PREFIX, NAME)
# The share of drawn cases that must end in a whole install, and in a
# refusal: both paths are walked.
INSTALLED_AT_LEAST = 0.4
REFUSED_AT_LEAST = 0.1


def normal_prefix(prefix):
    """The prefix install.sh should write to, or None when it refuses it."""
    if not PLAIN.match(prefix):
        return None
    parts = []
    for part in prefix.split("/"):
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/" + "/".join(parts) if parts else None


def control(text):
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


CASE = st.fixed_dictionaries({
    "root": st.lists(NAME, min_size=1, max_size=2).map("/".join),
    "relative_root": st.booleans(),
    "prefix": PREFIX,
    "python_by_option": st.sampled_from([False, False, True]),
    "python_dir": NAME,
    "archive_dir": NAME,
})


def expected_refusal(case, python, archive):
    """Why install.sh must refuse the case, or None when it must install."""
    if any(map(control, (case["root"], python, archive))):
        return "a control character"
    if normal_prefix(case["prefix"]) is None:
        return "the prefix"
    if case["python_by_option"] and not PLAIN.match(python):
        return "the --python path"
    return None


def run_case(shell, box, case, zipapp, python36):
    """One drawn case under shell, checked; what happened, in a few words."""
    root = box.make_root(case["root"])
    python = box.place(os.path.join("py", case["python_dir"]), "python3",
                       python36)
    archive = box.place(os.path.join("arc", case["archive_dir"]),
                        "ovs-rescue.pyz", zipapp)
    os.link(built_man_page(zipapp),
            os.path.join(os.path.dirname(archive), "ovs-rescue.8"))
    empty = os.path.join(box.base, "no-runtime")
    os.mkdir(empty)
    argv = ["--root", case["root"] if case["relative_root"] else root,
            "--prefix", case["prefix"], "--archive", archive,
            "--runtime", empty]
    path = box.path
    if case["python_by_option"]:
        argv += ["--python", python]
    else:
        path = "%s:%s" % (os.path.dirname(python), box.path)
    before, root_before = box.state_outside(root), tree_state(root)

    done = run_install(shell, box, argv, path=path)

    assert box.nothing_ran(), (shell, done.stderr)
    assert box.state_outside(root) == before, shell
    refusal = expected_refusal(case, python, archive)
    if refusal:
        assert refused_in_one_line(done), (shell, done)
        assert tree_state(root) == root_before
        return "refused: " + refusal
    assert done.returncode == 0, (shell, done.stderr)
    prefix = normal_prefix(case["prefix"])
    assert sha256(root + prefix + "/ovs-rescue.pyz") == sha256(zipapp)
    launcher = os.path.join(root, "usr", "local", "sbin", "ovs-rescue")
    assert launcher_values(launcher, shell) == [
        python, prefix + "/ovs-rescue.pyz"]
    assert subprocess.run([shell, "-n", launcher]).returncode == 0
    assert [f for d, _, files in os.walk(root) for f in files
            if f.startswith(".ovs-rescue-install")] == []
    assert "[check exit " in done.stdout        # it went all the way
    return "installed"


@pytest.mark.skipif(not SHELLS, reason="neither dash nor bash is installed")
def test_hostile_paths_run_nothing_and_write_only_below_the_root(
        tmp_path_factory, zipapp, python36, capsys):
    outcomes = []

    @settings(max_examples=100, derandomize=True, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(case=CASE)
    def each(case):
        for shell in SHELLS:
            box = Sandbox(tmp_path_factory.mktemp("hostile") / "box")
            outcome = run_case(shell, box, case, zipapp, python36)
            event(outcome)
        outcomes.append((outcome, case))

    each()
    counts = collections.Counter(outcome for outcome, _ in outcomes)
    drawn = len(outcomes)
    characters = collections.Counter(
        fragment for _, case in outcomes for fragment in HOSTILE + CONTROL
        if any(fragment in case[key] for key in ("root", "prefix",
                                                 "python_dir", "archive_dir")))
    with capsys.disabled():
        print("\nhostile install cases (each under %s): %d drawn; %s"
              % (" and ".join(SHELLS), drawn, "; ".join(
                  "%s %d (%d%%)" % (what, n, 100 * n // drawn)
                  for what, n in sorted(counts.items()))))
        print("cases holding each fragment: %s" % ", ".join(
            "%r %d" % (f, characters[f]) for f in HOSTILE + CONTROL))
    assert counts["installed"] >= INSTALLED_AT_LEAST * drawn, counts
    assert drawn - counts["installed"] >= REFUSED_AT_LEAST * drawn, counts
    assert all(characters[f] for f in ("'", '"', " ", "\n", "*", "$(pwned)",
                                       "`pwned`", "-", "..")), characters
