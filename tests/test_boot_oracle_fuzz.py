"""Generated boot configs under the real loaders: OK only where they boot it.

Texts come from tests/bootoracle/grammar.py (the constructs the tool
models and a few it does not). Each is written over one fixture root,
booted under qemu and read by `check --json`; the rule (judge.py) holds
for every one: the tool's "boots next" is the loader's or "cannot tell",
and OK only where the loader boots the safe pair. Derandomized, with a
small budget for CI (30 extlinux and 12 GRUB texts; OVS_RESCUE_ORACLE_FUZZ
multiplies it); the counts of each run go to fuzz-stats.json in the oracle
cache.
"""
import json
import os
import shutil

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from tests.bootoracle import adapter, grammar, judge, oracle, requirements
from tests.bootoracle.cache import cache_root
from tests.bootoracle.cases import (
    GOOD, GOOD8, distinct_fallback, extlinux_root, grub_root, write)

# Examples per loader; the tool is asked first and qemu boots only the
# texts where it names a pair, so extlinux's (most say nothing boots) are
# cheap. OVS_RESCUE_ORACLE_FUZZ multiplies both.
SCALE = float(os.environ.get("OVS_RESCUE_ORACLE_FUZZ", "1"))
EXAMPLES = {"extlinux": int(30 * SCALE), "grub": int(12 * SCALE)}
# Boot the texts the tool makes no claim on too, to count how often it is
# conservative (says nothing boots or cannot tell, the loader boots a
# safe pair)
BOOT_ALL = os.environ.get("OVS_RESCUE_ORACLE_FUZZ_ALL") == "1"


def fuzz(loader):
    return settings(max_examples=EXAMPLES[loader], derandomize=True,
                    database=None, deadline=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck))
STATS = {}


@pytest.fixture(scope="module")
def base_roots(tmp_path_factory, rpm_factory):
    """One fixture root per loader, copied for each example."""
    top = tmp_path_factory.mktemp("fuzz")
    ext = extlinux_root(str(top / "extlinux"), rpm_factory, "")
    grub = distinct_fallback(grub_root(str(top / "grub"), rpm_factory, ""))
    return {"extlinux": ext, "grub": grub}


@pytest.fixture(scope="module", autouse=True)
def stats_file():
    yield
    os.makedirs(cache_root(), exist_ok=True)
    with open(os.path.join(cache_root(), "fuzz-stats.json"), "w") as out:
        json.dump(STATS, out, indent=1, sort_keys=True)


def judged(loader, base, work, files, running, safe):
    """Boot and ask the tool on a copy of base with files written over it;
    the rule's complaint or None, and the tool's answer."""
    root = os.path.join(work, "host")
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(base, root, symlinks=True)
    for path, data in files.items():
        full = os.path.join(root, path.lstrip("/"))
        if data is None:
            if os.path.lexists(full):
                os.unlink(full)
        else:
            write(root, path, data)
    answer = adapter.ask_tool(root, running)
    if answer.boots is None and answer.exit_code != 0 and not BOOT_ALL:
        # no claim (cannot tell, or nothing boots): the rule holds whatever
        # the loader does, so the boot is spared
        count(loader, answer, None)
        return None, None, answer
    outcome = oracle.boots(root, loader, work)
    count(loader, answer, outcome, judge.safe_pairs(safe))
    problem = judge.disagreement(outcome, answer, judge.safe_pairs(safe))
    return problem, outcome, answer


def count(loader, answer, outcome, safe=frozenset()):
    seen = STATS.setdefault(loader, dict.fromkeys((
        "examples", "cannot_tell", "tool_says_nothing_boots", "booted",
        "ok", "agree", "loader_boots_nothing", "conservative"), 0))
    seen["examples"] += 1
    seen["cannot_tell"] += answer.cannot_tell is not None
    seen["tool_says_nothing_boots"] += (answer.boots is None
                                        and answer.cannot_tell is None)
    seen["ok"] += answer.exit_code == 0
    if outcome is not None:
        seen["booted"] += 1
        seen["loader_boots_nothing"] += outcome.pair() is None
        seen["agree"] += not judge.wrong_parts(outcome, answer)
        seen["conservative"] += (answer.exit_code != 0
                                 and judge.boots_safe_pair(outcome, safe))


def test_generated_extlinux_configs_never_get_a_wrong_ok(base_roots,
                                                         tmp_path):
    requirements.skip_unless_available("extlinux")

    @fuzz("extlinux")
    @given(grammar.extlinux_config())
    def one(config):
        text, extra = config
        files = dict(extra, **{"/boot/extlinux.conf": text})
        problem, outcome, _ = judged("extlinux", base_roots["extlinux"],
                                     str(tmp_path), files, GOOD, (GOOD,))
        assert problem is None, "%s\n--- extlinux.conf\n%s\n%s" % (
            problem, text, outcome.serial[-400:])
    one()


def test_generated_grub_configs_never_get_a_wrong_ok(base_roots, tmp_path):
    requirements.skip_unless_available("grub")

    @fuzz("grub")
    @given(grammar.grub_config())
    def one(config):
        text, env = config
        files = {"/boot/grub/grub.cfg": text, "/boot/grub/grubenv": env}
        problem, outcome, _ = judged("grub", base_roots["grub"],
                                     str(tmp_path), files, GOOD8, (GOOD8,))
        assert problem is None, "%s\n--- grub.cfg\n%s\n--- grubenv\n%r\n%s" % (
            problem, text, env, outcome.serial[-400:])
    one()
