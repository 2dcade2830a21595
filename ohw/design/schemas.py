"""JSON Schema validation that says what is wrong in words, and where.

Validation is separate from reporting: this module turns jsonschema's errors into
located ``Violation`` values; the checks turn those into findings.
"""

from __future__ import annotations

import copy
import difflib
import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from ohw.design.conformance import Check, Unsupported, compile_schema
from ohw.errors import OhwError
from ohw.storage.yaml.document import Document, JsonPath, Location

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

SCHEMA_NAMES = (
    "manifest",
    "bom",
    "check-output",
    "mesh-report",
    "remix-output",
    "resolve-output",
    "credits",
    "diff-output",
    "log-output",
    "lineage-output",
    "variant-list",
    "settings",
    "bom-output",
    "kit",
    "catalog-output",
    "catalog-sync",
    "okh-losh",
    "okh-import",
    "okh-export",
    "adopt-output",
    "bom-import",
)

# A plain scalar where the schema wants text is read as the text written, so
# `version: 1.10` means "1.10". Each pass fixes every such value it can see;
# a value inside a list of alternatives may only show up on the next pass.
_COERCION_PASSES = 8


def schema_text(name: str) -> str:
    """The JSON text of a shipped schema, exactly as it is in the package."""
    if name not in SCHEMA_NAMES:
        raise OhwError(
            f"there is no schema named {name!r}",
            "the schemas are: " + ", ".join(SCHEMA_NAMES),
        )
    return (files("ohw.schemas") / f"{name}.schema.json").read_text(encoding="utf-8")


@cache
def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_text(name))
    return schema


def _schema_of_id(uri: str) -> dict[str, Any]:
    name = uri.rsplit("/", 1)[-1].removesuffix(".schema.json")
    if name in SCHEMA_NAMES and load_schema(name)["$id"] == uri:
        return load_schema(name)
    raise LookupError(uri)


@cache
def conformance(name: str) -> Check | None:
    """A quick yes-or-no check of the schema ``name`` without jsonschema, or None
    where it cannot decide exactly (ohw.design.conformance)."""
    try:
        return compile_schema(load_schema(name), _schema_of_id)
    except Unsupported:
        return None


@cache
def schema_validator(name: str) -> Draft202012Validator:
    """A validator for the schema ``name``, which finds the other schemas it refers to.
    (jsonschema is loaded here, when first needed: it takes a tenth of a second,
    which a check spends analysing meshes beside it.)"""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    registry: Registry = Registry().with_resources(
        (load_schema(n)["$id"], Resource.from_contents(load_schema(n))) for n in SCHEMA_NAMES
    )
    return Draft202012Validator(load_schema(name), registry=registry)


@dataclass(frozen=True)
class Violation:
    """One way a document breaks its schema."""

    path: JsonPath
    message: str
    hint: str
    at: Location | None
    rule: str | None  # the finding id the schema names for this node, if any


def validate(document: Document, schema_name: str, what: str) -> tuple[Any, list[Violation]]:
    """Validate ``document``; return its data (plain scalars read as text where
    text is wanted) and the violations, in document order. ``what`` names the
    document in messages ("the manifest")."""
    conforms = conformance(schema_name)
    if conforms is not None and conforms(document.data):  # valid: jsonschema has nothing to say
        return copy.deepcopy(document.data), []
    validator = schema_validator(schema_name)
    data, found = _coerce_to_text(document, validator)
    errors = [useful for error in found for useful in _most_useful(error)]
    # A misspelt key is also a missing one: say it once, as the misspelling.
    misspelt = {
        (tuple(e.absolute_path), _closest(key, list(e.schema.get("properties", {}))))
        for e in errors
        if e.validator == "additionalProperties"
        for key in e.instance
    }
    violations = [
        violation
        for error in errors
        if not (
            error.validator == "required"
            and (tuple(error.absolute_path), _missing_key(error)) in misspelt
        )
        for violation in _violations(error, document, what, schema_name)
    ]
    violations.sort(key=lambda v: (v.at.line, v.at.column) if v.at else (0, 0))
    return data, violations


