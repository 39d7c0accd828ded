"""`rollback --to`: find the kernel the operator meant, forgivingly: pure.

Accepted: the exact release; the release without its `xen` suffix (as
package names write it); `/boot/vmlinuz-<REL>` or `vmlinuz-<REL>` (grubby's
form); any fragment that matches exactly one kernel in /boot (`847`).
"""
from rescue import naming
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


def resolve_to(report, to):
    """(release, None) of the one kernel --to means, or (None, message)."""
    kernels = [k.release for k in report.kernels
               if not k.kdump and k.image is not None]
    text = to_text(to)
    for candidate in (text, text + naming.XEN_SUFFIX):
        if candidate in kernels:
            return candidate, None
    matches = [release for release in kernels if text in release]
    if len(matches) == 1:
        return matches[0], None
    if not matches:
        return None, "no kernel %s in /boot" % to
    return None, "--to %s matches %d kernels; name one" % (to, len(matches))
