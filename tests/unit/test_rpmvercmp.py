"""rpm version order: a table of known answers, and an order's laws."""
import pytest
from hypothesis import given, strategies as st

from rescue.core.rpmvercmp import release_key, vercmp
from tests import hosts


@pytest.mark.parametrize("a, b, expected", [
    ("1.0", "1.0", 0),
    ("1.0", "2.0", -1),
    ("2.0.1", "2.0", 1),
    ("1.0a", "1.0", 1),          # a letter segment is still more
    ("1.0", "1.0a", -1),
    ("5.5p1", "5.5p10", -1),
    ("1.01", "1.1", 0),          # leading zeros do not count
    ("1.0", "1_0", 0),           # separators are all alike
    ("a", "1", -1),              # numbers beat letters
    ("1.0~rc1", "1.0", -1),      # tilde sorts before the end
    ("1.0~rc1", "1.0~rc2", -1),
    ("1.0^", "1.0", 1),          # caret sorts after the end ...
    ("1.0^git1", "1.0.1", -1),   # ... but before another segment
    ("0.4.1.xs1.8.0.847.170785", "0.4.1.xs1.8.0.835.170778", 1),
    ("10", "9", 1),
])
def test_vercmp_matches_known_answers(a, b, expected):
    assert vercmp(a, b) == expected


def test_kernel_releases_sort_by_version_then_release():
    releases = [hosts.K847, hosts.K_OLD, hosts.K835,
                "2.6.32.43-0.4.1.xs1.8.0.1000.1xen"]
    assert sorted(releases, key=release_key) == [
        hosts.K_OLD, hosts.K835, hosts.K847,
        "2.6.32.43-0.4.1.xs1.8.0.1000.1xen"]


# rpm.vercmp parses E:V-R, so ':' and '-' stay out of the oracle's input.
version_text = st.text(alphabet="0123456789abcXYZ.._~^+", min_size=1,
                       max_size=12).filter(lambda s: "]==]" not in s)


@given(version_text, version_text, version_text)
def test_vercmp_is_a_total_order(a, b, c):
    assert vercmp(a, b) == -vercmp(b, a)
    if vercmp(a, b) <= 0 and vercmp(b, c) <= 0:
        assert vercmp(a, c) <= 0
