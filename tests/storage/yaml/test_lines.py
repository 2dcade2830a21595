"""The line reader (ohw.storage.yaml.lines): block-style YAML as people write
it, read line by line as the exact reader reads it; everything else, whole,
left to the others."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from support import EXAMPLES
from support.readers import outcome, same_outcome

import ohw.storage.yaml.document
import ohw.storage.yaml.lines
import ohw.storage.yaml.pyyaml
from ohw.storage.yaml.document import ReadProblem
from ohw.storage.yaml.read import load_yaml

pytestmark = pytest.mark.skipif(
    not yaml.__with_libyaml__, reason="this PyYAML was built without libyaml: one reader only"
)


def _lines_outcome(raw: bytes):
    """What the line reader makes of ``raw`` (None: it leaves it to the others),
    and what the exact reader makes of it."""
    text, _ = ohw.storage.yaml.document.protect_line_separators(
        ohw.storage.yaml.document.decode_utf8(raw, "OHW101")
    )
    lines = ohw.storage.yaml.lines.read_block_lines(text)
    try:
        exact = ohw.storage.yaml.pyyaml.read_exactly(text)
    except ReadProblem as problem:
        exact = ("refused", problem.message)
    return lines, exact


def _same_as_exact(raw: bytes) -> bool:
    """Whether the line reader read ``raw``; where it did, it read it as the exact one."""
    lines, exact = _lines_outcome(raw)
    if lines is not None:
        data, nodes, aliased = exact
        assert repr((lines[0], dict(lines[1]), lines[2])) == repr((data, dict(nodes), aliased))
    same_outcome(raw)
    return lines is not None


_WORDS = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789_"), min_size=1, max_size=8)


_BLOCK_KEYS = _WORDS.filter(
    lambda k: ohw.storage.yaml.document.plain_tag(k) == "tag:yaml.org,2002:str"
)


_BLOCK_TEXT = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789 ,.;:()/#'\"-é€µ"), min_size=1, max_size=20
)


_BLOCK_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=0, max_value=2**63 - 1)
    | st.floats(min_value=0, allow_infinity=False, allow_nan=False)
    | _BLOCK_TEXT
)


# Mappings of scalars, mappings and lists; a list holds scalars and mappings.
_BLOCK_DOCUMENTS = st.recursive(
    _BLOCK_SCALARS,
    lambda inner: (
        st.dictionaries(_BLOCK_KEYS, inner, min_size=1, max_size=4)
        | st.lists(
            _BLOCK_SCALARS | st.dictionaries(_BLOCK_KEYS, inner, min_size=1, max_size=4),
            min_size=1,
            max_size=4,
        )
    ),
    max_leaves=20,
).filter(lambda d: isinstance(d, dict))


def _scalar_text(value) -> str:
    """A value as a person writes it: plain where it reads back as itself, else quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    plain = (
        value == value.strip()
        and value[0] not in "-?:,[]{}#&*!|>'\"%@`"
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and ohw.storage.yaml.document.plain_tag(value) == "tag:yaml.org,2002:str"
    )
    return value if plain else "'" + value.replace("'", "''") + "'"


def _block_lines(value, column: int, *, indentless: bool, comments: bool) -> list[str]:
    """Block-style YAML for a mapping or a list, at ``column``."""
    lines: list[str] = []
    pad = " " * column
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(child, dict | list):
                lines.append(f"{pad}{key}:" + ("  # below" if comments else ""))
                inner = column if isinstance(child, list) and indentless else column + 2
                lines += _block_lines(child, inner, indentless=indentless, comments=comments)
            else:
                lines.append(f"{pad}{key}: {_scalar_text(child)}" + (" # c" if comments else ""))
        return lines
    for child in value:
        if isinstance(child, dict):
            inner = _block_lines(child, column + 2, indentless=indentless, comments=comments)
            lines += [f"{pad}- {inner[0][column + 2 :]}", *inner[1:]]
        else:
            lines.append(f"{pad}- {_scalar_text(child)}")
        if comments:
            lines.append(f"{' ' * (column // 2)}# between items")
    return lines


@settings(max_examples=500, database=None, deadline=None)
@given(
    data=_BLOCK_DOCUMENTS,
    indentless=st.booleans(),
    comments=st.booleans(),
    line_break=st.sampled_from(["\n", "\r\n"]),
)
def test_the_line_reader_reads_block_yaml_as_the_exact_reader(
    data, indentless, comments, line_break
):
    lines = _block_lines(data, 0, indentless=indentless, comments=comments)
    text = line_break.join(lines) + line_break
    assert _same_as_exact(text.encode()), text
    assert load_yaml(text.encode()).data == data


# Pieces of lines: what the line reader takes, and next to it what it must not.
_LINE_PIECES = [
    "", " ", "  ", "    ", "- ", "-", "--- ", "key", "a b", "ab", "null", "true", "1", "0x1F", "y",
    ":", ": ", ":  ", "value", "two words", "1.5", "+3", "-2", ".inf", "~", "9" * 21, "é", "€",
    "'q''s'", "'open", '"d"', '"a\\tb"', "# c", " # c", "#c", "a#b", "a: b", "x:", "&a ", "*a",
    "!t ", "[a]", "{}", "|", ">-", "? ", "%YAML", "@x", "`x", "https://x", "\t", "\r", "\ufeff",
    "\x85", "\u2028", "\x07",
]  # fmt: skip


