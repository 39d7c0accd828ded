"""records.record: tuples with named fields, and defaults for the last ones."""
import pytest

from rescue.core.records import record

Link = record("Link", "name old new", defaults=(None,))


def test_a_field_left_out_takes_its_default():
    assert Link("vmlinuz-2.6-xen", "a") == ("vmlinuz-2.6-xen", "a", None)
    assert Link(name="n", old="a").new is None


def test_a_default_can_be_given_by_position_or_keyword():
    assert Link("n", "a", "b") == Link("n", "a", new="b") == ("n", "a", "b")


@pytest.mark.parametrize("args, values", [
    ((), {}), (("n",), {}), (("n", "a", "b", "c"), {}),
    (("n", "a"), {"colour": 1}), (("n", "a"), {"name": "m"}),
])
def test_a_missing_unknown_or_doubled_field_is_a_type_error(args, values):
    with pytest.raises(TypeError):
        Link(*args, **values)


def test_defaults_for_more_fields_than_there_are_is_an_error():
    with pytest.raises(ValueError):
        record("Pair", "a b", defaults=(1, 2, 3))


def test_a_record_without_defaults_needs_every_field():
    Pair = record("Pair", "a b")
    with pytest.raises(TypeError):
        Pair(1)
    assert Pair(1, 2) == (1, 2) and Pair(b=2, a=1) == (1, 2)


def test_replace_and_repr_are_those_of_a_tuple_with_names():
    link = Link("n", "a")
    assert link._replace(new="b") == ("n", "a", "b")
    assert repr(link) == "Link(name='n', old='a', new=None)"
    assert Link._fields == ("name", "old", "new")