def _coerce_to_text(
    document: Document, validator: Draft202012Validator
) -> tuple[Any, list[ValidationError]]:
    """The document's data with plain scalars read as text where the schema
    wants text, and the errors left in it (found once: validating is the most
    of what reading a big BOM costs)."""
    data = copy.deepcopy(document.data)
    for _ in range(_COERCION_PASSES):
        errors = list(validator.iter_errors(data))
        as_text = [
            (path, node.plain_text)
            for error in _all_errors(errors)
            if error.validator == "type"
            and "string" in _as_list(error.validator_value)
            and isinstance(error.instance, bool | int | float)
            for path in [tuple(error.absolute_path)]
            for node in [document.nodes.get(path)]
            if node is not None and node.plain_text is not None
        ]
        if not as_text:
            return data, errors
        for path, text in as_text:
            data = _replace(data, path, text)
    return data, list(validator.iter_errors(data))


def _all_errors(errors: Any) -> Any:
    for error in errors:
        yield error
        yield from _all_errors(error.context or ())


def _replace(data: Any, path: JsonPath, value: Any) -> Any:
    if not path:
        return value
    container = data
    for key in path[:-1]:
        container = container[key]
    container[path[-1]] = value
    return data


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _most_useful(error: ValidationError) -> list[ValidationError]:
    """Descend from "not valid under any of the given schemas" to the errors that
    say what is wrong: all those of the alternative the author evidently meant."""
    if not error.context:
        return [error]
    depth = len(error.absolute_path)
    branches: dict[Any, list[ValidationError]] = {}
    for child in error.context:
        branches.setdefault(child.relative_schema_path[0], []).extend(_most_useful(child))
    # A branch that failed only because the value has another type is not the
    # one the author meant; nor can one be told apart when all ask for a key.
    meant = [
        found
        for found in branches.values()
        if not all(e.validator == "type" and len(e.absolute_path) == depth for e in found)
    ]
    if not meant or (
        len(meant) > 1
        and all(
            e.validator == "required" and len(e.absolute_path) == depth
            for found in meant
            for e in found
        )
    ):
        return [error]
    return max(meant, key=lambda found: max(len(e.absolute_path) for e in found))


