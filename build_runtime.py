#!/usr/bin/env python3
"""Build dist/runtime/<arch>/: a static CPython 3.11 for dom0s that have none.

Usage: python3 build_runtime.py [--arch i686|x86_64]... [--cache DIR]

For each arch it writes python3 (static, musl, stripped), python3._pth,
python311-startup.zip (the few stdlib modules every start imports) and
python311.zip (the rest of the tool's import closure; both as 3.11
bytecode), and dist/runtime/SHA256SUMS over them. Sources are Debian
bookworm's python3.11 and zlib source packages (with Debian's patches and
ours from runtime-src/), compiled by zig cc from PyPI. Every input is
pinned below; the interpreters are cached outside the clone under a hash
of those inputs, so a rerun takes seconds. Run as root on Debian (it adds
deb-src entries to a private apt state and installs build tools with
apt-get); facts: docs/runtime.md.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIME = os.path.join(HERE, "runtime-src")

# The pinned inputs. Everything that shapes the interpreter binary is here
# or in runtime-src/, and all of it goes into the cache key (input_key()).
PYTHON_SOURCE = ("python3.11", "3.11.2-6+deb12u8")
ZLIB_SOURCE = ("zlib", "1:1.2.13.dfsg-1")
ZIGLANG = "ziglang==0.15.2"   # 0.17 swaps musl's malloc and adds i386 TLS
BUILD_PYTHON = "/usr/bin/python3.11"   # same minor as the sources (apt)
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
DEB_SRC = [
    "http://deb.debian.org/debian bookworm main",
    "http://deb.debian.org/debian bookworm-updates main",
    "http://deb.debian.org/debian-security bookworm-security main",
]
ARCHES = {
    "i686": {"target": "x86-linux-musl", "mcpu": "pentium4",
             "host": "i686-pc-linux-musl"},
    "x86_64": {"target": "x86_64-linux-musl", "mcpu": "x86_64",
               "host": "x86_64-pc-linux-musl"},
}
# zig cc adds UBSan traps at -O0 and makes __DATE__ an error.
CC_FLAGS = ["-fno-sanitize=all", "-Wno-date-time"]
CFLAGS = "-O2"
CONFIGURE = [
    "--build=x86_64-pc-linux-gnu", "--with-build-python=" + BUILD_PYTHON,
    "--disable-shared", "--disable-test-modules", "--without-ensurepip",
    "LDFLAGS=-static", "LINKFORSHARED= ", "READELF=/usr/bin/readelf",
]
CONFIG_SITE = ("ac_cv_file__dev_ptmx=yes\nac_cv_file__dev_ptc=no\n"
               "ac_cv_buggy_getaddrinfo=no\n")
PATCHES = ["hash-seed-fallback.patch"]   # in runtime-src/, applied in order
SETUP_LOCAL = "Setup.local"              # in runtime-src/: the built-in modules
# Bump when a build step changes in a way the data above does not show.
RECIPE = 3

# Host tools and the Debian package that brings each.
HOST_TOOLS = {BUILD_PYTHON: "python3.11", "dpkg-source": "dpkg-dev",
              "make": "make", "strip": "binutils", "/usr/bin/readelf":
              "binutils", "patch": "patch", "xz": "xz-utils",
              "bzip2": "bzip2", "gpgv": "gpgv"}
# Pure-Python parts of Lib/ that can never be in the tool's closure.
LIB_SKIP = ["test", "idlelib", "tkinter", "turtledemo", "ensurepip",
            "lib2to3", "__pycache__", "site-packages", "pydoc_data"]
ZIP_NAME = "python311.zip"
# The first zip on sys.path: exactly the stdlib modules that the start and
# the hot commands (check, status; through the launcher) import. zipimport
# reads a zip's whole central directory at its first import from it, and
# python311.zip's holds some 200 entries; this one's, four. The rest of the
# closure stays in ZIP_NAME, so a module is in one of the two only (and
# tests/test_runtime_startup.py holds this list to what those commands
# import). Stored, not deflated: inflating them cost more than the 12 kB
# they save. Packaging only: not part of input_key().
STARTUP_ZIP_NAME = "python311-startup.zip"
STARTUP_FILES = ["encodings/__init__.py", "encodings/aliases.py",
                 "encodings/utf_8.py",      # the start: the locale's codec
                 "struct.py"]               # core/extlinux (check, status)
# 2020-01-01, as build_pyz.py: fixed zip times make the zip reproducible.
EPOCH = 1577836800


class BuildError(Exception):
    """A build step failed; the message is one line for the operator."""


def log(message):
    print("build_runtime: %s" % message, flush=True)


def run(argv, **kwargs):
    """Run a build command; on failure show its log tail and stop."""
    logfile = kwargs.pop("logfile", None)
    if logfile:
        with open(logfile, "ab") as out:
            done = subprocess.run(argv, stdout=out, stderr=out, **kwargs)
        if done.returncode:
            with open(logfile, "rb") as out:
                tail = out.read()[-3000:].decode("utf-8", "replace")
            sys.stderr.write(tail)
            raise BuildError("%s failed (exit %d); log: %s"
                             % (" ".join(argv[:2]), done.returncode, logfile))
        return done
    return subprocess.run(argv, check=True, **kwargs)


def default_cache():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "ovs-rescue", "runtime")


def read_runtime_file(name):
    with open(os.path.join(RUNTIME, name), "rb") as handle:
        return handle.read()


def build_python_version():
    """3.11.x: it freezes the startup modules into the binary."""
    return subprocess.run(
        [BUILD_PYTHON, "-c", "import platform; print(platform.python_version())"
         ], stdout=subprocess.PIPE, universal_newlines=True,
        check=True).stdout.strip()


def input_key():
    """sha256 of every input that shapes the interpreters."""
    inputs = {
        "python": PYTHON_SOURCE, "zlib": ZLIB_SOURCE, "zig": ZIGLANG,
        "build_python": build_python_version(), "arches": ARCHES,
        "cc_flags": CC_FLAGS, "cflags": CFLAGS, "configure": CONFIGURE,
        "config_site": CONFIG_SITE, "recipe": RECIPE,
        "lib_skip": LIB_SKIP,
        "patches": [(name, hashlib.sha256(read_runtime_file(name))
                     .hexdigest()) for name in PATCHES],
        "setup_local": hashlib.sha256(
            read_runtime_file(SETUP_LOCAL)).hexdigest(),
    }
    blob = json.dumps(inputs, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


def ensure_host_tools():
    """apt-get install what the build needs and the host lacks."""
    missing = sorted({package for tool, package in HOST_TOOLS.items()
                      if not shutil.which(tool)})
    if not missing:
        return
    if os.geteuid() != 0:
        raise BuildError("missing build tools; as root: apt-get install %s"
                         % " ".join(missing))
    log("installing %s with apt-get" % " ".join(missing))
    run(["apt-get", "update", "-qq"])
    run(["apt-get", "install", "-y", "-qq"] + missing,
        env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
        stdout=subprocess.DEVNULL)


def apt_options(state):
    """apt-get options for a private deb-src state: the host's apt
    configuration is left as it was."""
    lists = os.path.join(state, "lists")
    os.makedirs(os.path.join(lists, "partial"), exist_ok=True)
    sources = os.path.join(state, "sources.list")
    with open(sources, "w") as handle:
        for line in DEB_SRC:
            handle.write("deb-src [signed-by=%s] %s\n" % (KEYRING, line))
    return ["-o", "Dir::Etc::SourceList=" + sources,
            "-o", "Dir::Etc::SourceParts=" + os.path.join(state, "none"),
            "-o", "Dir::State::Lists=" + lists,
            "-o", "Dir::Cache=" + os.path.join(state, "cache"),
            "-o", "APT::Sandbox::User=root"]


def fetch_sources(work, cache):
    """Download the pinned source packages into work; return .dsc paths."""
    options = apt_options(os.path.join(cache, "apt"))
    log("apt-get update (deb-src: bookworm, -updates, -security)")
    run(["apt-get", "-qq"] + options + ["update"], stdout=subprocess.DEVNULL)
    dscs = []
    for package, version in (PYTHON_SOURCE, ZLIB_SOURCE):
        done = subprocess.run(
            ["apt-get", "-qq"] + options +
            ["source", "--download-only", "%s=%s" % (package, version)],
            cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            universal_newlines=True)
        if done.returncode:
            raise BuildError(
                "source package %s %s is no longer served by Debian "
                "(pin in build_runtime.py): %s" % (
                    package, version, done.stdout.strip().splitlines()[-1]))
        upstream = version.split(":")[-1]
        dscs.append(os.path.join(work, "%s_%s.dsc" % (package, upstream)))
    return dscs


def unpack_sources(work, dscs):
    """dpkg-source -x (Debian's patches), then ours; return both trees."""
    trees = []
    for dsc, name in zip(dscs, ("python", "zlib")):
        tree = os.path.join(work, name)
        run(["dpkg-source", "--no-check", "-x", dsc, tree],
            logfile=os.path.join(work, "unpack.log"))
        trees.append(tree)
    for name in PATCHES:
        run(["patch", "-p1", "-s", "-i", os.path.join(RUNTIME, name)],
            cwd=trees[0], logfile=os.path.join(work, "unpack.log"))
    return trees


def ensure_zig(cache):
    """The pinned zig, pip-installed once into a venv in the cache."""
    venv_dir = os.path.join(cache, ZIGLANG.replace("==", "-"))
    found = [os.path.join(d, "ziglang", "zig") for d, _, _ in
             os.walk(venv_dir) if d.endswith("site-packages")]
    if found and os.access(found[0], os.X_OK):
        return found[0]
    staging = tempfile.mkdtemp(prefix="tmp-zig-", dir=cache)
    log("installing %s into %s" % (ZIGLANG, venv_dir))
    run([sys.executable, "-m", "venv", staging])
    run([os.path.join(staging, "bin", "python"), "-m", "pip", "install",
         "-q", "--disable-pip-version-check", ZIGLANG])
    os.rename(staging, venv_dir)
    return ensure_zig(cache)


def write_toolchain(work, zig, arch):
    """cc, ar and ranlib wrappers: autoconf wants one word per tool. The
    work directory's name is mapped away so that it is not in the binary."""
    bindir = os.path.join(work, "bin-" + arch)
    os.makedirs(bindir, exist_ok=True)
    spec = ARCHES[arch]
    tools = {
        "cc": [zig, "cc", "-target", spec["target"], "-mcpu=" + spec["mcpu"]]
        + CC_FLAGS + ["-ffile-prefix-map=%s=/build" % work],
        "ar": [zig, "ar"],
        "ranlib": [zig, "ranlib"],
    }
    paths = {}
    for name, argv in tools.items():
        path = os.path.join(bindir, name)
        with open(path, "w") as handle:
            handle.write("#!/bin/sh\nexec %s \"$@\"\n" % " ".join(argv))
        os.chmod(path, 0o755)
        paths[name.upper()] = path
    return paths


def build_zlib(work, tree, tools, arch):
    """A static libz.a for arch; returns its install prefix."""
    build = os.path.join(work, "zlib-" + arch)
    prefix = build + "-prefix"
    shutil.copytree(tree, build)
    env = dict(os.environ, CFLAGS=CFLAGS, **tools)
    logfile = os.path.join(work, "zlib-%s.log" % arch)
    run(["./configure", "--static", "--prefix=" + prefix], cwd=build,
        env=env, logfile=logfile)
    run(["make", "-j%d" % jobs(), "install"], cwd=build, env=env,
        logfile=logfile)
    return prefix


def build_python(work, tree, tools, zlib, arch):
    """configure and `make python` out of tree; returns the binary."""
    build = os.path.join(work, "build-" + arch)
    os.makedirs(os.path.join(build, "Modules"))
    shutil.copy(os.path.join(RUNTIME, SETUP_LOCAL),
                os.path.join(build, "Modules", "Setup.local"))
    site = os.path.join(work, "config.site")
    with open(site, "w") as handle:
        handle.write(CONFIG_SITE)
    env = dict(os.environ, CFLAGS=CFLAGS, CONFIG_SITE=site,
               PKG_CONFIG="/bin/false",
               ZLIB_CFLAGS="-I%s/include" % zlib,
               ZLIB_LIBS="-L%s/lib -lz" % zlib, **tools)
    logfile = os.path.join(work, "python-%s.log" % arch)
    # By relative path: the binary keeps it (VPATH), and a relative one is
    # the same in every build.
    configure = os.path.join(os.path.relpath(tree, build), "configure")
    run([configure, "--host=" + ARCHES[arch]["host"]] + CONFIGURE,
        cwd=build, env=env, logfile=logfile)
    run(["make", "-j%d" % jobs(), "python"], cwd=build, env=env,
        logfile=logfile)
    return os.path.join(build, "python")


def jobs():
    return max(1, len(os.sched_getaffinity(0)))


def copy_stdlib(tree, target):
    """The pure-Python standard library of the patched tree."""
    shutil.copytree(os.path.join(tree, "Lib"), target,
                    ignore=shutil.ignore_patterns(*LIB_SKIP, "*.pyc"))


def publish(staging, entry):
    """Move a finished directory into the cache in one rename."""
    os.makedirs(os.path.dirname(entry), exist_ok=True)
    try:
        os.rename(staging, entry)
    except OSError:
        if not os.path.isdir(entry):     # else another build won the race
            raise


def remove_stale_work(cache):
    """Drop work directories of builds whose process is gone."""
    for name in os.listdir(cache) if os.path.isdir(cache) else ():
        parts = name.split("-")
        if parts[0] == "work" and len(parts) > 2 and parts[1].isdigit():
            if not os.path.exists("/proc/%s" % parts[1]):
                shutil.rmtree(os.path.join(cache, name), ignore_errors=True)


def build_entry(cache, entry, arches):
    """Build what entry lacks (stdlib, arches) and publish each part."""
    os.makedirs(cache, exist_ok=True)
    remove_stale_work(cache)
    zig = ensure_zig(cache)
    work = tempfile.mkdtemp(prefix="work-%d-" % os.getpid(), dir=cache)
    try:
        python_tree, zlib_tree = unpack_sources(work,
                                                fetch_sources(work, cache))
        if not os.path.isdir(os.path.join(entry, "stdlib")):
            copy_stdlib(python_tree, os.path.join(work, "stdlib"))
            publish(os.path.join(work, "stdlib"),
                    os.path.join(entry, "stdlib"))
        # SOURCE_DATE_EPOCH: clang's __DATE__/__TIME__ (sys.version)
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH),
                   ZIG_GLOBAL_CACHE_DIR=os.path.join(cache, "zig-cache"),
                   ZIG_LOCAL_CACHE_DIR=os.path.join(work, "zig-local"))
        os.environ.update(env)
        for arch in arches:
            started = time.monotonic()
            log("building %s (log: %s/python-%s.log)" % (arch, work, arch))
            tools = write_toolchain(work, zig, arch)
            zlib = build_zlib(work, zlib_tree, tools, arch)
            binary = build_python(work, python_tree, tools, zlib, arch)
            staging = os.path.join(work, "out-" + arch)
            os.mkdir(staging)
            run(["strip", "-o", os.path.join(staging, "python3"), binary])
            publish(staging, os.path.join(entry, arch))
            log("%s built in %.0f s" % (arch, time.monotonic() - started))
    finally:
        shutil.rmtree(work, ignore_errors=True)


