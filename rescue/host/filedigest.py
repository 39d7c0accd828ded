"""Does a file match the digest rpm recorded for it (read whole: status -v only)."""

# rpm writes each file's digest as hex; its length says the algorithm
ALGORITHMS = {32: "md5", 40: "sha1", 56: "sha224", 64: "sha256",
              96: "sha384", 128: "sha512"}
CHUNK = 1024 * 1024


def all_digests(packages):
    """file -> digest over every package read (by name, then version)."""
    return {path: digest for versions in packages.values()
            for package in versions
            for path, digest in package.digests.items()}


def matches(full, digest):
    """True, False, or None when the digest is of no known algorithm."""
    import hashlib
    algorithm = ALGORITHMS.get(len(digest))
    if algorithm is None:
        return None
    hasher = hashlib.new(algorithm)
    with open(full, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            hasher.update(chunk)
    return hasher.hexdigest() == digest.lower()


def mismatch(full, digest, what):
    """`what` does not match rpm's digest, or None (None digest: None)."""
    if not digest:
        return None
    try:
        same = matches(full, digest)
    except OSError as error:
        return "%s cannot be read: %s" % (what, error.strerror)
    if same is False:
        return ("%s does not match the digest rpm recorded for it (changed "
                "or damaged since its package was installed)" % what)
    return None
