"""What the readers of YAML share: the document they make, and the rules they keep.

ohw reads YAML as the YAML 1.2 core schema reads it, and only as JSON-compatible
data: mappings with text keys, lists, text, integers, finite numbers, booleans and
null. `on`/`no` stay text, dates stay text, and no tag ever constructs an object.
Every node keeps its line and column, so a finding can point at it.

Three readers give the same values and locations (ohw.storage.yaml.read picks
one): the line reader (ohw.storage.yaml.lines) reads block-style YAML as people
write manifests and BOMs, and leaves anything else, whole, to the two of
ohw.storage.yaml.pyyaml, built on PyYAML: the quick one takes libyaml's events,
the exact one PyYAML's pure-Python composer, which reads everything and makes
every refusal with its location. The limits are enforced in all: nesting
depth, growth through aliases ("billion laughs"), the size of integers.
"""

from __future__ import annotations

import gc
import math
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import yaml

# Real manifests nest a handful of levels; 100 leaves room and stops a
# 5,000-deep document long before Python's recursion limit.
MAX_DEPTH = 100
# Aliases may repeat parts of a document, but not grow it by more than this many nodes.
MAX_ALIAS_GROWTH = 100_000
# Integers must fit in 64 bits, like every JSON reader's integers.
MAX_INTEGER = 2**63 - 1

RULE_SYNTAX = "OHW101"
RULE_DUPLICATE_KEY = "OHW102"
RULE_UNSUPPORTED = "OHW103"

TAG = "tag:yaml.org,2002:"
NULL, BOOL, INT, FLOAT, STR = (TAG + t for t in ("null", "bool", "int", "float", "str"))
SEQ, MAP = TAG + "seq", TAG + "map"

PathKey = str | int
JsonPath = tuple[PathKey, ...]


class Location(NamedTuple):
    """A position in a text file, both counted from 1."""

    line: int
    column: int

    @classmethod
    def of(cls, mark: yaml.Mark) -> Location:
        return cls(mark.line + 1, mark.column + 1)


class Span(NamedTuple):
    """Where a node's text lies, as offsets into the decoded text: from its key
    (for a mapping value) or its start, to the end of its content."""

    key: int | None
    start: int
    end: int
    flow: bool  # a collection written in flow style, [..] or {..}


class NodeInfo(NamedTuple):
    """Where a value was written, and for plain scalars, how."""

    at: Location
    key_at: Location | None
    plain_text: str | None
    span: Span | None = None


