"""--to's words: which text is a fragment of a release, which a whole one."""
import pytest

from rescue.core.targets import is_fragment_of, is_whole_release
from tests.hosts import K847


@pytest.mark.parametrize("text, release, part", [
    ("847", K847, True), ("84", K847, False), ("0.847.1707", K847, False),
    ("xs1.8.0.847", K847, True), ("s1.8", K847, False),
    ("2.6.32.43", K847, True), ("170785xen", K847, True),
    ("3.10.0+2", "3.10.0+21", False), ("0+2", "3.10.0+2", True),
])
def test_a_fragment_never_cuts_a_number_or_word(text, release, part):
    assert is_fragment_of(text, release) is part


@pytest.mark.parametrize("text, whole", [
    ("3.10.0+2", True), ("4.19.0+1", True), (K847, True),
    ("2.6.32.43-0.4.1", True), ("2.6.32.43", False), ("847", False),
    ("xs1.8.0.847", False), ("0.847", False), ("+2", False),
])
def test_a_whole_release_is_a_version_then_its_release(text, whole):
    assert is_whole_release(text) is whole