# Runs under the build Python (3.11, as the bundled one): the stdlib modules
# that the rescue package and the zipapp's __main__ import, all commands.
CLOSURE = r"""
import json, modulefinder, os, sys
repo, stdlib = sys.argv[1], sys.argv[2]
extra, excludes = json.loads(sys.argv[3]), json.loads(sys.argv[4])
finder = modulefinder.ModuleFinder(path=[repo, stdlib], excludes=excludes)
finder.run_script(os.path.join(repo, "rescue", "zipmain.py"))
for directory, _, names in sorted(os.walk(os.path.join(repo, "rescue"))):
    for name in sorted(names):
        if name.endswith(".py"):
            path = os.path.relpath(os.path.join(directory, name), repo)
            module = path[:-3].replace(os.sep, ".")
            finder.import_hook(module[:-9] if name == "__init__.py"
                               else module)
for module in extra:
    finder.import_hook(module)
for name in sorted(os.listdir(os.path.join(stdlib, "encodings"))):
    if name.endswith(".py") and name != "__init__.py":
        finder.import_hook("encodings." + name[:-3])
files = sorted({os.path.relpath(m.__file__, stdlib)
               for m in finder.modules.values()
               if m.__file__ and m.__file__.startswith(stdlib + os.sep)})
missing = {}
for name in finder.any_missing_maybe()[0]:
    users = sorted(u for u in finder.badmodules[name]
                   if u.split(".")[0] in ("rescue", "__main__"))
    if users:
        missing[name] = users
print(json.dumps({"files": files, "missing": missing}))
"""
# What Python imports to start or to report an error, beyond the closure.
START_MODULES = ["encodings", "codecs", "io", "abc", "os", "stat",
                 "posixpath", "genericpath", "_collections_abc", "runpy",
                 "zipimport", "traceback", "linecache", "tokenize",
                 "warnings"]