class ReadProblem(Exception):
    """A file ohw refuses to read, with the rule it breaks and where."""

    def __init__(self, rule: str, message: str, hint: str, at: Location | None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.hint = hint
        self.at = at


# Where a node was written, as the readers record it: line, column, the key's
# line and column (0, 0 for none), plain text, and the span's key, start, end and
# flow. A big BOM has tens of thousands of nodes and a command asks about a few:
# they become NodeInfo only when asked for (four objects each, half the time of
# reading if made for all).
Record = tuple[int, int, int, int, str | None, int | None, int, int, bool]


class Nodes(Mapping[JsonPath, NodeInfo]):
    """The nodes of a document read from YAML, by path."""

    def __init__(self, records: dict[JsonPath, Record]) -> None:
        self._records = records

    def __getitem__(self, path: JsonPath) -> NodeInfo:
        line, column, key_line, key_column, plain, key, start, end, flow = self._records[path]
        key_at = Location(key_line, key_column) if key_line else None
        return NodeInfo(Location(line, column), key_at, plain, Span(key, start, end, flow))

    def __iter__(self) -> Iterator[JsonPath]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def translated(self, table: dict[int, str]) -> Nodes:
        """The nodes with ``table`` applied to their keys and plain text."""
        return Nodes(
            {
                tuple(translate(k, table) for k in path): record
                if record[4] is None
                else (*record[:4], record[4].translate(table), *record[5:])
                for path, record in self._records.items()
            }
        )


class Document:
    """JSON-compatible data with the location of every node.

    Read from YAML, or converted from a CSV BOM.
    """

    def __init__(
        self,
        data: Any,
        nodes: Mapping[JsonPath, NodeInfo],
        *,
        text: str = "",
        aliased: bool = False,
    ) -> None:
        self.data = data
        self.nodes = nodes
        self.text = text  # the decoded text the spans point into
        self.aliased = aliased  # some node is reached twice, through an alias

    def info(self, path: JsonPath) -> NodeInfo | None:
        """The node at ``path``, or at its nearest written ancestor."""
        for end in range(len(path), -1, -1):
            found = self.nodes.get(tuple(path[:end]))
            if found is not None:
                return found
        return None

    def locate(self, path: JsonPath) -> Location | None:
        found = self.info(path)
        return found.at if found else None

    def locate_key(self, path: JsonPath) -> Location | None:
        """Where the key holding ``path`` was written; the value's place for list items."""
        found = self.nodes.get(tuple(path))
        if found is None:
            return self.locate(path)
        return found.key_at or found.at


# The tags of the YAML 1.2 core schema, and nothing from YAML 1.1: a plain
# scalar has the first tag whose pattern it matches, and is text if none.
CORE_SCHEMA = tuple(
    (tag, re.compile(pattern))
    for tag, pattern in (
        (NULL, r"^(?:~|null|Null|NULL|)$"),
        (BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$"),
        (INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        (
            FLOAT,
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        ),
    )
)


@contextmanager
def collector_paused() -> Iterator[None]:
    """For work that makes tens of thousands of tuples, dicts and lists and no
    cycles (reading or merging a big BOM): the cyclic garbage collector would
    only scan them again and again, for a third of the time. What the work
    made and kept goes straight to the collector's oldest generation, which it
    scans seldom, instead of its youngest, which it would scan all of at once,
    and then again on the way up."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()  # everything tracked, out of the generations...
            gc.unfreeze()  # ...and back, into the oldest, without a scan
            gc.enable()


Read = tuple[Any, Mapping[JsonPath, NodeInfo], bool]


class NotQuick(Exception):
    """Something the quick reader leaves to the exact one."""


# Where the quick reader's refusals point: nowhere, as the exact reader, reading
# the document again, makes every refusal a person sees.
UNSEEN = Location(0, 0)


# The first characters of the plain scalars that the core schema may read as
# null, a boolean or a number; any other plain scalar is text.
MAY_RESOLVE = frozenset("~nNtTfF+-.0123456789")


def plain_tag(written: str) -> str:
    """The tag of a plain scalar, as the core schema resolves it."""
    if written and written[0] not in MAY_RESOLVE:
        return STR
    return next((tag for tag, pattern in CORE_SCHEMA if pattern.match(written)), STR)


# YAML 1.2 breaks lines only at LF and CR; PyYAML also breaks at NEL, LS and PS,
# as YAML 1.1 did. Those three are swapped for private-use characters the text
# does not hold while PyYAML reads, and swapped back in the values.
_NON_BREAKS = ("\x85", "\u2028", "\u2029")


def protect_line_separators(text: str) -> tuple[str, dict[int, str]]:
    present = [c for c in _NON_BREAKS if c in text]
    if not present:
        return text, {}
    spare = (chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)
    swap = {ord(c): next(spare) for c in present}
    return text.translate(swap), {ord(stand_in): chr(c) for c, stand_in in swap.items()}


def translate(value: Any, table: dict[int, str]) -> Any:
    if isinstance(value, str):
        return value.translate(table)
    if isinstance(value, list):
        return [translate(v, table) for v in value]
    if isinstance(value, dict):
        return {k.translate(table): translate(v, table) for k, v in value.items()}
    return value


def decode_utf8(raw: bytes, rule: str) -> str:
    """Text from UTF-8 bytes (a byte-order mark is dropped), or a located problem."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise ReadProblem(
            rule,
            f"the file is not UTF-8 text: byte 0x{raw[error.start]:02x} cannot start a character",
            "save the file with UTF-8 encoding",
            Location(line, column),
        ) from None


def key_text(written: str, tag: str, at: Location) -> str:
    value = scalar_value(written, tag, at)
    if not isinstance(value, str):
        raise ReadProblem(
            RULE_UNSUPPORTED,
            f"the key {written!r} is read as {_kind(value)}, not as text",
            f"quote it: '{written}'",
            at,
        )
    return value


def tag_problem(tag: str, at: Location) -> ReadProblem:
    shown = "!!" + tag[len(TAG) :] if tag.startswith(TAG) else tag
    return ReadProblem(
        RULE_UNSUPPORTED,
        f"the tag {shown} is not allowed",
        "ohw reads plain data only (text, numbers, true/false, null, lists, mappings): "
        "remove the tag",
        at,
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def scalar_value(text: str, tag: str, at: Location) -> Any:
    if _SURROGATE.search(text):
        text = _pair_surrogates(text, at)
    if tag == STR:
        return text
    if tag == NULL and re.fullmatch(r"~|null|Null|NULL|", text):
        return None
    if tag == BOOL and re.fullmatch(r"true|True|TRUE|false|False|FALSE", text):
        return text.lower() == "true"
    if tag == INT:
        return _integer(text, at)
    if tag == FLOAT:
        return _float(text, at)
    if tag in (NULL, BOOL):
        raise ReadProblem(
            RULE_UNSUPPORTED,
            f"{text!r} cannot be read as {tag[len(TAG) :]}",
            "remove the tag, or write a value of that type",
            at,
        )
    raise tag_problem(tag, at)


_INTEGER_FORMS = re.compile(r"([-+]?[0-9]+)|0o([0-7]+)|0x([0-9a-fA-F]+)")


def _pair_surrogates(text: str, at: Location) -> str:
    """Characters written as JSON writes them, two \\u escapes for one character."""
    paired = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if "\ufffd" in paired and "\ufffd" not in text:
        raise ReadProblem(
            RULE_SYNTAX,
            "a \\u escape gives half of a character (a lone UTF-16 surrogate)",
            "write the character itself, or both halves of its surrogate pair",
            at,
        )
    return paired


def _integer(text: str, at: Location) -> int:
    match = _INTEGER_FORMS.fullmatch(text)
    if match is None:
        raise ReadProblem(
            RULE_UNSUPPORTED, f"{text!r} cannot be read as an integer", "remove the !!int tag", at
        )
    decimal, octal, hexadecimal = match.groups()
    body, base = next((b, n) for b, n in ((decimal, 10), (octal, 8), (hexadecimal, 16)) if b)
    digits = body.lstrip("+-").lstrip("0")
    # Refuse by length before converting: int() of 5,000 digits is slow or refused outright.
    value = int(body, base) if len(digits) <= 20 else None
    if value is None or not -MAX_INTEGER - 1 <= value <= MAX_INTEGER:
        shown = text if len(text) <= 24 else f"{text[:12]}…{text[-6:]} ({len(digits):,} digits)"
        raise ReadProblem(
            RULE_UNSUPPORTED,
            f"the integer {shown} does not fit in 64 bits (±{MAX_INTEGER:,})",
            "if it is an identifier such as a part number, put it in quotes",
            at,
        )
    return value


def _float(text: str, at: Location) -> float:
    if text.lstrip("+-").lower() in (".inf", ".nan"):
        value = math.inf
    else:
        try:
            value = float(text)
        except ValueError:
            raise ReadProblem(
                RULE_UNSUPPORTED,
                f"{text!r} cannot be read as a number",
                "remove the !!float tag",
                at,
            ) from None
    if not math.isfinite(value):
        raise ReadProblem(
            RULE_UNSUPPORTED,
            f"{text!r} is not a finite number",
            "write a finite number (JSON has no infinity or NaN), or quote it as text",
            at,
        )
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__
