"""ohw.design.conformance, the yes-or-no check that spares a valid document jsonschema:
its yes is jsonschema's yes, on every keyword it knows and on the documents ohw
reads; what it cannot decide exactly is refused when the schema is compiled."""

from __future__ import annotations

import copy
import math
import re
import subprocess
import sys
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import CORPUS, EXAMPLES, OHW

from ohw.design.bom.tables import read_bom_csv
from ohw.design.conformance import Unsupported, compile_schema
from ohw.design.schemas import SCHEMA_NAMES, conformance, schema_validator
from ohw.storage.yaml.document import ReadProblem
from ohw.storage.yaml.read import load_yaml

ID = "https://example.org/test.schema.json"
CHECKED = ("manifest", "bom", "settings")  # the schemas of what ohw reads


def jsonschema_says(schema: dict[str, Any], instance: Any) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(instance)


def compiled(fragment: dict[str, Any]) -> Any:
    return compile_schema({"$id": ID, **fragment}, lambda uri: {})


KEYWORD_CASES = [
    ({"type": "integer"}, [1, -3, 1.0, 2.5, True, "1", None, float("nan"), float("inf")]),
    ({"type": "number"}, [1, 1.5, False, "2", None, float("nan"), [], {}]),
    ({"type": ["string", "null"]}, ["", None, 0, False, []]),
    ({"type": "boolean"}, [True, False, 0, 1, "true"]),
    ({"type": "object"}, [{}, {"a": 1}, [], "x"]),
    ({"type": "array"}, [[], [1], {}, "x"]),
    ({"type": []}, [1, "x"]),
    ({"minimum": 0}, [0, -1, 0.0, -0.5, float("nan"), True, "x", None]),
    ({"maximum": 10}, [10, 11, 10.5, float("inf"), "x"]),
    ({"exclusiveMinimum": 0}, [0, 1, 0.0, 1e-9, -1, float("nan"), False]),
    ({"exclusiveMaximum": 1}, [1, 0.99, 2, True]),
    ({"minLength": 1}, ["", "a", "é", 5, None]),
    ({"maxLength": 2}, ["ab", "abc", "😀😀", "😀😀😀", 12345]),
    ({"minItems": 1}, [[], [1], "", {}]),
    ({"maxItems": 1}, [[], [1], [1, 2], "ab"]),
    ({"minProperties": 1}, [{}, {"a": 1}, []]),
    ({"pattern": "^[a-z]+$"}, ["abc", "ab1", "", 5, "abc\n"]),
    ({"pattern": "b"}, ["abc", "xyz"]),  # searched for, not matched from the start
    ({"enum": ["a", 1, None, [1, 2]]}, ["a", 1, 1.0, True, None, [1, 2], [1.0, 2], "b", [2, 1]]),
    ({"enum": [True]}, [True, 1, 1.0]),
    ({"const": 0}, [0, 0.0, False, -0.0, "0"]),
    ({"const": {"a": [1, False]}}, [{"a": [1, False]}, {"a": [1, 0]}, {"a": [True, False]}]),
    (
        {"uniqueItems": True},
        [[1, 2], [1, 1], [1, True], [0, False], [1, 1.0], [{"a": 1}, {"a": 1}]],
    ),
    ({"uniqueItems": True}, [[[1], [True]], [{"a": 0}, {"a": False}], "x", [], [[], []]]),
    ({"uniqueItems": False}, [[1, 1]]),
    ({"required": ["a", "b"]}, [{"a": 1, "b": 2}, {"a": 1}, {}, [], "a"]),
    ({"dependentRequired": {"a": ["b"]}}, [{"a": 1, "b": 1}, {"a": 1}, {"b": 1}, {}, 3]),
    (
        {"properties": {"a": {"type": "string"}}, "additionalProperties": False},
        [{"a": "x"}, {"a": 1}, {"b": "x"}, {}, {1: "x"}, [], "x"],
    ),
    (
        {"properties": {"a": {}}, "additionalProperties": {"type": "integer"}},
        [{"a": "x", "b": 1}, {"b": "x"}, {"c": 2.0}],
    ),
    ({"items": {"type": "integer"}}, [[1, 2], [1, "2"], [], "12", {}]),
    ({"items": False}, [[], [1]]),
    ({"anyOf": [{"type": "string"}, {"minimum": 3}]}, ["x", 3, 1, None]),
    ({"oneOf": [{"type": "integer"}, {"minimum": 3}]}, [1, 5, 4.5, 2.5, "x"]),
    ({"allOf": [{"type": "integer"}, {"minimum": 3}]}, [4, 2, 4.5]),
    ({"title": "only words", "description": "nothing to check", "x-ohw-finding": "OHW1"}, [1]),
    ({"$defs": {"n": {"type": "integer"}}, "$ref": "#/$defs/n"}, [1, "1"]),
    ({"$defs": {"n": {"type": "integer"}}, "$ref": "#/$defs/n", "minimum": 2}, [1, 2, 3.5]),
    (
        {  # a schema that refers to itself: a tree of named nodes
            "$defs": {
                "node": {
                    "type": "object",
                    "properties": {"children": {"items": {"$ref": "#/$defs/node"}}},
                    "required": ["name"],
                }
            },
            "$ref": "#/$defs/node",
        },
        [
            {"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]},
            {"name": "a", "children": [{"name": "b", "children": [{}]}]},
        ],
    ),
    ({"$defs": {"a~b/c": {"type": "string"}}, "$ref": "#/$defs/a~0b~1c"}, ["x", 1]),
    ({"$defs": {"a b": {"type": "string"}}, "$ref": "#/$defs/a%20b"}, ["x", 1]),
]


@pytest.mark.parametrize(("fragment", "instances"), KEYWORD_CASES)
def test_each_keyword_answers_as_jsonschema_does(fragment, instances):
    check = compiled(fragment)
    schema = {"$id": ID, **fragment}
    for instance in instances:
        assert check(instance) == jsonschema_says(schema, instance), instance


def test_the_keyword_cases_are_answered_both_ways():
    answers = {
        jsonschema_says({"$id": ID, **fragment}, instance)
        for fragment, instances in KEYWORD_CASES
        for instance in instances
    }
    assert answers == {True, False}


def test_nan_is_equal_to_itself_as_in_jsonschema():
    nan = float("nan")
    schema = {"$id": ID, "uniqueItems": True}
    for instance in ([nan, nan], [float("nan"), float("nan")]):
        assert compiled(schema)(instance) == jsonschema_says(schema, instance)


def test_a_reference_to_another_schema_is_resolved_against_the_base():
    other = {"$id": "https://example.org/other.schema.json", "$defs": {"n": {"type": "integer"}}}
    schema = {"$id": ID, "$ref": "other.schema.json#/$defs/n"}
    check = compile_schema(schema, {other["$id"]: other}.__getitem__)
    assert check(3) and not check("3")


def test_values_json_has_no_type_for_get_a_no():
    # jsonschema takes a Decimal for a number; this module says no, and jsonschema is asked.
    for fragment in ({"type": "number"}, {"minimum": 0}, {"enum": [1]}):
        assert jsonschema_says({"$id": ID, **fragment}, Decimal(1))
        assert not compiled(fragment)(Decimal(1))
    assert not compiled({"properties": {"a": {"minimum": 0}}})({"a": Decimal(1)})
    # Where a no inside would turn into a yes outside: two branches jsonschema takes.
    either = {"oneOf": [{"type": "number"}, {"minimum": 0}]}
    assert not jsonschema_says({"$id": ID, **either}, Decimal(1))
    assert not compiled(either)(Decimal(1))
    assert not compiled({"uniqueItems": True})([Decimal(1), 1])
    assert jsonschema_says({"$id": ID, "type": "object"}, {1: "a number as a key"})
    assert not compiled({"type": "object"})({1: "a number as a key"})


def test_a_deep_tree_under_a_recursive_schema_gets_a_no_not_a_crash():
    """The compiled check spends more of Python's stack per level than
    jsonschema does (it gave out at some 80 levels where jsonschema answers):
    past what the stack holds, the no sends the document to jsonschema."""
    node: dict[str, Any] = {
        "design": "root", "title": None, "relation": None, "url": None, "commit": None,
        "license": {}, "parts": [], "available": True, "found_in": None, "notes": [],
        "sources": [],
    }  # fmt: skip
    shallow = copy.deepcopy(node)
    for _ in range(2):
        shallow = {**node, "sources": [shallow]}
    tree = node
    for _ in range(1000):
        tree = {**node, "sources": [tree]}
    output = {"format_version": 1, "tool": {"name": "ohw", "version": "1"}}
    check = conformance("lineage-output")
    assert check({**output, "design": shallow})
    assert check({**output, "design": tree}) is False


@pytest.mark.parametrize(
    ("schema", "why"),
    [
        ({"$id": ID, "format": "date"}, "keyword 'format'"),
        ({"$id": ID, "patternProperties": {"^a": {}}}, "patternProperties"),
        ({"$id": ID, "additionalProperties": False, "patternProperties": {}}, "patternProperties"),
        ({"$id": ID, "prefixItems": [{}], "items": False}, "prefixItems"),
        ({"$id": ID, "items": [{}]}, "a schema that is list"),
        ({"$id": ID, "$defs": {"a": {"$anchor": "a"}}, "$ref": "#a"}, "the anchor #a"),
        ({"$id": ID, "$ref": "#/$defs/missing"}, "nothing at"),
        ({"$id": ID, "$ref": "https://example.org/elsewhere.json"}, "no schema"),
        ({"$id": ID, "properties": {"a": {"$id": "inner", "type": "string"}}}, "an $id inside"),
        ({"$id": ID, "$schema": "http://json-schema.org/draft-07/schema#"}, "$schema"),
        ({"$id": ID, "type": "whole"}, "the type 'whole'"),
        ({"$id": ID, "minimum": "0"}, "the limit '0'"),
        ({"type": "string"}, "absolute $id"),
    ],
)
def test_what_it_cannot_decide_exactly_is_refused_when_compiled(schema, why):
    def nowhere(uri: str) -> dict[str, Any]:
        raise LookupError(uri)

    with pytest.raises(Unsupported, match=re.escape(why)):
        compile_schema(schema, nowhere)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_shipped_schema_is_decided_without_jsonschema(name):
    assert conformance(name) is not None


def documents() -> list[tuple[str, Any]]:
    """The data of every YAML and CSV file of the examples (and of the corpus, beside it)."""
    files = sorted(EXAMPLES.rglob("*.yaml")) + sorted(EXAMPLES.rglob("*.csv"))
    if CORPUS.is_dir():
        files += sorted((CORPUS / "okh").rglob("*.yml")) + sorted((CORPUS / "bom").glob("*.csv"))
    found = []
    for path in files:
        try:
            raw = path.read_bytes()
            document = read_bom_csv(raw).document if path.suffix == ".csv" else load_yaml(raw)
        except ReadProblem:
            continue
        found.append((str(path), document.data))
    return found


DOCUMENTS = documents()


def test_the_documents_are_answered_both_ways():
    answers = {conformance(name)(data) for _, data in DOCUMENTS for name in CHECKED}
    assert answers == {True, False}
    assert len(DOCUMENTS) > 40


@pytest.mark.parametrize("name", CHECKED)
def test_every_document_read_is_answered_as_jsonschema_answers(name):
    check, validator = conformance(name), schema_validator(name)
    assert check is not None
    for where, data in DOCUMENTS:
        assert check(data) == validator.is_valid(data), where


def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*path, index))
    return found


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=True)
    | st.sampled_from(["", "x", "CC-BY-4.0", "parts/a.stl", "1.0", "mm", "a b"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)
VALID = [
    (where, data, name) for where, data in DOCUMENTS for name in CHECKED if conformance(name)(data)
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_valid_documents_changed_at_random_are_answered_as_jsonschema_answers(data):
    where, original, name = data.draw(st.sampled_from(VALID))
    document = copy.deepcopy(original)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(document)))
        if not path:
            continue
        *above, last = path
        container = document
        for key in above:
            container = container[key]
        change = data.draw(st.sampled_from(["replace", "remove", "add", "copy"]))
        if change == "replace":
            container[last] = data.draw(JSON_VALUES)
        elif change == "remove":
            del container[last]
        elif change == "add" and isinstance(container, dict):
            container[data.draw(st.sampled_from(["notes", "x", str(last) + "s"]))] = data.draw(
                JSON_VALUES
            )
        elif isinstance(container, list):
            container.append(copy.deepcopy(container[last]))
    check = conformance(name)
    assert check is not None
    assert check(document) == schema_validator(name).is_valid(document), (where, document)