_LINE = st.lists(st.sampled_from(_LINE_PIECES), max_size=6).map("".join)


_LINE_DOCUMENTS = st.lists(_LINE, min_size=1, max_size=12).map("\n".join)


@settings(max_examples=3000, database=None, deadline=None)
@given(text=_LINE_DOCUMENTS)
def test_what_the_line_reader_takes_the_exact_reader_reads_alike(text):
    _same_as_exact(text.encode())


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # an anchor and an alias
        "a: !!str 1\n",  # a tag
        "a: 1\na: 2\n",  # a duplicate key
        "a:\nb: 1\n",  # an empty value
        "a: 1\n\tb: 2\n",  # a tab
        "a: 1\r\nb: 2\n",  # a line that ends CR LF, and one that does not
        "a: 1\rb: 2\r",  # carriage returns alone
        "a: [1, 2]\n",  # flow style
        "a: one\n  two\n",  # a value on two lines
        "a: |\n  text\n",  # a block scalar
        "---\na: 1\n",  # a document marker
        "%YAML 1.2\n---\na: 1\n",  # a directive
        "true: 1\n",  # a key that is not text
        "a: 99999999999999999999\n",  # an integer past 64 bits
        "a: b: c\n",  # a mapping where a value goes
        "a:\n  b: 1\n c: 2\n",  # an entry at no collection's column
        "a:\n  - 1\n  b: 2\n",  # a key among a sequence's items
        "- - 1\n",  # a list in a list
        "-\n  a: 1\n",  # an item on the next line
        "a: 'b\n  c'\n",  # a quoted value on two lines
        'a: "b\\n"\n',  # an escape
        "a: 1\x07\n",  # a character YAML does not allow
        "# only a comment\n",
        "",
    ],
)
def test_the_line_reader_leaves_the_rest_to_the_others(text):
    assert not _same_as_exact(text.encode())


def test_the_line_reader_stops_at_the_depth_the_others_stop_at():
    def nested(depth: int) -> str:
        lines = [f"{'  ' * n}k:" for n in range(depth - 1)]
        return "\n".join([*lines, f"{'  ' * (depth - 1)}k: 1"]) + "\n"

    limit = ohw.storage.yaml.document.MAX_DEPTH
    assert _same_as_exact(nested(limit - 1).encode())  # a scalar at depth MAX_DEPTH
    assert not _same_as_exact(nested(limit).encode())
    problem = outcome(nested(limit).encode(), quick=True)
    assert problem[:2] == ("refused", ohw.storage.yaml.document.RULE_UNSUPPORTED)


def test_a_big_bom_is_read_by_the_line_reader():
    """A BOM as the merge benchmark makes it: 2,000 items with suppliers."""
    lines = ["# Purchased items", "items:"]
    for n in range(2000):
        lines += [
            f"  - id: item-{n:04d}",
            f"    name: M3x{4 + n % 40} button head screw, ISO 7380, stainless, lot {n}",
            f"    quantity: {1 + n % 9}",
            "    suppliers:",
            "      - name: Reichelt elektronik",
            f"        unit-price: {round(0.05 + n % 7 / 10, 2)}",
        ]
    raw = ("\n".join(lines) + "\n").encode()
    assert _same_as_exact(raw)
    first, again = load_yaml(raw), load_yaml(raw)
    assert first.data["items"][1999]["suppliers"][0]["unit-price"] == 0.45
    # the lines are taken apart once, but each reading has values of its own
    assert first.data == again.data and first.data["items"][0] is not again.data["items"][0]


def test_the_line_reader_reads_the_examples_boms():
    boms = sorted(EXAMPLES.glob("*/bom.yaml"))
    assert boms
    for path in boms:
        assert _same_as_exact(path.read_bytes()), path


@pytest.mark.corpus
def test_all_readers_read_the_corpus_manifests_alike(corpus: Path):
    """Real manifests (most have a block scalar, which the line reader leaves to
    libyaml's events; two end their lines CR LF)."""
    files = sorted((corpus / "okh").rglob("*.yml"))
    assert files
    for path in files:
        _same_as_exact(path.read_bytes())


def test_the_line_reader_leaves_the_characters_pyyaml_refuses():
    """Every code point: refused by PyYAML's reader, or a tab or a byte-order mark."""
    from yaml.reader import Reader

    refused = ohw.storage.yaml.lines._NOT_IN_BLOCK_LINES
    differ = [
        hex(c)
        for c in range(0x110000)
        if bool(refused.match(chr(c)))
        != (bool(Reader.NON_PRINTABLE.match(chr(c))) or chr(c) in "\t\ufeff")
    ]
    assert differ == []


def test_block_yaml_is_read_without_loading_pyyaml():
    """PyYAML takes a twentieth of a big merge's time to load: a document the
    line reader reads does without it, one it leaves loads it."""
    script = (
        "import sys; from ohw.storage.yaml.read import load_yaml; "
        "load_yaml(b'items:\\n  - id: m3\\n    quantity: 4\\n'); print('yaml' in sys.modules); "
        "load_yaml(b'items: [m3]\\n'); print('yaml' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "True"]