# Reached only from `if __name__ == "__main__":` blocks (heapq -> doctest ->
# pdb -> pydoc -> http.server ...) or lazy paths of importlib the tool never
# takes; leaving them out halves the zip. A wrong guess here fails the tests
# that run every command under the bundled interpreter.
NEVER_IMPORTED = ["doctest", "pdb", "pydoc", "unittest", "asyncio",
                  "multiprocessing", "concurrent", "ctypes", "tkinter",
                  "importlib.metadata", "importlib.resources",
                  "importlib.readers", "http.server", "webbrowser",
                  "xmlrpc"]


def import_closure(stdlib):
    """(stdlib files the tool needs, {missing module: importers})."""
    done = subprocess.run([BUILD_PYTHON, "-I", "-c", CLOSURE, HERE, stdlib,
                           json.dumps(START_MODULES),
                           json.dumps(NEVER_IMPORTED)],
                          stdout=subprocess.PIPE, check=True)
    closure = json.loads(done.stdout.decode())
    return closure["files"], closure["missing"]


# Runs under the build Python: each file compiled to .pyc beside the zip's
# tree (unchecked hash: there is no source to check against, no mtime).
COMPILE = r"""
import os, py_compile, sys
stdlib, out = sys.argv[1], sys.argv[2]
for rel in sys.argv[3:]:
    target = os.path.join(out, rel + "c")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    py_compile.compile(os.path.join(stdlib, rel), cfile=target, dfile=rel,
                       doraise=True, invalidation_mode=
                       py_compile.PycInvalidationMode.UNCHECKED_HASH)
"""