def test_a_document_of_many_items_is_answered_as_jsonschema_answers():
    items = [
        {"id": f"item-{n}", "name": f"M3 screw {n}", "quantity": n % 7 + 1} for n in range(500)
    ]
    bom = {"items": items}
    assert conformance("bom")(bom) and schema_validator("bom").is_valid(bom)
    items[-1]["quantity"] = 0
    assert not conformance("bom")(bom) and not schema_validator("bom").is_valid(bom)


def imported_by_check(design: str, tmp_path) -> tuple[set[str], str]:
    """The modules a real ``ohw check`` of ``design`` imports, and what it prints."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(OHW), "check", "--no-cache", design],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NO_COLOR": "1"},
        check=False,
    )
    modules = {
        line.split("|")[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    return modules, done.stdout


def test_a_valid_design_is_checked_without_loading_jsonschema(tmp_path):
    modules, printed = imported_by_check(str(EXAMPLES / "desk-lamp"), tmp_path)
    assert "jsonschema" not in modules and "referencing" not in modules
    assert "no findings" in printed or "✔" in printed


def test_an_invalid_design_loads_jsonschema_to_say_why(tmp_path):
    modules, printed = imported_by_check(str(EXAMPLES / "broken" / "schema-typo"), tmp_path)
    assert "jsonschema" in modules
    assert "did you mean" in printed


def test_an_infinite_or_nan_quantity_is_answered_as_jsonschema_answers():
    answers = []
    for value in (math.inf, -math.inf, math.nan, 2.0):
        bom = {"items": [{"id": "a", "name": "a", "quantity": value}]}
        answers.append(schema_validator("bom").is_valid(bom))
        assert conformance("bom")(bom) == answers[-1]
    assert set(answers) == {True, False}