_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _describe(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {_quote(value)}"
    return "a list" if isinstance(value, list) else "a mapping"


def _quote(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _label(path: JsonPath, what: str) -> str:
    if not path:
        return what
    label = ""
    for key in path:
        label += f"[{key}]" if isinstance(key, int) else (f".{key}" if label else str(key))
    return label


def _closest(word: str, choices: list[str]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def _suggest(word: str, choices: list[str]) -> str:
    close = _closest(word, choices)
    return f"did you mean {close!r}? " if close else ""


def _violations(
    error: ValidationError, document: Document, what: str, schema_name: str
) -> list[Violation]:
    path = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    rule = schema.get("x-ohw-finding")
    if error.validator == "additionalProperties":
        return _unknown_keys(error, document, _label(path, what), schema_name, rule)
    return [
        Violation(
            path,
            _message(error, _label(path, what), what),
            _hint(error, schema_name),
            _location(error, document),
            rule,
        )
    ]


def _unknown_keys(
    error: ValidationError, document: Document, where: str, schema_name: str, rule: str | None
) -> list[Violation]:
    path = tuple(error.absolute_path)
    known = error.schema.get("properties", {})
    allowed = sorted(known)
    listing = (
        "allowed keys: " + ", ".join(allowed)
        if len(allowed) <= 12
        else f"`ohw schema {schema_name}` lists the allowed keys"
    )
    return [
        Violation(
            (*path, key),
            f"{where} has the unknown key {key!r}",
            (
                "YAML merge keys (<<) are not part of YAML 1.2: write the keys out. "
                if key == "<<"
                else _suggest(key, allowed)
            )
            + listing,
            document.locate_key((*path, key)),
            rule,
        )
        for key in error.instance
        if key not in known
    ]


_BOUNDS = {
    "minimum": "at least",
    "exclusiveMinimum": "greater than",
    "maximum": "at most",
    "exclusiveMaximum": "less than",
}


def _only_required(error: ValidationError) -> bool:
    """An anyOf whose alternatives each ask for a key: "needs one of these keys"."""
    return error.validator in ("anyOf", "oneOf") and all(
        e.validator == "required" for e in error.context
    )


def _missing_key(error: ValidationError) -> str:
    return str(next(k for k in error.validator_value if k not in error.instance))


def _dependent_key(error: ValidationError) -> str:
    """For dependentRequired: the key present whose companions are missing."""
    return str(
        next(
            key
            for key, needs in error.validator_value.items()
            if key in error.instance and any(n not in error.instance for n in needs)
        )
    )


def _message(error: ValidationError, where: str, what: str) -> str:
    keyword, value, instance = error.validator, error.validator_value, error.instance
    if keyword == "type" and not error.absolute_path and instance is None:
        return f"{what} is empty"
    if keyword == "type":
        wanted = " or ".join(_TYPE_WORDS[t] for t in _as_list(value))
        return f"{where} should be {wanted}, not {_describe(instance)}"
    if keyword == "required":
        return f"{where} lacks the required key {_missing_key(error)!r}"
    if _only_required(error):
        keys = sorted({k for e in error.context for k in e.validator_value})
        return f"{where} needs at least one of: " + ", ".join(keys)
    if keyword in ("anyOf", "oneOf"):
        kinds = {
            t for e in error.context if e.validator == "type" for t in _as_list(e.validator_value)
        }
        wanted = " or ".join(_TYPE_WORDS[t] for t in sorted(kinds)) or "another value"
        return f"{where} should be {wanted}, not {_describe(instance)}"
    if keyword == "enum":
        choices = ", ".join(str(c) for c in value)
        return f"{where} is {_describe(instance)}; it must be one of: {choices}"
    if keyword == "const":
        return f"{where} is {_describe(instance)}; it must be {json.dumps(value)}"
    if keyword == "pattern":
        return f"{where} {_quote(str(instance))} is not in the expected form"
    if keyword in ("minLength", "minItems"):
        return f"{where} is empty"
    if keyword == "maxLength":
        return f"{where} is longer than {value} characters"
    if keyword in _BOUNDS:
        return f"{where} is {instance}; it must be {_BOUNDS[keyword]} {value}"
    if keyword == "uniqueItems":
        return f"{where} lists the same value more than once"
    if keyword == "dependentRequired":
        key = _dependent_key(error)
        missing = ", ".join(n for n in value[key] if n not in instance)
        return f"{where} has {key!r} but not {missing!r}"
    return f"{where}: {error.message}"


def _hint(error: ValidationError, schema_name: str) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    described: str = schema.get("description", "")
    if error.validator == "type" and not error.absolute_path and error.instance is None:
        return f"write the keys the schema asks for; `ohw schema {schema_name}` prints it"
    if error.validator == "required":
        missing = schema.get("properties", {}).get(_missing_key(error), {})
        return str(missing.get("description", "")) or described
    if error.validator == "enum":
        choices = [str(c) for c in error.validator_value]
        return _suggest(str(error.instance), choices) + described
    return described


def _location(error: ValidationError, document: Document) -> Location | None:
    path = tuple(error.absolute_path)
    if error.validator == "required":
        return document.locate_key(path) if path else Location(1, 1)
    if _only_required(error):
        return document.locate_key(path)
    if error.validator == "dependentRequired":
        return document.locate_key((*path, _dependent_key(error)))
    return document.locate(path)
