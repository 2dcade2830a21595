"""ohw.storage.yaml.document: YAML 1.2 core-schema reading, its limits, and located problems.

Every test runs twice: with libyaml's parser allowed (the quick reader, which
leaves anything unusual to the exact one) and with PyYAML's pure-Python parser
only (the exact reader)."""

from __future__ import annotations

import functools
import json
import sys
import time
from contextlib import contextmanager

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ohw.design.schemas import validate
from ohw.storage.yaml.document import (
    MAX_DEPTH,
    MAX_INTEGER,
    RULE_DUPLICATE_KEY,
    RULE_SYNTAX,
    RULE_UNSUPPORTED,
    Location,
    ReadProblem,
)
from ohw.storage.yaml.read import load_yaml as load_yaml_with

load_yaml = load_yaml_with  # this module's tests read through it; the fixture picks the reader


@pytest.fixture(autouse=True, params=["libyaml", "python"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "libyaml" and not yaml.__with_libyaml__:
        pytest.skip("this PyYAML was built without libyaml: only the exact reader exists")
    quick = request.param == "libyaml"
    monkeypatch.setattr(
        sys.modules[__name__], "load_yaml", functools.partial(load_yaml_with, quick=quick)
    )
    return str(request.param)


# Hostile inputs must be refused quickly; this is only a sanity bound, far above
# the few milliseconds each of them takes.
SECONDS = 5.0

MANIFEST = b"ohw: 1\nname: lamp\ntitle: Lamp\nlicense:\n  hardware: CERN-OHL-S-2.0\n"


@contextmanager
def fast():
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"


def refused(raw: bytes) -> ReadProblem:
    with fast(), pytest.raises(ReadProblem) as caught:
        load_yaml(raw)
    return caught.value


# --- values keep their written meaning (YAML 1.2 core schema) ---------------------


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("on", "on"),
        ("off", "off"),
        ("yes", "yes"),
        ("no", "no"),
        ("Yes", "Yes"),
        ("y", "y"),
        ("n", "n"),
        ("2024-01-01", "2024-01-01"),
        ("2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z"),
        ("12:30", "12:30"),
        ("0b101", "0b101"),
        ("1_000", "1_000"),
        ("1.10", 1.1),
        ("'1.10'", "1.10"),
        ('"1.10"', "1.10"),
        ("0x1F", 31),
        ("0o17", 15),
        ("017", 17),
        ("+12", 12),
        ("-7", -7),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("~", None),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("", None),
        ("True", True),
        ("true", True),
        ("FALSE", False),
        ("'true'", "true"),
    ],
)
def test_scalars_read_as_yaml_1_2_core_schema(written, value):
    data = load_yaml(f"key: {written}\n".encode()).data
    assert data == {"key": value}
    assert type(data["key"]) is type(value)


def test_plain_number_is_read_as_its_written_text_where_the_manifest_wants_text():
    document = load_yaml(MANIFEST + b"version: 1.10\n")
    assert document.data["version"] == 1.1
    data, violations = validate(document, "manifest", "the manifest")
    assert data["version"] == "1.10"
    assert [v for v in violations if v.path[:1] == ("version",)] == []
    # validation works on a copy: the document keeps what YAML read
    assert document.data["version"] == 1.1


def test_quoted_version_stays_the_same_text():
    data, violations = validate(
        load_yaml(MANIFEST + b"version: '1.10'\n"), "manifest", "the manifest"
    )
    assert data["version"] == "1.10"
    assert [v for v in violations if v.path[:1] == ("version",)] == []


def test_bom_quantity_stays_a_number_while_text_fields_get_their_written_text():
    raw = b"items:\n  - id: 0x1F\n    name: 1.10\n    quantity: 3\n"
    data, violations = validate(load_yaml(raw), "bom", "the BOM")
    assert violations == []
    assert data["items"][0] == {"id": "0x1F", "name": "1.10", "quantity": 3}
    assert type(data["items"][0]["quantity"]) is int


def test_byte_order_mark_is_accepted_and_not_counted_as_a_column():
    document = load_yaml(b"\xef\xbb\xbfname: lamp\ncount: 2\n")
    assert document.data == {"name": "lamp", "count": 2}
    assert document.locate_key(("name",)) == Location(1, 1)


def test_crlf_line_endings():
    document = load_yaml(b"a: 1\r\nb:\r\n  - x\r\n  - y\r\n")
    assert document.data == {"a": 1, "b": ["x", "y"]}
    assert document.locate(("b", 1)) == Location(4, 5)


def test_crlf_locations_of_problems_count_lines_once():
    problem = refused(b"a: 1\r\nb: 2\r\na: 3\r\n")
    assert problem.rule == RULE_DUPLICATE_KEY
    assert problem.at == Location(3, 1)


