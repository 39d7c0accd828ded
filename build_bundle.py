#!/usr/bin/env python3
"""Build dist/ovs-rescue-bundle.sh: the one file that stages ovs-rescue on a
host over any SSH, a POSIX-sh script (bundle.sh) with a gzip'd tar after it.

Usage: python3 build_bundle.py [--dist DIR] [--output FILE]
       python3 build_bundle.py --cache DIR [--pyz F] [--runtime D]
                               [--installer F] --json

Its inputs are what install.sh takes from a release: dist/ovs-rescue.pyz
and dist/ovs-rescue.8 (build_pyz.py), dist/runtime/ (build_runtime.py),
install.sh, and bundle.sh itself. The build is reproducible (sorted
members, fixed times from SOURCE_DATE_EPOCH, owner root, gzip without a
name or time); the bundle's id is the first 16 hex digits of the payload's
sha256. It prints that sha256 and writes it to
dist/ovs-rescue-bundle.payload-sha256: the controller passes it to the
host (--sha256), which checks the payload against it.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = os.path.join(HERE, "bundle.sh")
DEFAULT_DIST = os.path.join(HERE, "dist")
# 2020-01-01, as build_pyz.py: two builds of one commit are identical.
DEFAULT_EPOCH = 1577836800
# Read from standard input (`sh -s`), a shell may buffer this far past the
# script's last line (dash reads 8 KiB at a time); the marker lies beyond.
PADDING = ("#" * 63 + "\n") * 512
MARKER = "__OVS_RESCUE_PAYLOAD__"
EXECUTABLE = {"install.sh", "ovs-rescue.pyz", "python3"}


class BuildError(Exception):
    """An input is missing: one line saying which and how to make it."""


def inputs(dist, pyz=None, runtime=None, installer=None):
    """[(member name, path)], sorted: what install.sh finds beside itself.

    pyz, runtime, installer: those parts from elsewhere than dist (the
    role's ovs_rescue_pyz, ovs_rescue_runtime, ovs_rescue_installer); the
    man page is then the one beside pyz, where there is one.
    """
    installer = installer or os.path.join(HERE, "install.sh")
    if not os.path.isfile(installer):
        raise BuildError("no installer %s" % installer)
    found = [("bundle.sh", HEADER), ("install.sh", installer)]
    if pyz is None:
        found += [(name, own_part(dist, name)) for name in
                  ("ovs-rescue.pyz", "ovs-rescue.8")]
    elif not os.path.isfile(pyz):
        raise BuildError("no zipapp %s" % pyz)
    else:
        found.append(("ovs-rescue.pyz", pyz))
        # A zipapp named alone may have no man page beside it: install.sh
        # then says so and installs the rest.
        page = os.path.join(os.path.dirname(pyz), "ovs-rescue.8")
        if os.path.isfile(page):
            found.append(("ovs-rescue.8", page))
    runtime = runtime or os.path.join(dist, "runtime")
    if not os.path.isdir(runtime):
        raise BuildError("no %s: run python3 build_runtime.py" % runtime)
    for directory, subdirs, names in os.walk(runtime):
        subdirs.sort()
        for name in sorted(names):
            path = os.path.join(directory, name)
            found.append(("runtime/" + os.path.relpath(path, runtime)
                          .replace(os.sep, "/"), path))
    return sorted(found)


def own_part(dist, name):
    """dist's zipapp or man page, which build_pyz.py makes."""
    path = os.path.join(dist, name)
    if not os.path.isfile(path):
        raise BuildError("no %s: run python3 build_pyz.py" % path)
    return path


def payload(members, epoch):
    """The gzip'd ustar archive of members, byte for byte reproducible."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        folders = sorted({name.rsplit("/", 1)[0] for name, _ in members
                          if "/" in name} | {"runtime"})
        for folder in folders:
            tar.addfile(entry(folder, tarfile.DIRTYPE, 0o755, 0, epoch))
        for name, path in members:
            with open(path, "rb") as handle:
                data = handle.read()
            mode = 0o755 if os.path.basename(name) in EXECUTABLE else 0o644
            tar.addfile(entry(name, tarfile.REGTYPE, mode, len(data), epoch),
                        io.BytesIO(data))
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=0,
                       compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return packed.getvalue()


def entry(name, kind, mode, size, epoch):
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.size, info.mtime = kind, mode, size, epoch
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def header(bundle_id):
    """bundle.sh with its id and marker filled in, then the padding."""
    with open(HEADER) as source:
        text = source.read()
    text = text.replace("@BUNDLE_ID@", bundle_id)
    text = text.replace("@PAYLOAD_MARKER@", MARKER)
    return (text + PADDING + MARKER + "\n").encode()


def build(dist, output, epoch, cache=None, **parts):
    """Write the bundle and its payload sum: (the sum, the bundle's path).
    parts: as inputs() takes them. With cache (a folder) instead of
    output, the bundle is cache/ovs-rescue-bundle-ID.sh, written only when
    it is not there yet."""
    data = payload(inputs(dist, **parts), epoch)
    digest = hashlib.sha256(data).hexdigest()
    if output is None:
        output = os.path.join(cache, "ovs-rescue-bundle-%s.sh" % digest[:16])
        if os.path.isfile(sum_path(output)):
            return digest, output
    # Several builds may run at once (one an Ansible host): each writes
    # its own temp file and renames it.
    folder = os.path.dirname(os.path.abspath(output))
    for path, content in ((output, header(digest[:16]) + data),
                          (sum_path(output), (digest + "\n").encode())):
        handle, temp = tempfile.mkstemp(dir=folder, prefix=".bundle-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            os.chmod(temp, 0o755 if path == output else 0o644)
            os.replace(temp, path)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)
    return digest, output


def sum_path(output):
    """dist/ovs-rescue-bundle.sh -> dist/ovs-rescue-bundle.payload-sha256."""
    base = output[:-3] if output.endswith(".sh") else output
    return base + ".payload-sha256"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", default=DEFAULT_DIST,
                        help="where the zipapp, man page and runtime/ are "
                             "(default: dist/)")
    parser.add_argument("--output", help="default: DIST/ovs-rescue-bundle.sh")
    parser.add_argument("--pyz", help="the zipapp (default: DIST's); the man "
                        "page is the one beside it, if any")
    parser.add_argument("--runtime", help="a folder an arch (default: "
                        "DIST/runtime)")
    parser.add_argument("--installer", help="default: install.sh here")
    parser.add_argument("--cache", metavar="DIR", help="write DIR/ovs-rescue-"
                        "bundle-ID.sh unless it is there (instead of --output)")
    parser.add_argument("--json", action="store_true", help='print {"bundle":'
                        ' PATH, "sha256": HEX} only')
    args = parser.parse_args()
    output = args.output or (None if args.cache else
                             os.path.join(args.dist, "ovs-rescue-bundle.sh"))
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH))
    try:
        if args.cache:
            os.makedirs(args.cache, exist_ok=True)
        digest, output = build(
            args.dist, output, epoch, cache=args.cache, pyz=args.pyz,
            runtime=args.runtime, installer=args.installer)
    except (BuildError, OSError) as error:
        sys.exit("build_bundle: error: %s" % error)
    if args.json:
        print(json.dumps({"bundle": os.path.abspath(output),
                          "sha256": digest}))
        return
    print("%s  payload of %s (id %s, %d bytes)" % (
        digest, os.path.relpath(output), digest[:16], os.path.getsize(output)))


if __name__ == "__main__":
    main()
