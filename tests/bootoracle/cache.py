"""Built artefacts of the oracle, cached outside the clone by input hash."""
import hashlib
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def cache_root():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "ovs-rescue", "oracle")


def input_key(files=(), texts=()):
    """A short hash of the named files' bytes and the given strings."""
    digest = hashlib.sha256()
    for path in files:
        with open(path, "rb") as source:
            digest.update(path.encode() + b"\0" + source.read() + b"\0")
    for text in texts:
        digest.update(text.encode() + b"\0")
    return digest.hexdigest()[:16]


def tool_version(command):
    """First line of `command --version` (part of a cache key)."""
    done = subprocess.run(command + ["--version"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True)
    return done.stdout.splitlines()[0] if done.stdout else ""


def cached(name, key, build):
    """Path of the artefact `name` under `key`, built once by build(path)."""
    entry = os.path.join(cache_root(), key)
    path = os.path.join(entry, name)
    if os.path.exists(path):
        return path
    os.makedirs(cache_root(), exist_ok=True)
    staging = tempfile.mkdtemp(prefix="tmp-", dir=cache_root())
    try:
        build(os.path.join(staging, name))
        try:
            os.rename(staging, entry)
        except OSError:               # another run finished it first
            if not os.path.exists(path):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return path
