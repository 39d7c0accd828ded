#!/usr/bin/env python3
"""Build the one file that carries an upgrade's RPMs to a host: stage.sh
with a gzip'd tar (packages/*.rpm, reload.sh, MANIFEST) after a marker.

Usage: build_packages.py --output-dir DIR PACKAGE|FOLDER...

Runs on the controller (the play runs it there, with Ansible's own
Python). A folder gives every *.rpm in it. The build is reproducible
(sorted members, fixed times, owner root, gzip without name or time), so
one set of packages is one id: the first 16 hex digits of the payload's
sha256. It writes DIR/ovs-upgrade-packages-ID.sh and prints one JSON
object: {"id", "sha256", "bundle", "packages"}.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import re
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
MARKER = "__OVS_UPGRADE_PAYLOAD__"
EPOCH = 1577836800                       # 2020-01-01, as build_bundle.py
# What stage.sh's MANIFEST check and the host's shell take unquoted.
PLAIN_NAME = re.compile(r"^[A-Za-z0-9._+-]+\.rpm$")


class BuildError(Exception):
    """A package cannot go in the bundle: one line saying which and why."""


def package_files(arguments):
    """[(name, path)] of the RPMs named, sorted by name, each name once."""
    found = {}
    for argument in arguments:
        if os.path.isdir(argument):
            paths = [os.path.join(argument, name)
                     for name in os.listdir(argument) if name.endswith(".rpm")]
        elif os.path.isfile(argument):
            paths = [argument]
        else:
            raise BuildError("no package or folder %s" % argument)
        for path in paths:
            name = os.path.basename(path)
            if not PLAIN_NAME.match(name):
                raise BuildError("%s: a package's file name must be letters, "
                                 "digits and . _ + - ending in .rpm" % path)
            if name in found and found[name] != os.path.realpath(path):
                raise BuildError("two packages are named %s" % name)
            found[name] = os.path.realpath(path)
    if not found:
        raise BuildError("no *.rpm among %s" % " ".join(arguments))
    return sorted(found.items())


def members(packages):
    """[(member name, bytes)] of the payload, MANIFEST last."""
    contents = [("packages/" + name, read(path)) for name, path in packages]
    contents.append(("reload.sh", read(os.path.join(HERE, "reload.sh"))))
    manifest = "".join("%s  %s\n" % (hashlib.sha256(data).hexdigest(), name)
                       for name, data in contents)
    return contents + [("MANIFEST", manifest.encode())]


def read(path):
    with open(path, "rb") as handle:
        return handle.read()


def payload(contents):
    """The gzip'd ustar archive of contents, the same bytes every time."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        folder = tarfile.TarInfo("packages")
        folder.type, folder.mode = tarfile.DIRTYPE, 0o755
        tar.addfile(owned_by_root(folder))
        for name, data in contents:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o755 if name.endswith(".sh") else 0o644
            tar.addfile(owned_by_root(info), io.BytesIO(data))
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=0,
                       compresslevel=6) as gz:
        gz.write(raw.getvalue())
    return packed.getvalue()


def owned_by_root(info):
    info.mtime, info.uid, info.gid = EPOCH, 0, 0
    info.uname = info.gname = "root"
    return info


def build(output_dir, arguments):
    """Write the bundle; return what the play needs to know of it."""
    packages = package_files(arguments)
    data = payload(members(packages))
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(HERE, "stage.sh")) as source:
        header = source.read().replace("@PACKAGES_ID@", digest[:16]).replace(
            "@PAYLOAD_MARKER@", MARKER)
    os.makedirs(output_dir, exist_ok=True)
    bundle = os.path.join(output_dir, "ovs-upgrade-packages-%s.sh"
                          % digest[:16])
    temp = bundle + ".tmp"
    with open(temp, "wb") as out:
        out.write((header + MARKER + "\n").encode() + data)
    os.chmod(temp, 0o755)
    os.replace(temp, bundle)
    return {"id": digest[:16], "sha256": digest, "bundle": bundle,
            "packages": [name for name, _ in packages]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", required=True)
    parser.add_argument("packages", nargs="+", metavar="PACKAGE|FOLDER")
    args = parser.parse_args()
    try:
        print(json.dumps(build(args.output_dir, args.packages), sort_keys=True))
    except (BuildError, OSError) as error:
        sys.exit("build_packages: error: %s" % error)


if __name__ == "__main__":
    main()
