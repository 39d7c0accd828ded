"""`rollback --to`: find the kernel the operator meant, forgivingly: pure.

Accepted, once a leading `/boot/vmlinuz-` or `vmlinuz-` (grubby's form) is
taken off:
- a whole release: a version, then `-` or `+` and the rest (`3.10.0+2`,
  `2.6.32.43-0.4.1.xs1.8.0.847.170785xen`): it names only the kernel of
  exactly that release, or of that release plus `xen` (as package names
  write it); with no such kernel in /boot it is "no kernel REL in /boot",
  never a part of a longer one (`3.10.0+2` is not `3.10.0+21`);
- anything else is a fragment (`847`, `xs1.8.0.847`, `2.6.32.43`): it must
  match exactly one kernel, and never cut a number or a word there (`84`
  is not part of `...847...`, `3.10.0+2` would not be of `3.10.0+21`).
"""
import re

from rescue.core import naming
from rescue.errors import UsageError

IMAGE_PATH = "/boot/" + naming.IMAGE_PREFIX


def to_text(to):
    """What is left of --to once a path or file name form is taken off."""
    for prefix in (IMAGE_PATH, naming.IMAGE_PREFIX):
        if to.startswith(prefix):
            return to[len(prefix):]
    return to


def check_to_option(to):
    """A usage error only for what cannot be a kernel's name at all."""
    if to is None:
        return
    text = to_text(to)
    if not text or not naming.RELEASE_CHARS.issuperset(text):
        raise UsageError("--to %r is not a kernel release, file name or part "
                         "of one (like 2.6.32.43-0.4.1.xs1.8.0.847.170785xen, "
                         "vmlinuz-<release> or 847)" % to)


def kernel_choices(report):
    """One line per kernel, safe first, with the command for each safe one."""
    kernels = [k for k in report.kernels if not k.kdump]
    kernels.sort(key=lambda k: not k.eligible)
    lines = []
    for kernel in kernels:
        if kernel.eligible:     # the command alone fits 80 columns
            lines.append("ovs-rescue rollback --to %s  (safe)"
                         % kernel.release)
        else:
            lines.append("%s: NOT SAFE: %s" % (kernel.release,
                                               "; ".join(kernel.problems)))
    return lines


# A version (numbers and dots), then the release after `-` or `+`.
_WHOLE_RELEASE = re.compile(r"[0-9]+(\.[0-9]+)+[-+].")


def is_whole_release(text):
    """True when --to's text is a whole release, not a fragment of one."""
    return naming.is_release(text) and bool(_WHOLE_RELEASE.match(text))


def _uncut(text, release, at):
    """Whether text found at `at` in release stands alone there: the
    characters around it do not carry on its first or last digit or
    letter."""
    before = release[at - 1:at]
    after = release[at + len(text):at + len(text) + 1]
    return not (_same_class(before, text[0]) or _same_class(after, text[-1]))


def _same_class(a, b):
    return a != "" and ((a.isdigit() and b.isdigit())
                        or (a.isalpha() and b.isalpha()))


def is_fragment_of(text, release):
    """Whether text is part of release, without cutting a number or word."""
    at = release.find(text)
    while at >= 0:
        if _uncut(text, release, at):
            return True
        at = release.find(text, at + 1)
    return False


def resolve_to(report, to):
    """(release, None) of the one kernel --to means, or (None, message)."""
    kernels = [k.release for k in report.kernels
               if not k.kdump and k.image is not None]
    text = to_text(to)
    for candidate in (text, text + naming.XEN_SUFFIX):
        if candidate in kernels:
            return candidate, None
    if is_whole_release(text):
        return None, "no kernel %s in /boot" % to
    matches = [release for release in kernels if is_fragment_of(text,
                                                                release)]
    if len(matches) == 1:
        return matches[0], None
    if not matches:
        return None, "no kernel %s in /boot" % to
    return None, "--to %s matches %d kernels; name one" % (to, len(matches))
