"""The readers of YAML built on PyYAML, for the documents the line reader
(ohw.storage.yaml.lines) leaves (loaded only then: PyYAML takes a twentieth of
a merge's time to load). The quick one takes the events of libyaml's parser (PyYAML's C
extension) and builds the values in one pass, without recursion, so no nesting
can exhaust the C stack; the exact one, PyYAML's pure-Python parser, composes
a node graph and the values are built from it, and makes every refusal."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from ohw.storage.yaml.document import (
    CORE_SCHEMA,
    MAP,
    MAX_ALIAS_GROWTH,
    MAX_DEPTH,
    RULE_DUPLICATE_KEY,
    RULE_SYNTAX,
    RULE_UNSUPPORTED,
    SEQ,
    STR,
    UNSEEN,
    JsonPath,
    Location,
    NodeInfo,
    Nodes,
    NotQuick,
    Read,
    ReadProblem,
    Record,
    key_text,
    plain_tag,
    scalar_value,
    tag_problem,
)

try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml: the exact reader reads everything
    _CParser = None  # type: ignore[assignment, misc]


class _Resolver(BaseResolver):
    """The tags of the YAML 1.2 core schema, and nothing from YAML 1.1."""


for _tag, _pattern in CORE_SCHEMA:
    _Resolver.add_implicit_resolver(_tag, _pattern, None)


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

    def compose_scalar_node(self, anchor: dict[Any, Node]) -> ScalarNode:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if event.tag == "!":  # YAML 1.2: the non-specific tag makes a scalar text,
            event.tag, event.implicit = STR, (False, False)  # where PyYAML resolves it
        return super().compose_scalar_node(anchor)


_EMPTY: dict[JsonPath, NodeInfo] = {(): NodeInfo(Location(1, 1), None, None)}


def read_exactly(text: str) -> Read:
    """Values and nodes by PyYAML's pure-Python composer; every refusal is raised here."""
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
    except (ValueError, OverflowError):  # PyYAML's chr() of an escape past U+10FFFF
        assert loader is not None
        raise ReadProblem(
            RULE_SYNTAX,
            "an escape in double quotes names no character (\\U past 0010FFFF)",
            "write a character from \\U00000000 to \\U0010FFFF",
            Location.of(loader.get_mark()),
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        return None, dict(_EMPTY), False
    aliased = _check_growth(root)
    records: dict[JsonPath, Record] = {}
    data = _build(root, (), None, records)
    return data, Nodes(records), aliased


@dataclass
class _Open:
    """A collection the quick reader is inside of."""

    path: JsonPath
    mapping: bool
    value: list[Any] | dict[str, Any]
    where: tuple[int, int, int, int]  # line, column, key line, key column
    key_start: int | None
    start: int
    flow: bool
    key: tuple[str, int, int, int] | None = None  # a key awaiting its value, and where
    last: Record | None = None


def quick_may_read(text: str) -> bool:
    """Whether libyaml is there and the text has nothing the two parsers read
    differently: libyaml takes tabs where PyYAML refuses them (``a: 1<TAB>``),
    and skips byte-order marks inside the text where PyYAML keeps them."""
    return _CParser is not None and "\t" not in text and "\ufeff" not in text


def read_with_libyaml(text: str) -> Read | None:
    """Values and nodes from libyaml's events, or None where the exact reader
    must decide: an alias or anchor reused, nesting past MAX_DEPTH, a tag, a key
    or a value ohw refuses, or anything libyaml itself refuses."""
    assert _CParser is not None
    parser = _CParser(text)
    try:
        return _EventReader(text).document(parser.get_event)
    except (yaml.YAMLError, ReadProblem, NotQuick):
        return None
    finally:
        parser.dispose()


_Placed = tuple[JsonPath, Any, Record]  # a finished node: its path, value and record


class _EventReader:
    """One pass over the events, building what _build builds from composed nodes,
    with a stack of open collections instead of recursion."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.records: dict[JsonPath, Record] = {}
        self.anchors: set[str] = set()
        self.stack: list[_Open] = []
        # Keys and plain values repeat (id, name, quantity: 1, EUR): read each text once.
        self.keys: dict[str, str] = {}
        self.plain: dict[str, Any] = {}

    def document(self, next_event: Callable[[], Any]) -> Read:
        next_event()  # the stream starts
        if type(next_event()) is yaml.StreamEndEvent:
            return None, dict(_EMPTY), False
        records, stack = self.records, self.stack
        ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        while True:
            event = next_event()
            placed = self.close(event) if type(event) in ends else self.open(event)
            if placed is None:  # a key, or a collection begun
                continue
            path, value, record = placed
            records[path] = record
            if not stack:
                break
            parent = stack[-1]
            if parent.key is None:
                parent.value.append(value)  # type: ignore[union-attr]
            else:
                parent.value[parent.key[0]] = value  # type: ignore[call-overload]
                parent.key = None
            parent.last = record
        next_event()  # the document ends
        if type(next_event()) is not yaml.StreamEndEvent:
            raise NotQuick  # a second document
        return value, Nodes(records), False

    def close(self, event: Any) -> _Placed:
        closed = self.stack.pop()
        last = closed.last
        # a block collection ends where its last entry does, as in _collection_span
        end = event.end_mark.index if closed.flow or last is None else last[7]
        record = (*closed.where, None, closed.key_start, closed.start, end, closed.flow)
        return closed.path, closed.value, record

    def open(self, event: Any) -> _Placed | None:
        kind = type(event)
        stack = self.stack
        if kind is yaml.AliasEvent or len(stack) >= MAX_DEPTH:
            raise NotQuick
        anchor = event.anchor
        if anchor is not None:
            if anchor in self.anchors:
                raise NotQuick
            self.anchors.add(anchor)
        mark = event.start_mark
        parent = stack[-1] if stack else None
        path: JsonPath
        if parent is None:
            path, key_line, key_column, key_start = (), 0, 0, None
        elif not parent.mapping:
            path, key_line, key_column, key_start = (*parent.path, len(parent.value)), 0, 0, None
        elif parent.key is None:  # this event is a key
            if kind is not yaml.ScalarEvent:
                raise NotQuick
            key = self.key(event)
            if key in parent.value:
                raise NotQuick
            parent.key = (key, mark.line + 1, mark.column + 1, mark.index)
            return None
        else:
            key, key_line, key_column, key_start = parent.key
            path = (*parent.path, key)
        if kind is yaml.ScalarEvent:
            record: Record = (
                mark.line + 1, mark.column + 1, key_line, key_column,
                None if event.style else event.value,
                key_start, mark.index, event.end_mark.index, False,
            )  # fmt: skip
            return path, self.value(event), record
        mapping = kind is yaml.MappingStartEvent
        if event.tag not in (None, "!", MAP if mapping else SEQ):
            raise NotQuick
        value: list[Any] | dict[str, Any] = {} if mapping else []
        where = (mark.line + 1, mark.column + 1, key_line, key_column)
        flow = bool(event.flow_style)
        stack.append(_Open(path, mapping, value, where, key_start, mark.index, flow))
        return None

    def key(self, event: Any) -> str:
        written: str = event.value
        key = self.keys.get(written) if event.implicit[0] else None
        if key is None:
            key = key_text(written, _scalar_tag(event), UNSEEN)
            if event.implicit[0]:
                self.keys[written] = key
        return key

    def value(self, event: Any) -> Any:
        written: str = event.value
        if not event.implicit[0]:  # quoted or block text
            if event.style in ("|", ">") and not _BLOCK_HEADER.match(
                self.text, event.start_mark.index
            ):
                raise NotQuick
            return scalar_value(written, _scalar_tag(event), UNSEEN)
        if not written:
            raise NotQuick
        plain = self.plain
        if written in plain:
            return plain[written]
        value = plain[written] = scalar_value(written, _scalar_tag(event), UNSEEN)
        return value


# Where the parsers differ, the quick reader leaves the document to the exact one:
# libyaml takes a comment right after a block scalar's indicators (``|#``),
# PyYAML wants a space; and they place a value left empty (``? key``, ``[k: ]``)
# at different positions.
_BLOCK_HEADER = re.compile(r"[|>](?:[+-][1-9]?|[1-9][+-]?)?(?:[ \r\n]|\Z)")


def _scalar_tag(event: Any) -> str:
    """The tag of a scalar event, resolved as _Loader resolves it; a tag
    written in the document is left to the exact reader (libyaml's events
    flag some of them differently)."""
    if event.tag is not None:
        raise NotQuick
    return plain_tag(event.value) if event.implicit[0] else STR


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
    records: dict[JsonPath, Record],
) -> Any:
    at = Location.of(node.start_mark)
    key_line, key_column = (
        (key_node.start_mark.line + 1, key_node.start_mark.column + 1) if (key_node) else (0, 0)
    )
    key_start = key_node.start_mark.index if key_node else None
    where = (at.line, at.column, key_line, key_column)
    if isinstance(node, ScalarNode):
        plain = node.value if node.style is None else None
        records[path] = (
            *where,
            plain,
            key_start,
            node.start_mark.index,
            node.end_mark.index,
            False,
        )
        return scalar_value(node.value, node.tag, at)
    if isinstance(node, SequenceNode):
        _require_tag(node, SEQ, at)
        items = [_build(child, (*path, i), None, records) for i, child in enumerate(node.value)]
        last = records.get((*path, len(items) - 1))
        records[path] = (*where, None, *_collection_span(node, key_start, last))
        return items
    if isinstance(node, MappingNode):
        _require_tag(node, MAP, at)
        mapping: dict[str, Any] = {}
        for child_key, value_node in node.value:
            key_loc = Location.of(child_key.start_mark)
            key = _key(child_key, key_loc)
            here = (*path, key)
            if key in mapping:
                raise ReadProblem(
                    RULE_DUPLICATE_KEY,
                    f"the key {key!r} appears twice in the same mapping "
                    f"(first at line {records[here][2]})",
                    "keep one of them: YAML does not say which of two equal keys wins",
                    key_loc,
                )
            mapping[key] = _build(value_node, here, child_key, records)
        last = records[here] if mapping else None
        records[path] = (*where, None, *_collection_span(node, key_start, last))
        return mapping
    raise ReadProblem(RULE_UNSUPPORTED, "unknown YAML node", "", at)  # pragma: no cover


def _collection_span(
    node: Node, key_start: int | None, last: Record | None
) -> tuple[int | None, int, int, bool]:
    """A block collection's content ends where its last entry's does (its own end
    mark lies beyond the comments and blank lines that follow)."""
    flow = bool(getattr(node, "flow_style", False))
    end = last[7] if not flow and last is not None else node.end_mark.index
    return key_start, node.start_mark.index, end, flow


def _key(node: Node, at: Location) -> str:
    if not isinstance(node, ScalarNode):
        raise ReadProblem(
            RULE_UNSUPPORTED,
            "a mapping key is a list or a mapping",
            "use text keys only, as JSON does",
            at,
        )
    return key_text(node.value, node.tag, at)


def _require_tag(node: Node, tag: str, at: Location) -> None:
    if node.tag != tag:
        raise tag_problem(node.tag, at)
