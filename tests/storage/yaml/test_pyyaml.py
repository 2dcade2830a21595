"""The quick reader of ohw.storage.yaml.pyyaml (libyaml's events) reads every
document it takes as the exact one (PyYAML's pure-Python composer) does: the
same values, locations, spans and refusals (test_lines.py holds the line
reader to the same)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import EXAMPLES
from support.readers import same_outcome

import ohw.storage.yaml.document
import ohw.storage.yaml.pyyaml

pytestmark = pytest.mark.skipif(
    not yaml.__with_libyaml__, reason="this PyYAML was built without libyaml: one reader only"
)

_TEXT = st.text(st.characters(max_codepoint=0x10FFFF, exclude_categories=["Cs"]), max_size=12)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | _TEXT
)

_PLAIN_KEYS = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz-_0123456789"), max_size=6)
_WRITTEN = st.sampled_from(
    ["1.10", "0x1F", "0o17", "017", "+12", ".5", "1e3", "~", "null", "NULL", "true", "False",
     "on", "no", "2024-01-01", "12:30", "", "-", "a b", "é", "x\u2028y", "x\x85y", "'q'"]
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS | _WRITTEN,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(_PLAIN_KEYS | _TEXT | _WRITTEN, inner, max_size=4)
    ),
    max_leaves=16,
)
# Characters and pieces YAML's syntax is made of, for text that is almost, or
# not quite, YAML: each place the two parsers were found to differ is in here.
_PIECES = [
    *" \n\r\t-:#[]{},'\"&*!|>?%@`ab1.\\~0xe\u2028\x85\ufeff\u00e9\U0001f600",
    "\n  ", "- ", ": ", "key: ", "  - id: x\n", "!!str ", "! ", "&a ", "*a", "|-\n", ">#",
    "---\n", "...\n", "%YAML 1.2\n", "\\u00e9", "0x1F", "1.10", '"\\ud83d\\ude00"',
]  # fmt: skip
_SYNTAX = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


def _dumped(data, style, width, unicode, line_break, start) -> bytes:
    text = yaml.safe_dump(
        data,
        default_flow_style=style,
        width=width,
        allow_unicode=unicode,
        line_break=line_break,
        explicit_start=start,
        sort_keys=False,
    )
    return text.encode()


@settings(
    max_examples=400, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    data=_VALUES,
    style=st.sampled_from([False, True, None]),
    width=st.sampled_from([20, 80, 1000]),
    unicode=st.booleans(),
    line_break=st.sampled_from(["\n", "\r\n"]),
    start=st.booleans(),
)
def test_both_readers_give_the_same_values_and_positions(
    data, style, width, unicode, line_break, start
):
    raw = _dumped(data, style, width, unicode, line_break, start)
    outcome = same_outcome(raw)
    if outcome[0] == "read" and not outcome[-1]:
        # a document ohw takes, without aliases: the quick reader read it itself
        text, _ = ohw.storage.yaml.document.protect_line_separators(raw.decode())
        assert ohw.storage.yaml.pyyaml.read_with_libyaml(text) is not None


@settings(max_examples=2000, database=None, deadline=None)
@given(raw=_SYNTAX.map(str.encode))
def test_both_readers_agree_on_text_that_is_almost_yaml(raw):
    same_outcome(raw)


@pytest.mark.parametrize(
    "path", sorted(EXAMPLES.rglob("*.yaml")), ids=lambda p: str(p.relative_to(EXAMPLES))
)
def test_both_readers_read_the_examples_alike(path: Path):
    same_outcome(path.read_bytes())
