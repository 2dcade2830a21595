"""The three-way merge of a design's data, decided on values (ohw.merge.plan)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ohw.merge.plan import same


def _typed(value):
    """A value with the type of each of its parts, and mappings in key order."""
    if isinstance(value, dict):
        return "dict", sorted((key, _typed(part)) for key, part in value.items())
    if isinstance(value, list):
        return "list", [_typed(part) for part in value]
    return type(value).__name__, value


_FEW = st.sampled_from([0, 1, 1.0, True, False, 0.0, -0.0, "1", None])


# Few values and keys, so that two drawn values are often equal, or nearly.
_NEARLY = st.recursive(
    _FEW,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from("ab"), inner),
    max_leaves=6,
)


@settings(max_examples=2000, database=None, deadline=None)
@given(a=_NEARLY, b=_NEARLY, reverse=st.booleans())
def test_same_means_equal_with_the_same_types_keys_in_any_order(a, b, reverse):
    if reverse and isinstance(b, dict):
        b = dict(reversed(b.items()))
    assert same(a, b) == (_typed(a) == _typed(b))
    assert same(a, a)
