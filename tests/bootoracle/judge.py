"""The comparison rule: the tool agrees with the oracle or says it cannot tell."""
import itertools


def safe_pairs(releases):
    """The (kernel, initrd) files of kernels the fixture gave an OVS module
    (a release), and pairs the fixture names as safe themselves."""
    return {r if isinstance(r, tuple) else
            ("/boot/vmlinuz-%s" % r, "/boot/initrd-%s.img" % r)
            for r in releases}


def boots_safe_pair(outcome, safe):
    """Whether the oracle booted a hypervisor with a pair that has OVS."""
    pair = outcome.pair()
    if pair is None:
        return False
    _, kernels, initrds = pair
    if any(m.length == 0 for m in outcome.boot.modules[:2]):
        return False                  # the loader hands over an empty file
    candidates = list(itertools.product(kernels, initrds))
    return bool(candidates) and all(c in safe for c in candidates)


def disagreement(outcome, answer, safe):
    """Why the tool's answer breaks the rule against the oracle, or None."""
    pair = outcome.pair()
    if answer.exit_code == 0 and not boots_safe_pair(outcome, safe):
        return "check says OK, the loader boots %s" % describe(outcome)
    if answer.boots is None or pair is None:
        return None   # cannot tell; or nothing boots and the tool did not OK
    wrong = wrong_parts(outcome, answer)
    if wrong:
        return "the tool says %s boots next, the loader boots %s" % (
            ", ".join("%s %s" % w for w in wrong), describe(outcome))
    return None


def wrong_parts(outcome, answer):
    """(part, file) the tool names that the loader did not load as that
    part; every named part, if the loader booted nothing."""
    named = [(part, said) for part, said in zip(
        ("hypervisor", "kernel", "initrd"), answer.boots or ())
        if said is not None]
    pair = outcome.pair()
    if pair is None:
        return named
    hypervisor, kernels, initrds = pair
    real = {"hypervisor": (hypervisor,), "kernel": kernels,
            "initrd": initrds}
    return [(part, said) for part, said in named if said not in real[part]]


def describe(outcome):
    pair = outcome.pair()
    if pair is None:
        return "nothing (%s)" % outcome.ending
    hypervisor, kernels, initrds = pair
    return "%s with kernel %s, initrd %s" % (
        hypervisor, "|".join(kernels) or "-", "|".join(initrds) or "-")


def summary(outcome):
    """(hypervisor, kernel, initrd) short names, or an ending: for tables."""
    pair = outcome.pair()
    if pair is None:
        return outcome.ending
    return tuple("|".join(sorted(p)) if isinstance(p, tuple) else p
                 for p in pair)
