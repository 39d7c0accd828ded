#!/usr/bin/env python3
"""Build dist/ovs-rescue.pyz, a zipapp of the `rescue` package, with shiv.

Usage: python3 build_pyz.py [--python PATH] [--output FILE]

Needs only python3: when shiv is not importable it makes .venv-build/ with
the pinned shiv and runs itself again there. The build is reproducible
(sorted inputs, fixed timestamps from SOURCE_DATE_EPOCH) and prints the
zipapp's sha256.
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import venv
import zipfile

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


def build(output, python):
    os.environ.setdefault("SOURCE_DATE_EPOCH", DEFAULT_EPOCH)
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with tempfile.TemporaryDirectory() as staging:
        stage_package(staging)
        subprocess.check_call([
            sys.executable, "-m", "shiv", "--site-packages", staging,
            "--entry-point", "rescue.cli:main", "--reproducible",
            "--python", python, "--output-file", output])
    replace_main(output)
    with open(output, "rb") as built:
        return hashlib.sha256(built.read()).hexdigest()


def replace_main(output):
    """Swap shiv's extracting bootstrap for rescue/zipmain.py (see there)."""
    with open(os.path.join(HERE, "rescue", "zipmain.py"), "rb") as source:
        launcher = source.read()
    rebuilt = output + ".tmp"
    with open(output, "rb") as original:
        shebang = original.readline()
    with zipfile.ZipFile(output) as old, open(rebuilt, "wb") as out:
        out.write(shebang)
        with zipfile.ZipFile(out, "w") as new:
            for info in sorted(old.infolist(), key=lambda i: i.filename):
                data = old.read(info.filename)
                if info.filename == "__main__.py":
                    data = launcher
                new.writestr(info, data)
    os.chmod(rebuilt, 0o755)
    os.replace(rebuilt, output)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="/usr/bin/env python3",
                        help="the shebang's interpreter (default: %(default)s)")
    parser.add_argument("--output", default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    ensure_shiv()
    digest = build(args.output, args.python)
    print("%s  %s" % (digest, os.path.relpath(args.output)))


if __name__ == "__main__":
    main()
