"""Whether a document conforms to a JSON Schema: a yes or a no, without jsonschema.

Most documents a check reads are valid, and loading jsonschema takes longer than
checking them (about 0.15 s): a quarter of a cold ``ohw log``, a third of a
check of an edited design whose meshes are cached (docs/architecture.md). A schema is
compiled once into plain functions for the keywords of draft 2020-12 that ohw's
schemas use. Where this module could differ from jsonschema (a keyword it does
not know, a reference it cannot resolve), ``compile_schema`` raises
``Unsupported``; a value of a type JSON has no word for gets a no. A no is never
wrong to give: the caller then asks jsonschema, which also says why. A yes must
be jsonschema's yes, and the tests hold the two to the same answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

Check = Callable[[Any], bool]

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

# Keywords that only annotate: they never make a document invalid.
_ANNOTATIONS = frozenset(
    {"$comment", "$defs", "title", "description", "default", "examples", "deprecated"}
)


class Unsupported(Exception):
    """The schema uses something this module does not decide exactly."""


def compile_schema(schema: Any, retrieve: Callable[[str], Mapping[str, Any]]) -> Check:
    """A function telling whether a value conforms to ``schema`` (a root schema
    with an absolute ``$id``); ``retrieve`` gives the schema of another ``$id``
    that a ``$ref`` names."""
    if not isinstance(schema, dict) or not isinstance(schema.get("$id"), str):
        raise Unsupported("a root schema needs an absolute $id")
    check = _Compiler(retrieve).root(schema)

    def conforms(document: Any) -> bool:
        try:
            return _json_only(document) and check(document)
        except RecursionError:  # a recursive schema on a deep document: jsonschema decides
            return False

    return conforms


def _json_only(document: Any) -> bool:
    """Whether ``document`` holds nothing but what JSON has: mappings with text
    keys, lists, text, numbers, true, false and null. Anything else (a Decimal,
    a number as a key) gets a no at once, so that no keyword below has to guess
    how jsonschema would take it."""
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            if not all(isinstance(key, str) for key in value):
                return False
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif not isinstance(value, _SCALARS):
            return False
    return True


class _Compiler:
    def __init__(self, retrieve: Callable[[str], Mapping[str, Any]]) -> None:
        self.retrieve = retrieve
        self.roots: dict[str, Mapping[str, Any]] = {}
        self.targets: dict[str, Check] = {}  # compiled $ref targets, by absolute URI

    def root(self, schema: Mapping[str, Any]) -> Check:
        if schema.get("$schema", DRAFT_2020_12) != DRAFT_2020_12:
            raise Unsupported(f"$schema {schema['$schema']!r}")
        base = str(schema["$id"])
        self.roots[base] = schema
        return self.reference(base)

    def reference(self, uri: str) -> Check:
        """The compiled schema at ``uri``, compiled once: a schema may refer to itself."""
        if uri not in self.targets:
            compiled: list[Check] = []

            def target(instance: Any) -> bool:  # compiled below, after what it refers to
                return compiled[0](instance)

            self.targets[uri] = target
            base, fragment = urldefrag(uri)
            compiled.append(self.schema(_pointed(self.document(base), fragment), base))
        return self.targets[uri]

    def document(self, base: str) -> Mapping[str, Any]:
        if base not in self.roots:
            try:
                found = self.retrieve(base)
            except LookupError:
                raise Unsupported(f"no schema {base!r}") from None
            if found.get("$id") != base or found.get("$schema", DRAFT_2020_12) != DRAFT_2020_12:
                raise Unsupported(f"{base!r} is not a draft 2020-12 schema of that $id")
            self.roots[base] = found
        return self.roots[base]

    def schema(self, schema: Any, base: str) -> Check:
        if schema is True:
            return _anything
        if schema is False:
            return _nothing
        if not isinstance(schema, dict):
            raise Unsupported(f"a schema that is {type(schema).__name__}")
        if "$id" in schema and schema is not self.roots.get(base):
            raise Unsupported("an $id inside a schema")
        checks = []
        for keyword, value in schema.items():
            if keyword in _ANNOTATIONS or keyword in ("$id", "$schema") or keyword[:2] == "x-":
                continue
            build = _KEYWORDS.get(keyword)
            if build is None:
                raise Unsupported(f"the keyword {keyword!r}")
            checks.append(build(self, value, schema, base))
        if len(checks) <= 1:
            return checks[0] if checks else _anything
        return lambda instance: all(check(instance) for check in checks)


def _pointed(document: Any, fragment: str) -> Any:
    """The part of ``document`` a fragment's JSON pointer names."""
    if fragment and not fragment.startswith("/"):
        raise Unsupported(f"the anchor #{fragment}")
    found = document
    for token in fragment.split("/")[1:]:
        key = unquote(token).replace("~1", "/").replace("~0", "~")
        try:
            found = found[int(key)] if isinstance(found, list) else found[key]
        except (KeyError, IndexError, ValueError, TypeError):
            raise Unsupported(f"nothing at #{fragment}") from None
    return found


