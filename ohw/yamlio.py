"""Reading YAML safely and precisely.

ohw reads YAML as the YAML 1.2 core schema reads it, and only as JSON-compatible
data: mappings with text keys, lists, text, integers, finite numbers, booleans and
null. `on`/`no` stay text, dates stay text, and no tag ever constructs an object.
Every node keeps its line and column, so a finding can point at it.

The document is composed by PyYAML's pure-Python parser into a node graph and
turned into values here, which is where the limits are enforced: nesting depth,
growth through aliases ("billion laughs"), and the size of integers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

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

_TAG = "tag:yaml.org,2002:"
_NULL, _BOOL, _INT, _FLOAT, _STR = (_TAG + t for t in ("null", "bool", "int", "float", "str"))
_SEQ, _MAP = _TAG + "seq", _TAG + "map"

PathKey = str | int
JsonPath = tuple[PathKey, ...]


@dataclass(frozen=True)
class Location:
    """A position in a text file, both counted from 1."""

    line: int
    column: int

    @classmethod
    def of(cls, mark: yaml.Mark) -> Location:
        return cls(mark.line + 1, mark.column + 1)


@dataclass(frozen=True)
class Span:
    """Where a node's text lies, as offsets into the decoded text: from its key
    (for a mapping value) or its start, to the end of its content."""

    key: int | None
    start: int
    end: int
    flow: bool  # a collection written in flow style, [..] or {..}


@dataclass(frozen=True)
class NodeInfo:
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


class Document:
    """JSON-compatible data with the location of every node.

    Read from YAML, or converted from a CSV BOM.
    """

    def __init__(
        self, data: Any, nodes: dict[JsonPath, NodeInfo], *, text: str = "", aliased: bool = False
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


class _Resolver(BaseResolver):
    """The tags of the YAML 1.2 core schema, and nothing from YAML 1.1."""


for _tag, _pattern in (
    (_NULL, r"^(?:~|null|Null|NULL|)$"),
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$"),
    (_INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    (
        _FLOAT,
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
    ),
):
    _Resolver.add_implicit_resolver(_tag, re.compile(_pattern), None)


class _Loader(Reader, Scanner, Parser, Composer, _Resolver):
    """PyYAML's reader, parser and composer, refusing to nest deeper than MAX_DEPTH."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Resolver.__init__(self)
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise ReadProblem(
                    RULE_UNSUPPORTED,
                    f"the document nests more than {MAX_DEPTH} levels deep",
                    "flatten the structure; ohw's files need only a few levels",
                    Location.of(self.peek_event().start_mark),  # type: ignore[no-untyped-call]
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def load_yaml(raw: bytes) -> Document:
    """Read one YAML document from bytes; raise ReadProblem if ohw cannot take it."""
    text, restore = _protect_line_separators(decode_utf8(raw, RULE_SYNTAX))
    loader = None
    try:
        loader = _Loader(text)
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise _syntax_problem(error) from None
    except ReaderError as error:
        raise ReadProblem(
            RULE_SYNTAX,
            f"the character {_show_char(error.character)} is not allowed in YAML",
            "remove it, or write it as an escape inside a double-quoted string",
            _location_in(text, error.position),
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        return Document(None, {(): NodeInfo(Location(1, 1), None, None)}, text=text)
    aliased = _check_growth(root)
    nodes: dict[JsonPath, NodeInfo] = {}
    data = _build(root, (), None, nodes)
    if restore:
        data = _translate(data, restore)
        nodes = {
            tuple(_translate(k, restore) for k in path): info
            if info.plain_text is None
            else NodeInfo(info.at, info.key_at, info.plain_text.translate(restore), info.span)
            for path, info in nodes.items()
        }
    return Document(data, nodes, text=text.translate(restore), aliased=aliased)


# YAML 1.2 breaks lines only at LF and CR; PyYAML also breaks at NEL, LS and PS,
# as YAML 1.1 did. Those three are swapped for private-use characters the text
# does not hold while PyYAML reads, and swapped back in the values.
_NON_BREAKS = ("\x85", "\u2028", "\u2029")


def _protect_line_separators(text: str) -> tuple[str, dict[int, str]]:
    present = [c for c in _NON_BREAKS if c in text]
    if not present:
        return text, {}
    spare = (chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)
    swap = {ord(c): next(spare) for c in present}
    return text.translate(swap), {ord(stand_in): chr(c) for c, stand_in in swap.items()}


def _translate(value: Any, table: dict[int, str]) -> Any:
    if isinstance(value, str):
        return value.translate(table)
    if isinstance(value, list):
        return [_translate(v, table) for v in value]
    if isinstance(value, dict):
        return {k.translate(table): _translate(v, table) for k, v in value.items()}
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


# PyYAML's problems a person meets most, in words that say what to do:
# (text in PyYAML's message, our message or None to keep PyYAML's, hint).
_SYNTAX_HELP = (
    (
        "found character '\\t'",
        "a tab character where YAML expects indentation or a value",
        "indent with spaces: YAML does not allow tabs for indentation",
    ),
    (
        "mapping values are not allowed",
        "a ': ' inside a value, or a key indented wrongly",
        "quote a value containing ': ', or check the indentation",
    ),
    (
        "cannot start any token",
        None,
        "quote the value: plain YAML text cannot start with this character",
    ),
    (
        "expected a single document",
        "the file holds more than one YAML document",
        "keep one document per file: remove the extra '---'",
    ),
    (
        "found undefined alias",
        None,
        "define the anchor (&name) before using the alias (*name)",
    ),
    ("found duplicate anchor", None, "give each anchor (&name) a different name"),
)


def _syntax_problem(error: yaml.MarkedYAMLError) -> ReadProblem:
    problem = error.problem or "invalid YAML"
    if not error.context:
        message = problem
    elif problem.startswith("but "):  # PyYAML splits "expected X, but found Y" in two
        message = f"{error.context}, {problem}"
    else:
        message = f"{problem} ({error.context})"
    ours, hint = next(
        ((m, h) for needle, m, h in _SYNTAX_HELP if needle in message),
        (None, "check the YAML syntax at this position: indentation, quotes and colons"),
    )
    mark = error.problem_mark or error.context_mark
    if "end of stream" in problem and error.context_mark:  # point at what was left open
        mark = error.context_mark
    return ReadProblem(RULE_SYNTAX, ours or message, hint, Location.of(mark) if mark else None)


def _location_in(text: str, position: int) -> Location:
    line = text.count("\n", 0, position) + 1
    return Location(line, position - (text.rfind("\n", 0, position) + 1) + 1)


def _show_char(character: int | str) -> str:
    return f"U+{character if isinstance(character, int) else ord(character):04X}"


def _check_growth(root: Node) -> bool:
    """Refuse recursive aliases, and aliases that blow the document up; say
    whether any alias is used."""
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in visiting:
            raise ReadProblem(
                RULE_UNSUPPORTED,
                "an alias refers to a node that contains it (a recursive alias)",
                "ohw reads tree-shaped data only: remove the alias from inside its anchor",
                Location.of(node.start_mark),
            )
        visiting.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        visiting.discard(key)
        sizes[key] = total
        return total

    expanded = size(root)
    if expanded > len(sizes) + MAX_ALIAS_GROWTH:
        raise ReadProblem(
            RULE_UNSUPPORTED,
            f"aliases expand this document from {len(sizes):,} to {expanded:,} nodes",
            f"ohw allows aliases to add at most {MAX_ALIAS_GROWTH:,} nodes: "
            "write the data out instead of multiplying it with aliases",
            Location(1, 1),
        )
    return expanded > len(sizes)


def _build(
    node: Node,
    path: JsonPath,
    key_node: Node | None,
    nodes: dict[JsonPath, NodeInfo],
) -> Any:
    at = Location.of(node.start_mark)
    key_at = Location.of(key_node.start_mark) if key_node else None
    key_start = key_node.start_mark.index if key_node else None
    if isinstance(node, ScalarNode):
        plain = node.value if node.style is None else None
        span = Span(key_start, node.start_mark.index, node.end_mark.index, flow=False)
        nodes[path] = NodeInfo(at, key_at, plain, span)
        return _scalar(node, at)
    if isinstance(node, SequenceNode):
        _require_tag(node, _SEQ, at)
        items = [_build(child, (*path, i), None, nodes) for i, child in enumerate(node.value)]
        last = nodes.get((*path, len(items) - 1))
        nodes[path] = NodeInfo(at, key_at, None, _collection_span(node, key_start, last))
        return items
    if isinstance(node, MappingNode):
        _require_tag(node, _MAP, at)
        mapping: dict[str, Any] = {}
        for child_key, value_node in node.value:
            key_loc = Location.of(child_key.start_mark)
            key = _key(child_key, key_loc)
            here = (*path, key)
            if key in mapping:
                first = nodes[here].key_at
                where = f" (first at line {first.line})" if first else ""
                raise ReadProblem(
                    RULE_DUPLICATE_KEY,
                    f"the key {key!r} appears twice in the same mapping{where}",
                    "keep one of them: YAML does not say which of two equal keys wins",
                    key_loc,
                )
            mapping[key] = _build(value_node, here, child_key, nodes)
        last = nodes[here] if mapping else None
        nodes[path] = NodeInfo(at, key_at, None, _collection_span(node, key_start, last))
        return mapping
    raise ReadProblem(RULE_UNSUPPORTED, "unknown YAML node", "", at)  # pragma: no cover


def _collection_span(node: Node, key_start: int | None, last: NodeInfo | None) -> Span:
    """A block collection's content ends where its last entry's does (its own end
    mark lies beyond the comments and blank lines that follow)."""
    flow = bool(getattr(node, "flow_style", False))
    end = last.span.end if not flow and last is not None and last.span else node.end_mark.index
    return Span(key_start, node.start_mark.index, end, flow)


def _key(node: Node, at: Location) -> str:
    if not isinstance(node, ScalarNode):
        raise ReadProblem(
            RULE_UNSUPPORTED,
            "a mapping key is a list or a mapping",
            "use text keys only, as JSON does",
            at,
        )
    value = _scalar(node, at)
    if not isinstance(value, str):
        raise ReadProblem(
            RULE_UNSUPPORTED,
            f"the key {node.value!r} is read as {_kind(value)}, not as text",
            f"quote it: '{node.value}'",
            at,
        )
    return value


def _require_tag(node: Node, tag: str, at: Location) -> None:
    if node.tag != tag:
        raise _tag_problem(node.tag, at)


def _tag_problem(tag: str, at: Location) -> ReadProblem:
    shown = "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
    return ReadProblem(
        RULE_UNSUPPORTED,
        f"the tag {shown} is not allowed",
        "ohw reads plain data only (text, numbers, true/false, null, lists, mappings): "
        "remove the tag",
        at,
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def _scalar(node: ScalarNode, at: Location) -> Any:
    text, tag = node.value, node.tag
    if _SURROGATE.search(text):
        text = _pair_surrogates(text, at)
    if tag == _STR:
        return text
    if tag == _NULL and re.fullmatch(r"~|null|Null|NULL|", text):
        return None
    if tag == _BOOL and re.fullmatch(r"true|True|TRUE|false|False|FALSE", text):
        return text.lower() == "true"
    if tag == _INT:
        return _integer(text, at)
    if tag == _FLOAT:
        return _float(text, at)
    if tag in (_NULL, _BOOL):
        raise ReadProblem(
            RULE_UNSUPPORTED,
            f"{text!r} cannot be read as {tag[len(_TAG) :]}",
            "remove the tag, or write a value of that type",
            at,
        )
    raise _tag_problem(tag, at)


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
