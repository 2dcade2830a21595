"""ohw.storage.yaml.read.load_yaml on hostile bytes: whatever it is given, it
returns plain data (text keys, 64-bit integers, finite numbers) with a place
for every node, or refuses with a ReadProblem that says where; and each of its
limits (nesting, aliases, integers, values) holds exactly where it is drawn.
tests/storage/yaml/test_pyyaml.py holds its readers to each other; this holds
them to the limits."""

from __future__ import annotations

import codecs
import math
import re

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st
from support import CORPUS
from support.fuzz import fuzzing
from support.hostile import mutated as hostile_bytes

from ohw.storage.yaml.document import (
    MAX_ALIAS_GROWTH,
    MAX_DEPTH,
    MAX_INTEGER,
    Document,
    ReadProblem,
)
from ohw.storage.yaml.read import load_yaml
from ohw.storage.yaml.write import dump_yaml

RULES = ("OHW101", "OHW102", "OHW103")

MANIFEST = b"""\
ohw: 1
name: lamp  # a comment
title: "Desk lamp \\u00e9"
license: {hardware: CERN-OHL-S-2.0}
parts:
  - id: base
    export: [parts/base.stl]
    quantity: 2
    print: {layer-height: 0.2, infill: 20}
  - id: arm
    notes: |
      two lines
      of text
bom: bom.yaml
"""
BOM = b"""\
items:
- id: m3x10
  name: 'M3x10 screw'
  quantity: 8
  suppliers:
  - {name: Shop, unit-price: 0.08, currency: EUR}
"""
# What a document is made of, and what breaks one: YAML's indicators, line
# breaks of every kind, byte-order marks, control characters, surrogates
# written as escapes, digits enough to overflow anything.
PIECES = [
    *" \n\r\t-:#[]{},'\"&*!|>?%@`\\~", "\x00", "\x1b[2J", "\x7f", "\x85", "\u2028", "\ufeff",
    "\ufffe", "é", "\U0001f600", "- ", ": ", "key: ", "&a ", "*a", "!!python/object:os.system ",
    "!!binary ", "! ", "<<: ", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n",
    '"\\ud800"', '"\\x1b"', '"\\0"', "0x" + "f" * 20, "9" * 30, "1e999", ".nan", "-.inf",
    "[" * 20, "{a: " * 20, "    " * 30,
]  # fmt: skip
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32", "latin-1", "cp1252"]


