"""Console text helpers against the standard library they stand in for."""
import re
import textwrap

from hypothesis import given, settings, strategies as st

from rescue.core import naming
from rescue.show.console import WIDTH, wrap

WORD = st.text(alphabet="ab-./:xyz09", min_size=1, max_size=90)
SPACE = st.sampled_from([" ", "  ", "\t", "\n", " " * 85])
TEXT = st.lists(st.one_of(WORD, SPACE), max_size=40).map("".join)


@settings(max_examples=800, deadline=None)
@given(TEXT, st.integers(0, 8), st.integers(0, 4))
def test_wrap_is_textwraps_wrap(text, indent, hang):
    expected = textwrap.wrap(text, width=WIDTH, initial_indent=" " * indent,
                             subsequent_indent=" " * (indent + hang),
                             break_on_hyphens=False) or [""]
    assert wrap(text, indent, hang) == expected


RELEASE = re.compile(r"[0-9][A-Za-z0-9._+~^-]*\Z")


@settings(max_examples=500)
@given(st.text(alphabet="0129azAZ._+~^-/ \n\xe9\u0663", max_size=12))
def test_is_release_is_the_contracts_pattern(text):
    assert naming.is_release(text) == bool(RELEASE.match(text))
