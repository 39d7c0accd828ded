"""rpm's version comparison (rpmvercmp), as a sort key, and kernel ordering.

Mirrors lib/rpmvercmp.c of rpm 4.x: a version is a run of segments, each a
maximal run of ASCII digits or ASCII letters; anything else separates them,
except `~` (sorts before everything, even the end) and `^` (sorts after the
end but before any further segment).
"""
# Ranks of the tokens a version is cut into; tuples compare rank first.
_TILDE = (0,)          # "1.0~rc1" < "1.0"
_END = (1,)            # the end of the string, appended once
_CARET = (2,)          # "1.0" < "1.0^git1" < "1.0.1"
_SEGMENT = 3

_DIGITS = frozenset("0123456789")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _tokens(version):
    """Runs of ASCII digits, runs of ASCII letters, `~` and `^`, in order
    (no `re`: it is not imported on the hot path)."""
    tokens, run, kind = [], [], None
    for char in version + " ":
        now = ("d" if char in _DIGITS else "a" if char in _LETTERS
               else None)
        if now != kind and run:
            tokens.append("".join(run))
            run = []
        kind = now
        if now:
            run.append(char)
        elif char in "~^":
            tokens.append(char)
    return tokens


def version_key(version):
    """Return a tuple that orders versions exactly as rpmvercmp does."""
    key = []
    for token in _tokens(version):
        if token == "~":
            key.append(_TILDE)
        elif token == "^":
            key.append(_CARET)
        elif token[0] in _DIGITS:
            # Numeric segments beat alphabetic ones; leading zeros don't count.
            key.append((_SEGMENT, 1, int(token)))
        else:
            key.append((_SEGMENT, 0, token))
    key.append(_END)
    return tuple(key)


def vercmp(a, b):
    """-1, 0 or 1, like rpm.vercmp(a, b)."""
    ka, kb = version_key(a), version_key(b)
    return (ka > kb) - (ka < kb)


def release_key(release):
    """Order `uname -r` kernel releases as rpm orders kernel Version-Release.

    rpm versions cannot hold a hyphen, so the first one separates Version
    from Release; the rest, hyphens included, is the Release.
    """
    version, _, rest = release.partition("-")
    return (version_key(version), version_key(rest))