@pytest.mark.parametrize("raw", [b"", b"# only\n# comments\n", b"\n\n", b"\xef\xbb\xbf"])
def test_empty_and_comment_only_files_load_as_none(raw):
    document = load_yaml(raw)
    assert document.data is None
    assert document.locate(("anything",)) == Location(1, 1)


def test_explicit_document_start_is_one_document():
    assert load_yaml(b"---\n").data is None
    assert load_yaml(b"---\na: 1\n").data == {"a": 1}


def test_aliases_within_the_limit_are_copied():
    document = load_yaml(b"base: &b {x: 1, y: [2, 3]}\nuse: *b\n")
    assert document.data == {"base": {"x": 1, "y": [2, 3]}, "use": {"x": 1, "y": [2, 3]}}


def test_merge_key_is_a_plain_key_in_yaml_1_2():
    raw = b"base: &base {a: 1}\nx:\n  <<: *base\n  b: 2\n"
    document = load_yaml(raw)
    assert document.data == {"base": {"a": 1}, "x": {"<<": {"a": 1}, "b": 2}}
    assert document.locate_key(("x", "<<")) == Location(3, 3)


def test_merge_key_in_a_manifest_is_an_unknown_key_with_a_hint():
    document = load_yaml(MANIFEST + b"<<: {version: '1'}\n")
    _, violations = validate(document, "manifest", "the manifest")
    merge = [v for v in violations if v.path == ("<<",)]
    assert len(merge) == 1
    assert merge[0].at == Location(6, 1)
    assert "merge keys" in merge[0].hint


def test_yaml_1_2_has_no_unicode_line_breaks():
    # YAML 1.2 (section 5.4) treats NEL and LINE SEPARATOR as ordinary characters,
    # for JSON compatibility; YAML 1.1 treated them as line breaks.
    document = load_yaml("a: b\u2028c\nd: e\x85f\n".encode())
    assert document.data == {"a": "b\u2028c", "d": "e\x85f"}
    assert document.locate(("d",)) == Location(2, 4)


# --- refused inputs: rule and location -----------------------------------------------


def test_invalid_utf8_points_at_the_bad_byte():
    problem = refused(b"a: 1\nb: caf\xe9\n")
    assert problem.rule == RULE_SYNTAX
    assert problem.at == Location(2, 7)
    assert "0xe9" in problem.message


def test_tab_indentation():
    problem = refused(b"a:\n\tb: 1\n")
    assert problem.rule == RULE_SYNTAX
    assert problem.at == Location(2, 1)
    assert "tab" in problem.hint


def test_duplicate_key_points_at_the_second_and_names_the_first_line():
    problem = refused(b"a: 1\nb: 2\nc: 3\nb: 4\n")
    assert problem.rule == RULE_DUPLICATE_KEY
    assert problem.at == Location(4, 1)
    assert "'b'" in problem.message
    assert "line 2" in problem.message


def test_duplicate_key_in_a_nested_mapping():
    problem = refused(b"top:\n  a: 1\n  other: {a: 2}\n  a: 3\n")
    assert problem.rule == RULE_DUPLICATE_KEY
    assert problem.at == Location(4, 3)
    assert "line 2" in problem.message


def test_duplicate_key_written_once_quoted_and_once_plain():
    problem = refused(b"a: 1\n'a': 2\n")
    assert problem.rule == RULE_DUPLICATE_KEY
    assert problem.at == Location(2, 1)


def test_same_key_in_different_mappings_is_fine():
    assert load_yaml(b"x: {a: 1}\ny: {a: 2}\n").data == {"x": {"a": 1}, "y": {"a": 2}}