def plain(value) -> bool:
    """Whether ``value`` is data as JSON holds it and ohw promises: text keys,
    64-bit integers, finite numbers."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain(v) for v in value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return -MAX_INTEGER - 1 <= value <= MAX_INTEGER
    return isinstance(value, float) and math.isfinite(value)


def at(data, path):
    for key in path:
        data = data[key]
    return data


def read_or_refused(raw: bytes) -> Document | ReadProblem:
    """What load_yaml makes of ``raw``, held to what it promises; never an
    exception but ReadProblem."""
    try:
        document = load_yaml(raw)
    except ReadProblem as problem:
        assert problem.rule in RULES, problem.rule
        assert problem.message.strip()
        assert isinstance(problem.hint, str)
        if problem.at is not None:
            lines = len(re.split(rb"\r\n|\r|\n", raw))
            assert 1 <= problem.at.line <= lines, (problem.at, lines)
            assert problem.at.column >= 1
        return problem
    assert plain(document.data), document.data
    for path, info in document.nodes.items():
        at(document.data, path)  # every node located is a node of the data
        assert info.at.line >= 1
        assert info.at.column >= 1
    return document


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    """One of ``seeds`` mangled, maybe written in another encoding, maybe after
    a byte-order mark."""
    raw = draw(hostile_bytes(seeds, PIECES, encodings=ENCODINGS))
    if draw(st.booleans()):
        raw = draw(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16, b""])) + raw
    return raw


def dumped(data) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


@fuzzing(300)
@given(
    st.one_of(
        mutated([MANIFEST, BOM, b"", b"a: 1\n"]),
        VALUES.map(dumped).flatmap(lambda raw: mutated([raw])),
        st.lists(st.sampled_from(PIECES), max_size=40).map("".join).map(str.encode),
        st.binary(max_size=200),
    )
)
@example(b"a: \xef\xbb\xbf\xef\xbb\xbf1")
@example(b'"\\U00110000"')  # an escape past Unicode: PyYAML's chr() raised ValueError
def test_any_bytes_are_read_as_plain_data_or_refused_with_a_place(raw):
    read_or_refused(raw)


@pytest.mark.corpus
@fuzzing(100)
@given(data=st.data())
def test_the_corpus_s_yaml_mangled_is_read_or_refused(data):
    seeds = [path.read_bytes() for path in sorted((CORPUS / "okh").rglob("*.yml"))]
    read_or_refused(data.draw(mutated(seeds)))


# --- each limit holds where it is drawn ---------------------------------------------------

KINDS = ("block list", "block mapping", "flow list", "flow mapping")


def nested(kinds: list[str], scalar: bool) -> tuple[bytes, int]:
    """A document nesting ``kinds`` in that order (block ones first, as YAML
    requires), innermost holding a scalar or nothing; and its depth, in nodes
    from the root to the deepest."""
    block = [k for k in kinds if k.startswith("block")]
    flow = [k for k in kinds if k.startswith("flow")]
    lines, indent = [], 0
    for kind in block:
        lines.append(" " * indent + ("-" if kind == "block list" else "k:"))
        indent += 2
    inner = "1" if scalar or not flow else ""
    for kind in reversed(flow):
        inner = f"[{inner}]" if kind == "flow list" else f"{{k: {inner}}}" if inner else "{}"
    lines.append(" " * indent + inner)
    return "\n".join(lines).encode(), len(kinds) + (1 if inner.endswith("1") or not flow else 0)


@fuzzing(200)
@given(
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=3 * MAX_DEPTH),
    scalar=st.booleans(),
)
def test_nesting_is_refused_past_the_depth_limit_and_only_there(kinds, scalar):
    raw, depth = nested(kinds, scalar)
    outcome = read_or_refused(raw)
    if depth > MAX_DEPTH:
        assert isinstance(outcome, ReadProblem) and outcome.rule == "OHW103", outcome
        assert "nests more than" in outcome.message
    else:
        assert isinstance(outcome, Document), outcome.message


@fuzzing(200)
@given(
    levels=st.integers(1, 12),
    width=st.integers(1, 12),
    flow=st.booleans(),
    extra=st.sampled_from(["", "x: &r [*r]\n", "m: {<<: *a0}\n"]),
)
@example(levels=10, width=9, flow=True, extra="")  # a billion laughs: 4e9 nodes
def test_aliases_are_refused_past_the_growth_limit_and_only_there(levels, width, flow, extra):
    """Anchors that each repeat the last one ``width`` times: the document as
    written has few nodes, expanded a power of ``width`` of them."""

    def listed(item: str) -> str:
        return (
            f"[{', '.join([item] * width)}]"
            if flow
            else "".join(f"\n  - {item}" for _ in range(width))
        )

    lines = [f"a0: &a0 {listed('lol')}"]
    lines += [f"a{i}: &a{i} {listed(f'*a{i - 1}')}" for i in range(1, levels)]
    raw = ("\n".join(lines) + "\n" + extra).encode()
    # the nodes written (the root, a key and a list a level, the first list's
    # items) and the nodes of the data they expand to
    written = 1 + 2 * levels + width
    size = 1 + width  # the first list
    expanded = 1 + 1 + size
    for _ in range(1, levels):
        size = 1 + width * size
        expanded += 1 + size
    if extra.startswith("m:"):  # a key, a mapping, a key '<<' (no merge: YAML 1.2), a0 again
        written, expanded = written + 3, expanded + 3 + 1 + width
    outcome = read_or_refused(raw)
    if "&r" in extra:
        assert isinstance(outcome, ReadProblem) and "recursive alias" in outcome.message
    elif expanded > written + MAX_ALIAS_GROWTH:
        assert isinstance(outcome, ReadProblem) and outcome.rule == "OHW103", outcome
        assert f"{expanded:,} nodes" in outcome.message, outcome.message
    else:
        assert isinstance(outcome, Document), outcome.message


@fuzzing(200)
@given(
    sign=st.sampled_from(["", "+", "-"]),
    base=st.sampled_from(
        [(10, "", "0123456789"), (8, "0o", "01234567"), (16, "0x", "0123456789abcdefABCDEF")]
    ),
    digits=st.text(min_size=1, max_size=40) | st.integers(1, 200_000).map(lambda n: "9" * n),
    quoted=st.booleans(),
)
@example(sign="", base=(10, "", "0123456789"), digits="9" * 100_000, quoted=False)
def test_integers_are_read_within_64_bits_and_refused_beyond(sign, base, digits, quoted):
    radix, prefix, alphabet = base
    digits = "".join(d for d in digits if d in alphabet) or "0"
    written = (sign if radix == 10 else "") + prefix + digits
    outcome = read_or_refused(
        f"n: {written!r}\n".encode() if quoted else f"n: {written}\n".encode()
    )
    if quoted:
        assert isinstance(outcome, Document) and outcome.data == {"n": written}
        return
    significant = digits.lstrip("0")
    # past 40 digits no base gives a 64-bit number (and int() of 5,000 is refused)
    value = int(significant or "0", radix) if len(significant) <= 40 else math.inf
    value *= -1 if sign == "-" and radix == 10 else 1
    if -MAX_INTEGER - 1 <= value <= MAX_INTEGER:
        assert isinstance(outcome, Document) and outcome.data == {"n": value}, outcome
    else:
        assert isinstance(outcome, ReadProblem) and outcome.rule == "OHW103", outcome
        assert "does not fit in 64 bits" in outcome.message


# --- what ohw writes, it reads back -----------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12) | st.sampled_from(
    ["0o17", "1e3", "0x1F", "1.10", "+12", ".5", "~", "null", "yes", "on", "", " ", "- x", "a: b",
     "#", "\u2028", "\x85", "\x7f", "\ufeff", "'", '"', "\n", "\r\n", "\t"]
)  # fmt: skip
DATA = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-MAX_INTEGER - 1, MAX_INTEGER)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


@fuzzing(300)
@given(DATA)
@example({"title": "0o17", "notes": "1e3", "line": "a\u2028b\x85"})  # YAML 1.2 numbers, breaks
def test_yaml_ohw_writes_reads_back_as_the_data_written(data):
    written = dump_yaml(data).encode()
    assert repr(load_yaml(written).data) == repr(data), written