def _anything(instance: Any) -> bool:
    return True


def _nothing(instance: Any) -> bool:
    return False


def _is_number(instance: Any) -> bool:
    return isinstance(instance, int | float) and not isinstance(instance, bool)


def _is_integer(instance: Any) -> bool:
    if isinstance(instance, float):
        return instance.is_integer()
    return isinstance(instance, int) and not isinstance(instance, bool)


# As jsonschema's type checker of draft 2020-12 has them, for JSON's values (no
# other reaches a keyword: _json_only).
_TYPES: dict[str, Check] = {
    "object": lambda instance: isinstance(instance, dict),
    "array": lambda instance: isinstance(instance, list),
    "string": lambda instance: isinstance(instance, str),
    "boolean": lambda instance: isinstance(instance, bool),
    "null": lambda instance: instance is None,
    "number": _is_number,
    "integer": _is_integer,
}

_SCALARS = (str, bool, int, float, type(None))


def _type(compiler: _Compiler, value: Any, schema: Mapping[str, Any], base: str) -> Check:
    names = value if isinstance(value, list) else [value]
    if not all(isinstance(name, str) and name in _TYPES for name in names):
        raise Unsupported(f"the type {value!r}")
    wanted = [_TYPES[name] for name in names]
    if len(wanted) == 1:
        return wanted[0]
    return lambda instance: any(is_type(instance) for is_type in wanted)


def _applies(is_kind: Check, holds: Check) -> Check:
    """A keyword about one kind of value: values of other kinds pass it."""
    return lambda instance: not is_kind(instance) or holds(instance)


def _properties(compiler: _Compiler, value: Any, schema: Mapping[str, Any], base: str) -> Check:
    checks = {name: compiler.schema(sub, base) for name, sub in value.items()}

    def holds(instance: dict[str, Any]) -> bool:
        return all(checks[key](item) for key, item in instance.items() if key in checks)

    return _applies(_TYPES["object"], holds)


def _additional_properties(
    compiler: _Compiler, value: Any, schema: Mapping[str, Any], base: str
) -> Check:
    if "patternProperties" in schema:
        raise Unsupported("patternProperties")
    known = frozenset(schema.get("properties", {}))
    check = compiler.schema(value, base)

    def holds(instance: dict[str, Any]) -> bool:
        return all(check(item) for key, item in instance.items() if key not in known)

    return _applies(_TYPES["object"], holds)


def _required(compiler: _Compiler, value: Any, schema: Mapping[str, Any], base: str) -> Check:
    keys = list(value)
    return _applies(_TYPES["object"], lambda instance: all(key in instance for key in keys))


def _dependent_required(
    compiler: _Compiler, value: Any, schema: Mapping[str, Any], base: str
) -> Check:
    needs = {key: list(names) for key, names in value.items()}

    def holds(instance: dict[str, Any]) -> bool:
        return all(
            name in instance for key, names in needs.items() if key in instance for name in names
        )

    return _applies(_TYPES["object"], holds)


def _items(compiler: _Compiler, value: Any, schema: Mapping[str, Any], base: str) -> Check:
    if "prefixItems" in schema:
        raise Unsupported("prefixItems")
    check = compiler.schema(value, base)
    return _applies(_TYPES["array"], lambda instance: all(check(item) for item in instance))


