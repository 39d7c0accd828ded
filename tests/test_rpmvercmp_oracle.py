"""rpm version order against the real rpm, the oracle."""
import subprocess

from hypothesis import given, settings, strategies as st

from rescue.core.rpmvercmp import vercmp
from tests.unit.test_rpmvercmp import version_text


def rpm_vercmp_all(pairs):
    """Ask the real rpm for every pair in one process."""
    calls = "".join('print(rpm.vercmp([==[%s]==], [==[%s]==]) .. " ")\n' % pair
                    for pair in pairs)
    out = subprocess.run(["rpm", "--eval", "%%{lua:\n%s}" % calls],
                         stdout=subprocess.PIPE, check=True,
                         universal_newlines=True).stdout
    return [int(line) for line in out.split()]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(version_text, version_text), min_size=1,
                max_size=40))
def test_vercmp_agrees_with_real_rpm(pairs):
    assert [vercmp(a, b) for a, b in pairs] == rpm_vercmp_all(pairs)