def test_billion_laughs():
    lines = ["a: &a [" + ", ".join(["lol"] * 10) + "]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    problem = refused(("\n".join(lines) + "\n").encode())
    assert problem.rule == RULE_UNSUPPORTED
    assert problem.at == Location(1, 1)
    assert "alias" in problem.message


def test_nesting_exactly_at_the_limit_loads():
    data = load_yaml(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH).data
    for _ in range(MAX_DEPTH - 1):
        assert len(data) == 1
        data = data[0]
    assert data == []


def test_deep_flow_nesting():
    problem = refused(b"[" * 5000 + b"]" * 5000 + b"\n")
    assert problem.rule == RULE_UNSUPPORTED
    # the first node deeper than the limit
    assert problem.at == Location(1, MAX_DEPTH + 1)


def test_deep_block_sequence_nesting():
    problem = refused(b"- " * 5000 + b"x\n")
    assert problem.rule == RULE_UNSUPPORTED
    assert problem.at == Location(1, 2 * MAX_DEPTH + 1)


def test_deep_block_mapping_nesting():
    raw = "".join(" " * level + "k:\n" for level in range(5000)).encode()
    problem = refused(raw)
    assert problem.rule == RULE_UNSUPPORTED
    # the mapping written on line n (column n) is n levels deep, and its key one
    # more: the key on line MAX_DEPTH is the first node past the limit
    assert problem.at == Location(MAX_DEPTH, MAX_DEPTH)


def test_huge_integer():
    problem = refused(b"part: " + b"7" * 5001 + b"\n")
    assert problem.rule == RULE_UNSUPPORTED
    assert problem.at == Location(1, 7)
    assert "5,001 digits" in problem.message


def test_integer_limits():
    assert load_yaml(f"n: {MAX_INTEGER}\n".encode()).data == {"n": 2**63 - 1}
    assert load_yaml(f"n: {-MAX_INTEGER}\n".encode()).data == {"n": -(2**63 - 1)}
    problem = refused(f"n: {2**63}\n".encode())
    assert problem.rule == RULE_UNSUPPORTED
    assert problem.at == Location(1, 4)
    assert refused(f"n: 0x{2**63:x}\n".encode()).rule == RULE_UNSUPPORTED


def test_python_object_tag_is_refused_and_never_executed(tmp_path):
    target = tmp_path / "pwned"
    raw = f"x: !!python/object/apply:os.system ['touch {target}']\n".encode()
    problem = refused(raw)
    assert problem.rule == RULE_UNSUPPORTED
    assert problem.at == Location(1, 4)
    assert not target.exists()
    problem = refused(f"!!python/object/apply:os.system ['touch {target}']\n".encode())
    assert problem.rule == RULE_UNSUPPORTED
    assert problem.at == Location(1, 1)
    assert not target.exists()


@pytest.mark.parametrize(
    "raw",
    [
        b"x: !!python/name:os.system\n",
        b"x: !!python/object:collections.OrderedDict {}\n",
        b"x: !!binary aGVsbG8=\n",
        b"x: !!set {a, b}\n",
        b"x: !!timestamp 2024-01-01\n",
        b"x: !!omap [a: 1]\n",
        b"x: !custom value\n",
        b"x: !!int abc\n",
        b"x: !!float abc\n",
        b"x: !!null abc\n",
        b"x: !!bool yes\n",
    ],
)
def test_tags_that_are_not_plain_data_are_refused(raw):
    problem = refused(raw)
    assert problem.rule == RULE_UNSUPPORTED
    assert problem.at == Location(1, 4)


@pytest.mark.parametrize(
    ("raw", "data"),
    [
        (b"x: ! 12\n", {"x": "12"}),
        (b"x: ! true\n", {"x": "true"}),
        (b"x: ! null\n", {"x": "null"}),
        (b"! 1.5\n", "1.5"),
        (b"x: ! [1, b]\n", {"x": [1, "b"]}),
        (b"x: ! {a: 1}\n", {"x": {"a": 1}}),
    ],
)
def test_the_non_specific_tag_makes_a_scalar_text(raw, data):
    """YAML 1.2: a scalar written with ``!`` is a string, never resolved."""
    assert load_yaml(raw).data == data
    assert load_yaml(raw, quick=False).data == data


def test_recursive_alias():
    problem = refused(b"x: &a [*a]\n")
    assert problem.rule == RULE_UNSUPPORTED
    assert problem.at == Location(1, 4)
    assert "recursive" in problem.message


def test_undefined_alias():
    problem = refused(b"a: 1\nb: *nowhere\n")
    assert problem.rule == RULE_SYNTAX
    assert problem.at == Location(2, 4)


@pytest.mark.parametrize("written", [".nan", ".NaN", ".inf", "-.inf", "+.Inf", "1e400", "-1e400"])
def test_non_finite_numbers_are_refused(written):
    problem = refused(f"a: 1\nx: {written}\n".encode())
    assert problem.rule == RULE_UNSUPPORTED
    assert problem.at == Location(2, 4)


@pytest.mark.parametrize(
    ("raw", "at"),
    [
        (b"1: a\n", Location(1, 1)),
        (b"name: x\ntrue: b\n", Location(2, 1)),
        (b"null: c\n", Location(1, 1)),
        (b"1.5: d\n", Location(1, 1)),
        (b"? [a, b]\n: c\n", Location(1, 3)),
        (b"{a: 1, {b: 2}: 3}\n", Location(1, 8)),
    ],
)
def test_keys_must_be_text(raw, at):
    problem = refused(raw)
    assert problem.rule == RULE_UNSUPPORTED
    assert problem.at == at


def test_quoted_keys_that_look_like_numbers_are_text():
    assert load_yaml(b"'1': a\n\"true\": b\n").data == {"1": "a", "true": "b"}


def test_two_documents_in_one_stream():
    problem = refused(b"a: 1\n---\nb: 2\n")
    assert problem.rule == RULE_SYNTAX
    assert problem.at == Location(2, 1)


def test_nul_character():
    problem = refused(b"a: 1\nb: x\x00y\n")
    assert problem.rule == RULE_SYNTAX
    assert problem.at == Location(2, 5)
    assert "U+0000" in problem.message


@pytest.mark.parametrize("quote", ["'", '"'])
def test_unclosed_quote_points_at_the_opening_quote(quote):
    problem = refused(f"a: 1\nb: {quote}abc\nc: 2\n".encode())
    assert problem.rule == RULE_SYNTAX
    assert problem.at == Location(2, 4)


def test_unclosed_flow_list():
    problem = refused(b"a: [1, 2\n")
    assert problem.rule == RULE_SYNTAX
    assert problem.at is not None


# --- locations --------------------------------------------------------------------

NESTED = b"a:\n  b:\n    - x\n    - {c: 1}\nd: 2\n"


@pytest.mark.parametrize(
    ("path", "value_at", "key_at"),
    [
        ((), Location(1, 1), Location(1, 1)),
        (("a",), Location(2, 3), Location(1, 1)),
        (("a", "b"), Location(3, 5), Location(2, 3)),
        (("a", "b", 0), Location(3, 7), Location(3, 7)),
        (("a", "b", 1), Location(4, 7), Location(4, 7)),
        (("a", "b", 1, "c"), Location(4, 11), Location(4, 8)),
        (("d",), Location(5, 4), Location(5, 1)),
    ],
)
def test_locate_and_locate_key_on_nested_paths(path, value_at, key_at):
    document = load_yaml(NESTED)
    assert document.locate(path) == value_at
    assert document.locate_key(path) == key_at


@pytest.mark.parametrize(
    ("path", "ancestor_at"),
    [
        (("a", "b", 1, "missing"), Location(4, 7)),
        (("a", "missing", "deeper"), Location(2, 3)),
        (("a", "b", 7), Location(3, 5)),
        (("missing",), Location(1, 1)),
    ],
)
def test_missing_paths_fall_back_to_the_nearest_ancestor(path, ancestor_at):
    document = load_yaml(NESTED)
    assert document.locate(path) == ancestor_at
    assert document.locate_key(path) == ancestor_at


def test_plain_text_is_kept_only_for_plain_scalars():
    document = load_yaml(b"a: 1.10\nb: '1.10'\nc: [1]\n")
    assert document.info(("a",)).plain_text == "1.10"
    assert document.info(("b",)).plain_text is None
    assert document.info(("c",)).plain_text is None


# --- JSON is YAML 1.2 -------------------------------------------------------------


def test_json_escaped_astral_character_reads_as_one_character():
    # json.dumps writes U+1F600 as the surrogate pair \ud83d\ude00; a JSON reader
    # (and YAML 1.2, which JSON is a subset of) reads one character.
    raw = json.dumps({"emoji": "\U0001f600"}).encode()
    assert raw == b'{"emoji": "\\ud83d\\ude00"}'
    assert load_yaml(raw).data == {"emoji": "\U0001f600"}


# Text in the Basic Multilingual Plane: characters beyond it are written by
# json.dumps as surrogate pairs, tested on their own above.
_TEXT = st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"]), max_size=12)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_INTEGER, max_value=MAX_INTEGER)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, database=None, deadline=None)
@given(data=_JSON, indent=st.sampled_from([None, 2]), compact=st.booleans())
def test_json_loads_as_the_same_data(data, indent, compact):
    separators = (",", ":") if compact else None
    raw = json.dumps(data, indent=indent, separators=separators).encode()
    loaded = load_yaml(raw).data
    assert loaded == data
    assert json.dumps(loaded) == json.dumps(data)  # same types too: 1 is not 1.0 or True


@pytest.mark.parametrize("raw", [b"[" * 1_000_000, b"- " * 1_000_000 + b"x\n"])
def test_nesting_a_million_deep_is_refused_without_crashing(raw):
    # libyaml's own composer recurses in C and would overflow the stack; ohw's
    # readers build without recursion and stop at the limit.
    problem = refused(raw)
    assert problem.rule == RULE_UNSUPPORTED
    assert f"more than {MAX_DEPTH} levels" in problem.message


# --- the cyclic collector, paused while a big document is read ---------------------


def test_what_a_paused_collector_let_be_made_is_in_its_oldest_generation():
    import gc
    import weakref

    from ohw.storage.yaml.document import collector_paused

    class Node:
        pass

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        kept = [{"id": str(n), "suppliers": []} for n in range(1000)]
        cycle = Node()
        cycle.me = cycle  # type: ignore[attr-defined]
        gone = weakref.ref(cycle)
        del cycle
    assert gc.isenabled()
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert id(kept) in oldest and all(id(item) in oldest for item in kept[::100])
    gc.collect()
    assert gone() is None  # and it still collects what is garbage