def _unique_items(compiler: _Compiler, value: Any, schema: Mapping[str, Any], base: str) -> Check:
    if not value:
        return _anything

    def holds(instance: list[Any]) -> bool:
        return not any(
            _equal(one, two)
            for number, one in enumerate(instance)
            for two in instance[number + 1 :]
        )

    return _applies(_TYPES["array"], holds)


def _bounds(
    is_kind: Check, measure: Callable[[Any], Any], comparison: Callable[[Any, Any], bool]
) -> Callable[[_Compiler, Any, Mapping[str, Any], str], Check]:
    """A keyword that compares a measure of a value (its length, itself) with a
    limit; ``comparison(measured, limit)`` is jsonschema's test for failing."""

    def build(compiler: _Compiler, value: Any, schema: Mapping[str, Any], base: str) -> Check:
        if not _is_number(value):
            raise Unsupported(f"the limit {value!r}")
        return _applies(is_kind, lambda instance: not comparison(measure(instance), value))

    return build


def _pattern(compiler: _Compiler, value: Any, schema: Mapping[str, Any], base: str) -> Check:
    search = re.compile(value).search  # jsonschema searches with Python's re, as here
    return _applies(_TYPES["string"], lambda instance: search(instance) is not None)


def _equal(one: Any, two: Any) -> bool:
    """Equality as JSON Schema has it: true is not 1, nor false 0."""
    if one is two:  # as jsonschema's: a value is equal to itself, even NaN
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(map(_equal, one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(_equal(one[key], two[key]) for key in one)
    if isinstance(one, bool) or isinstance(two, bool):
        return one is two
    return bool(one == two)


def _const(compiler: _Compiler, value: Any, schema: Mapping[str, Any], base: str) -> Check:
    return lambda instance: _equal(instance, value)


def _enum(compiler: _Compiler, value: Any, schema: Mapping[str, Any], base: str) -> Check:
    choices = list(value)
    return lambda instance: any(_equal(instance, choice) for choice in choices)


def _any_of(compiler: _Compiler, value: Any, schema: Mapping[str, Any], base: str) -> Check:
    checks = [compiler.schema(sub, base) for sub in value]
    return lambda instance: any(check(instance) for check in checks)


def _one_of(compiler: _Compiler, value: Any, schema: Mapping[str, Any], base: str) -> Check:
    checks = [compiler.schema(sub, base) for sub in value]
    return lambda instance: sum(1 for check in checks if check(instance)) == 1


def _all_of(compiler: _Compiler, value: Any, schema: Mapping[str, Any], base: str) -> Check:
    checks = [compiler.schema(sub, base) for sub in value]
    return lambda instance: all(check(instance) for check in checks)


def _ref(compiler: _Compiler, value: Any, schema: Mapping[str, Any], base: str) -> Check:
    return compiler.reference(urljoin(base, value))


def _size(instance: Any) -> int:
    return len(instance)


def _itself(instance: Any) -> Any:
    return instance


_KEYWORDS: dict[str, Callable[[_Compiler, Any, Mapping[str, Any], str], Check]] = {
    "type": _type,
    "properties": _properties,
    "additionalProperties": _additional_properties,
    "required": _required,
    "dependentRequired": _dependent_required,
    "items": _items,
    "uniqueItems": _unique_items,
    "minProperties": _bounds(_TYPES["object"], _size, lambda n, limit: n < limit),
    "maxProperties": _bounds(_TYPES["object"], _size, lambda n, limit: n > limit),
    "minItems": _bounds(_TYPES["array"], _size, lambda n, limit: n < limit),
    "maxItems": _bounds(_TYPES["array"], _size, lambda n, limit: n > limit),
    "minLength": _bounds(_TYPES["string"], _size, lambda n, limit: n < limit),
    "maxLength": _bounds(_TYPES["string"], _size, lambda n, limit: n > limit),
    "minimum": _bounds(_is_number, _itself, lambda x, limit: x < limit),
    "maximum": _bounds(_is_number, _itself, lambda x, limit: x > limit),
    "exclusiveMinimum": _bounds(_is_number, _itself, lambda x, limit: x <= limit),
    "exclusiveMaximum": _bounds(_is_number, _itself, lambda x, limit: x >= limit),
    "pattern": _pattern,
    "const": _const,
    "enum": _enum,
    "anyOf": _any_of,
    "oneOf": _one_of,
    "allOf": _all_of,
    "$ref": _ref,
}
