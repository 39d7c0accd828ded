#!/usr/bin/env python3
"""Build dist/ovs-rescue.pyz, a zipapp of the `rescue` package, with shiv,
and the man page ovs-rescue.8 beside it (build_man.py), as install.sh
takes them.

Usage: python3 build_pyz.py [--python PATH] [--output FILE] [--py36 PATH]
                            [--py311 PATH]

Needs only python3: when shiv is not importable it makes .venv-build/ with
the pinned shiv and runs itself again there. The build is reproducible
(sorted inputs, fixed timestamps from SOURCE_DATE_EPOCH) and prints the
zipapp's sha256, then the man page's.

When a Python 3.6 is found (--py36, $OVS_RESCUE_PY36, pyenv's 3.6.15 or
python3.6 on PATH), the package is also compiled by it into
site-packages-36/ (bytecode only): dom0's Python 3.6 then starts ~12 ms
faster. Likewise a Python 3.11 (--py311, $OVS_RESCUE_PY311,
/usr/bin/python3.11 or python3.11 on PATH) fills site-packages-311/ for the
bundled runtime (build_runtime.py), so no run under it compiles sources.
Other Pythons run the sources in site-packages/.
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
import zipfile

import build_man
from rescue.zipmain import bytecode_folder

HERE = os.path.dirname(os.path.abspath(__file__))
SHIV = "shiv==1.0.8"
BUILD_VENV = os.path.join(HERE, ".venv-build")
DEFAULT_OUTPUT = os.path.join(HERE, "dist", "ovs-rescue.pyz")
# 2020-01-01: a fixed time so that two builds of one commit are identical.
DEFAULT_EPOCH = "1577836800"


def ensure_shiv():
    """Re-run this script under a venv with the pinned shiv, if needed."""
    try:
        import shiv  # noqa: F401
        return
    except ImportError:
        pass
    python = os.path.join(BUILD_VENV, "bin", "python")
    if os.path.realpath(sys.executable) == os.path.realpath(python):
        sys.exit("build_pyz: shiv is missing from %s" % BUILD_VENV)
    if not os.path.exists(python):
        print("build_pyz: making %s with %s" % (BUILD_VENV, SHIV))
        venv.create(BUILD_VENV, with_pip=True)
        subprocess.check_call([python, "-m", "pip", "install", "-q", SHIV])
    os.execv(python, [python] + sys.argv)


def stage_package(staging):
    """Copy the runtime package, sorted, without caches, into site-packages."""
    source = os.path.join(HERE, "rescue")
    target = os.path.join(staging, "rescue")
    shutil.copytree(source, target,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return staging


def find_py36(explicit=None):
    """A Python 3.6 to compile with, or None."""
    candidates = [explicit, os.environ.get("OVS_RESCUE_PY36")]
    try:
        pyenv_root = subprocess.run(["pyenv", "root"], stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL,
                                    universal_newlines=True).stdout.strip()
        candidates.append(os.path.join(pyenv_root, "versions", "3.6.15",
                                       "bin", "python3"))
    except OSError:
        pass
    candidates.append(shutil.which("python3.6"))
    return first_executable(candidates, explicit, "--py36")


def find_py311(explicit=None):
    """A Python 3.11 (the bundled runtime's version) to compile with."""
    candidates = [explicit, os.environ.get("OVS_RESCUE_PY311"),
                  "/usr/bin/python3.11", shutil.which("python3.11")]
    # python3.11 on PATH may be a pyenv shim with no 3.11 behind it.
    working = [path for path in candidates if path == explicit
               or is_python(path, (3, 11))]
    return first_executable(working, explicit, "--py311")


def is_python(path, version):
    """Whether path runs and is that Python major.minor."""
    if not (path and os.access(path, os.X_OK)):
        return False
    done = subprocess.run(
        [path, "-c", "import sys; print(sys.version_info[:2])"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        universal_newlines=True)
    return done.returncode == 0 and done.stdout.strip() == str(version)


def first_executable(candidates, explicit, option):
    for path in candidates:
        if path and os.access(path, os.X_OK):
            return path
    if explicit:
        sys.exit("build_pyz: %s %s is not an executable"
                 % (option, explicit))
    return None


# Runs under Python 3.6 or 3.11: each module compiled in place to
# module.pyc (the name zipimport looks for), the source removed, data files
# kept. As -OO (optimize=2: no docstrings; the package has no assert and
# reads no __doc__, tests/test_build_pyz.py holds it) and, on 3.11, without
# column positions (-X no_debug_ranges, COMPILE_FLAGS): the code objects
# then unmarshal about an eighth faster on every start. Tracebacks keep
# their line numbers.
COMPILE = """
import os, py_compile, sys
tree = sys.argv[1]
for directory, _, names in sorted(os.walk(tree)):
    for name in sorted(names):
        if name.endswith(".py"):
            source = os.path.join(directory, name)
            py_compile.compile(source, cfile=source + "c", doraise=True,
                               dfile=os.path.relpath(source, tree),
                               optimize=2)
            os.unlink(source)
"""
COMPILE_FLAGS = {(3, 11): ["-X", "no_debug_ranges"]}


def compile_for(python, version, staging, epoch):
    """bytecode_folder(version): the package as that Python's bytecode only."""
    tree = os.path.join(staging, bytecode_folder(version))
    shutil.copytree(os.path.join(staging, "site-packages"), tree)
    for directory, _, names in os.walk(tree):
        for name in names:
            os.utime(os.path.join(directory, name), (epoch, epoch))
    subprocess.check_call([python, "-I"] + COMPILE_FLAGS.get(version, []) +
                          ["-c", COMPILE, tree],
                          env=dict(os.environ, PYTHONHASHSEED="0"))
    return tree


def build(output, python, compilers):
    """compilers: {(3, 6): path, ...}, the Pythons to ship bytecode for."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", DEFAULT_EPOCH)
    epoch = int(os.environ["SOURCE_DATE_EPOCH"])
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with tempfile.TemporaryDirectory() as staging:
        packages = os.path.join(staging, "site-packages")
        os.mkdir(packages)
        stage_package(packages)
        subprocess.check_call([
            sys.executable, "-m", "shiv", "--site-packages", packages,
            "--entry-point", "rescue.cli:main", "--reproducible",
            "--python", python, "--output-file", output])
        trees = {version: compile_for(compilers[version], version, staging,
                                      epoch) for version in sorted(compilers)}
        finish_archive(output, trees, epoch)
    with open(output, "rb") as built:
        return hashlib.sha256(built.read()).hexdigest()


def finish_archive(output, trees, epoch):
    """Swap shiv's extracting bootstrap for rescue/zipmain.py (see there),
    drop the bootstrap package, add the bytecode trees ({version: tree})."""
    with open(os.path.join(HERE, "rescue", "zipmain.py"), "rb") as source:
        launcher = source.read()
    rebuilt = output + ".tmp"
    with open(output, "rb") as original:
        shebang = original.readline()
    with zipfile.ZipFile(output) as old, open(rebuilt, "wb") as out:
        out.write(shebang)
        with zipfile.ZipFile(out, "w") as new:
            for info in sorted(old.infolist(), key=lambda i: i.filename):
                if info.filename.startswith("_bootstrap/"):
                    continue              # shiv's extracting loader: unused
                data = old.read(info.filename)
                if info.filename == "__main__.py":
                    data = launcher
                new.writestr(info, data)
            for version in sorted(trees):
                add_tree(new, trees[version], bytecode_folder(version), epoch)
    os.chmod(rebuilt, 0o755)
    os.replace(rebuilt, output)


def add_tree(archive, tree, prefix, epoch):
    """Files of tree under prefix/, sorted, with fixed times and modes."""
    stamp = time.gmtime(epoch)[:6]
    for directory, _, names in sorted(os.walk(tree)):
        for name in sorted(names):
            path = os.path.join(directory, name)
            info = zipfile.ZipInfo(
                prefix + "/" + os.path.relpath(path, tree).replace(os.sep, "/"),
                date_time=stamp)
            # Bytecode is stored, not deflated: inflating the modules of
            # check's path cost about 2 ms of a 21 ms run (bench/); the
            # bundle that carries the zipapp is gzip'd as a whole anyway.
            info.compress_type = (zipfile.ZIP_STORED if name.endswith(".pyc")
                                  else zipfile.ZIP_DEFLATED)
            info.external_attr = 0o100644 << 16
            with open(path, "rb") as handle:
                archive.writestr(info, handle.read())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="/usr/bin/env python3",
                        help="the shebang's interpreter (default: %(default)s)")
    parser.add_argument("--output", default=DEFAULT_OUTPUT)
    parser.add_argument("--py36", metavar="PATH",
                        help="the Python 3.6 to precompile with (default: "
                             "found, else none)")
    parser.add_argument("--py311", metavar="PATH",
                        help="the Python 3.11 to precompile with for the "
                             "bundled runtime (default: found, else none)")
    args = parser.parse_args()
    ensure_shiv()
    py36 = find_py36(args.py36)
    if py36 is None:
        print("build_pyz: no Python 3.6 found; no 3.6 bytecode (it runs "
              "from source, ~12 ms slower to start on 3.6)")
    py311 = find_py311(args.py311)
    if py311 is None:
        print("build_pyz: no Python 3.11 found; no 3.11 bytecode (the "
              "bundled runtime then compiles the sources on every start)")
    compilers = {version: path for version, path in (((3, 6), py36),
                                                     ((3, 11), py311))
                 if path}
    digest = build(args.output, args.python, compilers)
    print("%s  %s" % (digest, os.path.relpath(args.output)))
    # The page install.sh stages with this zipapp: beside it, by its name.
    page = os.path.join(os.path.dirname(os.path.abspath(args.output)),
                        "ovs-rescue.8")
    build_man.build(page)
    with open(page, "rb") as built:
        print("%s  %s" % (hashlib.sha256(built.read()).hexdigest(),
                          os.path.relpath(page)))


if __name__ == "__main__":
    main()