def stdlib_zip(stdlib, files, output, compression=zipfile.ZIP_DEFLATED):
    """A reproducible zip of the files as 3.11 .pyc."""
    with tempfile.TemporaryDirectory() as compiled:
        run([BUILD_PYTHON, "-I", "-c", COMPILE, stdlib, compiled] + files)
        stamp = time.gmtime(EPOCH)[:6]
        with zipfile.ZipFile(output, "w") as archive:
            for rel in sorted(files):
                info = zipfile.ZipInfo(rel + "c", date_time=stamp)
                info.compress_type = compression
                info.external_attr = 0o100644 << 16
                with open(os.path.join(compiled, rel + "c"), "rb") as pyc:
                    archive.writestr(info, pyc.read())


def sha256_file(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def split_closure(files):
    """{zip name: its files}: STARTUP_FILES first, the rest in ZIP_NAME."""
    lacking = sorted(set(STARTUP_FILES) - set(files))
    if lacking:
        raise BuildError("STARTUP_FILES lists %s, which the tool does not "
                         "import" % ", ".join(lacking))
    return {STARTUP_ZIP_NAME: list(STARTUP_FILES),
            ZIP_NAME: [rel for rel in files if rel not in STARTUP_FILES]}


def assemble(entry, arches, output):
    """dist/runtime: python3, python3._pth and the two zips per arch,
    SHA256SUMS."""
    stdlib = os.path.join(entry, "stdlib")
    files, missing = import_closure(stdlib)
    staging = output + ".new"
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    zips = split_closure(files)
    for name, members in zips.items():
        stdlib_zip(stdlib, members, os.path.join(staging, name),
                   zipfile.ZIP_STORED if name == STARTUP_ZIP_NAME
                   else zipfile.ZIP_DEFLATED)
    # getpath reads one path a line, each relative to the binary's folder;
    # a ._pth also makes the start isolated and site-less.
    pth_text = "%s\n%s\n" % (STARTUP_ZIP_NAME, ZIP_NAME)
    sums = []
    for arch in arches:
        target = os.path.join(staging, arch)
        os.mkdir(target)
        shutil.copy(os.path.join(entry, arch, "python3"), target)
        os.chmod(os.path.join(target, "python3"), 0o755)
        for name in zips:
            shutil.copy(os.path.join(staging, name), target)
        with open(os.path.join(target, "python3._pth"), "w") as pth:
            pth.write(pth_text)
        for name in ["python3", "python3._pth"] + sorted(zips):
            sums.append("%s  %s/%s\n" % (
                sha256_file(os.path.join(target, name)), arch, name))
    for name in zips:
        os.unlink(os.path.join(staging, name))
    with open(os.path.join(staging, "SHA256SUMS"), "w") as handle:
        handle.writelines(sums)
    check_builtins(staging, arches, missing)
    shutil.rmtree(output, ignore_errors=True)
    os.rename(staging, output)
    return len(files)


def check_builtins(staging, arches, missing):
    """Stop when the tool imports a module that is neither in the zip nor
    built in: the tests would fail, and an operator would be next."""
    if not missing:
        return
    arch = "x86_64" if "x86_64" in arches else arches[0]
    done = subprocess.run(
        [os.path.join(staging, arch, "python3"), "-c",
         "import sys; print(' '.join(sys.builtin_module_names))"],
        stdout=subprocess.PIPE, universal_newlines=True, check=True)
    builtins = set(done.stdout.split())
    lacking = {name: users for name, users in missing.items()
               if name.split(".")[0] not in builtins}
    if lacking:
        raise BuildError("the tool imports modules the runtime lacks: %s"
                         % "; ".join("%s (by %s)" % (name, ", ".join(users))
                                     for name, users in
                                     sorted(lacking.items())))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", action="append", choices=sorted(ARCHES),
                        help="build only this arch (repeatable; default all)")
    parser.add_argument("--cache", default=default_cache(),
                        help="cache directory (default: %(default)s)")
    parser.add_argument("--output", default=os.path.join(HERE, "dist",
                                                         "runtime"))
    parser.add_argument("--cached-only", action="store_true",
                        help="build nothing: exit 4 unless cached")
    args = parser.parse_args(argv)
    arches = sorted(set(args.arch or ARCHES))
    started = time.monotonic()
    try:
        ensure_host_tools()
        key = input_key()
        entry = os.path.join(os.path.abspath(args.cache), key)
        todo = [arch for arch in arches
                if not os.path.exists(os.path.join(entry, arch, "python3"))]
        if todo or not os.path.isdir(os.path.join(entry, "stdlib")):
            if args.cached_only:
                log("not cached: %s" % entry)
                sys.exit(4)
            build_entry(os.path.abspath(args.cache), entry, todo)
        else:
            log("cached: %s" % entry)
        count = assemble(entry, arches, os.path.abspath(args.output))
    except BuildError as error:
        sys.exit("build_runtime: error: %s" % error)
    for arch in arches:
        target = os.path.join(args.output, arch)
        log("%s: python3 %.1f MB, %s %.1f MB and %s %.0f kB (%d modules)" % (
            arch, os.path.getsize(os.path.join(target, "python3")) / 1e6,
            ZIP_NAME, os.path.getsize(os.path.join(target, ZIP_NAME)) / 1e6,
            STARTUP_ZIP_NAME, os.path.getsize(
                os.path.join(target, STARTUP_ZIP_NAME)) / 1e3, count))
    log("done in %.0f s: %s" % (time.monotonic() - started,
                                os.path.relpath(args.output)))


if __name__ == "__main__":
    main()
