"""Reading YAML safely and precisely.

ohw reads YAML as the YAML 1.2 core schema reads it, and only as JSON-compatible
data: mappings with text keys, lists, text, integers, finite numbers, booleans and
null. `on`/`no` stay text, dates stay text, and no tag ever constructs an object.
Every node keeps its line and column, so a finding can point at it.

Three readers give the same values and locations. The quickest reads block-style
YAML as people write manifests and BOMs, line by line. The quick one takes the
events of libyaml's parser (PyYAML's C extension) and builds the values in one
pass, without recursion, so no nesting can exhaust the C stack. Each reads what
it knows and leaves anything else, whole, to the next (an alias, a problem of
any kind, a file without libyaml), down to the exact one: PyYAML's pure-Python
parser composes a node graph and the values are built from it. The limits are
enforced in all: nesting depth, growth through aliases ("billion laughs"), the
size of integers; and every refusal, with its location, comes from the exact
reader.
"""

from __future__ import annotations

import functools
import gc
import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml: the exact reader reads everything
    _CParser = None  # type: ignore[assignment, misc]

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
_Record = tuple[int, int, int, int, str | None, int | None, int, int, bool]


class Nodes(Mapping[JsonPath, NodeInfo]):
    """The nodes of a document read from YAML, by path."""

    def __init__(self, records: dict[JsonPath, _Record]) -> None:
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
                tuple(_translate(k, table) for k in path): record
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

_RESOLVER = _Resolver()


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


def load_yaml(raw: bytes, *, quick: bool = True) -> Document:
    """Read one YAML document from bytes; raise ReadProblem if ohw cannot take it.
    ``quick`` allows the line reader and libyaml's parser, where they give the
    same result."""
    text, restore = _protect_line_separators(decode_utf8(raw, RULE_SYNTAX))
    with collector_paused():
        read = None
        if quick:
            read = _read_block_lines(text)
            if read is None and _quick_may_read(text):
                read = _read_with_libyaml(text)
        data, nodes, aliased = read if read is not None else _read_exactly(text)
    if restore:
        data = _translate(data, restore)
        nodes = nodes.translated(restore) if isinstance(nodes, Nodes) else nodes
    return Document(data, nodes, text=text.translate(restore) if restore else text, aliased=aliased)


@contextmanager
def collector_paused() -> Iterator[None]:
    """For work that makes tens of thousands of tuples, dicts and lists and no
    cycles (reading or merging a big BOM): the cyclic garbage collector would
    only scan them again and again, for a third of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_Read = tuple[Any, Mapping[JsonPath, NodeInfo], bool]
_EMPTY: dict[JsonPath, NodeInfo] = {(): NodeInfo(Location(1, 1), None, None)}


def _read_exactly(text: str) -> _Read:
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
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        return None, dict(_EMPTY), False
    aliased = _check_growth(root)
    records: dict[JsonPath, _Record] = {}
    data = _build(root, (), None, records)
    return data, Nodes(records), aliased


class _NotQuick(Exception):
    """Something the quick reader leaves to the exact one."""


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
    last: _Record | None = None


def _quick_may_read(text: str) -> bool:
    """Whether libyaml is there and the text has nothing the two parsers read
    differently: libyaml takes tabs where PyYAML refuses them (``a: 1<TAB>``),
    and skips byte-order marks inside the text where PyYAML keeps them."""
    return _CParser is not None and "\t" not in text and "\ufeff" not in text


def _read_with_libyaml(text: str) -> _Read | None:
    """Values and nodes from libyaml's events, or None where the exact reader
    must decide: an alias or anchor reused, nesting past MAX_DEPTH, a tag, a key
    or a value ohw refuses, or anything libyaml itself refuses."""
    assert _CParser is not None
    parser = _CParser(text)
    try:
        return _EventReader(text).document(parser.get_event)
    except (yaml.YAMLError, ReadProblem, _NotQuick):
        return None
    finally:
        parser.dispose()


_Placed = tuple[JsonPath, Any, _Record]  # a finished node: its path, value and record
# Where the quick reader's refusals point: nowhere, as the exact reader, reading
# the document again, makes every refusal a person sees.
_UNSEEN = Location(0, 0)


class _EventReader:
    """One pass over the events, building what _build builds from composed nodes,
    with a stack of open collections instead of recursion."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.records: dict[JsonPath, _Record] = {}
        self.anchors: set[str] = set()
        self.stack: list[_Open] = []
        # Keys and plain values repeat (id, name, quantity: 1, EUR): read each text once.
        self.keys: dict[str, str] = {}
        self.plain: dict[str, Any] = {}

    def document(self, next_event: Callable[[], Any]) -> _Read:
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
            raise _NotQuick  # a second document
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
            raise _NotQuick
        anchor = event.anchor
        if anchor is not None:
            if anchor in self.anchors:
                raise _NotQuick
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
                raise _NotQuick
            key = self.key(event)
            if key in parent.value:
                raise _NotQuick
            parent.key = (key, mark.line + 1, mark.column + 1, mark.index)
            return None
        else:
            key, key_line, key_column, key_start = parent.key
            path = (*parent.path, key)
        if kind is yaml.ScalarEvent:
            record: _Record = (
                mark.line + 1, mark.column + 1, key_line, key_column,
                None if event.style else event.value,
                key_start, mark.index, event.end_mark.index, False,
            )  # fmt: skip
            return path, self.value(event), record
        mapping = kind is yaml.MappingStartEvent
        if event.tag not in (None, "!", _MAP if mapping else _SEQ):
            raise _NotQuick
        value: list[Any] | dict[str, Any] = {} if mapping else []
        where = (mark.line + 1, mark.column + 1, key_line, key_column)
        flow = bool(event.flow_style)
        stack.append(_Open(path, mapping, value, where, key_start, mark.index, flow))
        return None

    def key(self, event: Any) -> str:
        written: str = event.value
        key = self.keys.get(written) if event.implicit[0] else None
        if key is None:
            key = _key_text(written, _scalar_tag(event), _UNSEEN)
            if event.implicit[0]:
                self.keys[written] = key
        return key

    def value(self, event: Any) -> Any:
        written: str = event.value
        if not event.implicit[0]:  # quoted or block text
            if event.style in ("|", ">") and not _BLOCK_HEADER.match(
                self.text, event.start_mark.index
            ):
                raise _NotQuick
            return _scalar_value(written, _scalar_tag(event), _UNSEEN)
        if not written:
            raise _NotQuick
        plain = self.plain
        if written in plain:
            return plain[written]
        value = plain[written] = _scalar_value(written, _scalar_tag(event), _UNSEEN)
        return value


# Where the parsers differ, the quick reader leaves the document to the exact one:
# libyaml takes a comment right after a block scalar's indicators (``|#``),
# PyYAML wants a space; and they place a value left empty (``? key``, ``[k: ]``)
# at different positions.
_BLOCK_HEADER = re.compile(r"[|>](?:[+-][1-9]?|[1-9][+-]?)?(?:[ \r\n]|\Z)")

# The first characters of the plain scalars that the core schema may read as
# null, a boolean or a number; any other plain scalar is text.
_MAY_RESOLVE = frozenset("~nNtTfF+-.0123456789")


def _scalar_tag(event: Any) -> str:
    """The tag of a scalar event, resolved as _Loader resolves it; a tag
    written in the document is left to the exact reader (libyaml's events
    flag some of them differently)."""
    if event.tag is not None:
        raise _NotQuick
    return _plain_tag(event.value) if event.implicit[0] else _STR


def _plain_tag(written: str) -> str:
    """The tag of a plain scalar, as the core schema resolves it."""
    if written and written[0] not in _MAY_RESOLVE:
        return _STR
    return str(_RESOLVER.resolve(ScalarNode, written, (True, False)))  # type: ignore[no-untyped-call]


# The quickest reader takes YAML written as people write ohw's files, in block
# style, line by line, without building any parser's tokens or events: a big BOM
# in half the time the events take, and its other versions, whose lines are
# mostly the same, in less. It knows only this much of YAML and leaves
# everything else, whole, to the readers above:
# - a line is blank, a comment, `KEY: VALUE`, `KEY:` (its value, a block mapping
#   or sequence, on the lines below), or `- ` followed by an item: `KEY: ...`
#   (a mapping begins in the item) or a VALUE;
# - KEY is plain ASCII text (letters, digits, `_ ./-`) read as text;
# - VALUE, on one line, is plain (a comment after it, none of YAML's indicators
#   first, no `: ` inside), single-quoted, or double-quoted without escapes;
# - every line begins at the column of a collection it belongs to.
# No flow collections, anchors, aliases, tags, block or multi-line scalars, empty
# values, document markers or directives; no tab, carriage return (but in CR LF
# line ends), byte-order mark or character YAML does not allow; no duplicate key, nesting past
# MAX_DEPTH or value the core schema refuses: each sends the document on.
_BLOCK_KEY = re.compile(r"([A-Za-z0-9_](?:[A-Za-z0-9_ ./-]*[A-Za-z0-9_./-])?):(?: +|$)")
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"')
_AFTER_QUOTED = re.compile(r"(?: +(?:#.*)?)?")
_NOT_PLAIN_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@` ")
# The characters PyYAML's reader refuses (Reader.NON_PRINTABLE, written as the
# ranges it leaves out: quicker to compile), the tab and the byte-order mark
# (libyaml and PyYAML take those two differently).
_NOT_IN_BLOCK_LINES = re.compile(
    "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufeff\ufffe\uffff]"
)


def _read_block_lines(text: str) -> _Read | None:
    """Values and nodes of a document in the block style described above, or None."""
    line_break = "\n"
    if "\r" in text:  # lines that end CR LF, all of them, or it is left to the others
        line_break = "\r\n"
        if not text.count("\r") == text.count("\r\n") == text.count("\n"):
            return None
    try:
        return _LineReader().document(text.split(line_break), len(line_break))
    except (_NotQuick, ReadProblem):
        return None


class _Block:
    """A block collection the line reader is inside of."""

    __slots__ = ("column", "key_start", "last", "mapping", "path", "start", "value", "where")

    def __init__(
        self,
        column: int,
        value: list[Any] | dict[str, Any],
        path: JsonPath,
        *,
        where: tuple[int, int, int, int],
        key_start: int | None,
        start: int,
    ) -> None:
        self.column = column  # where its keys or dashes begin, from 0
        self.mapping = isinstance(value, dict)
        self.value = value
        self.path = path
        self.where = where  # line, column, key line, key column
        self.key_start = key_start
        self.start = start
        self.last: _Record | None = None  # its last entry's


class _LineReader:
    """The structure the lines' indentation makes, in one loop with a stack of
    open collections (a big BOM has tens of thousands of lines)."""

    def __init__(self) -> None:
        self.records: dict[JsonPath, _Record] = {}
        self.stack: list[_Block] = []
        # a key whose value begins on a later line: its mapping, the key, and where it is
        self.pending: tuple[_Block, str, int, int, int] | None = None

    def document(self, lines: list[str], line_break: int) -> _Read:
        records, stack = self.records, self.stack
        root: _Block | None = None
        offset = after = 0
        for number, line in enumerate(lines, 1):
            offset, after = after, after + len(line) + line_break
            parsed = _block_line(line)
            if parsed is None:
                continue
            column, at, item, key, later, value, start, end, plain = parsed
            if root is None:
                where = (number, column + 1, 0, 0)
                root = _Block(column, [] if item else {}, (), where=where, key_start=None,
                              start=offset + column)  # fmt: skip
                stack.append(root)
            else:
                self.find_block(number, offset, column, item=item)
            block = stack[-1]
            if len(stack) >= MAX_DEPTH:
                raise _NotQuick
            if item:
                if block.mapping:
                    raise _NotQuick
                items: list[Any] = block.value  # type: ignore[assignment]
                path = (*block.path, len(items))
                if key is None:
                    record: _Record = (number, at + 1, 0, 0, plain, None,
                                       offset + at, offset + end, False)  # fmt: skip
                    items.append(value)
                    records[path] = block.last = record
                    continue
                # a mapping begins in the item
                where = (number, at + 1, 0, 0)
                block = _Block(at, {}, path, where=where, key_start=None, start=offset + at)
                items.append(block.value)
                stack.append(block)
                if len(stack) >= MAX_DEPTH:
                    raise _NotQuick
            elif not block.mapping:
                raise _NotQuick
            entries: dict[str, Any] = block.value  # type: ignore[assignment]
            if key is None or key in entries:
                raise _NotQuick  # the exact reader says where both are
            if later:
                self.pending = (block, key, number, at + 1, offset + at)
                continue
            record = (number, start + 1, number, at + 1, plain, offset + at,
                      offset + start, offset + end, False)  # fmt: skip
            entries[key] = value
            records[(*block.path, key)] = block.last = record
        if root is None or self.pending is not None:
            raise _NotQuick
        while stack:
            self.close()
        return root.value, Nodes(records), False

    def find_block(self, number: int, offset: int, column: int, *, item: bool) -> None:
        """Make the top of the stack the collection the line at ``column`` is an entry of."""
        stack = self.stack
        if self.pending is not None:
            # the value of a key: a collection indented under it, or a sequence at its column
            mapping, key, key_line, key_column, key_start = self.pending
            self.pending = None
            if not (column > mapping.column or (column == mapping.column and item)):
                raise _NotQuick  # an empty value
            where = (number, column + 1, key_line, key_column)
            block = _Block(column, [] if item else {}, (*mapping.path, key), where=where,
                           key_start=key_start, start=offset + column)  # fmt: skip
            mapping.value[key] = block.value  # type: ignore[call-overload]
            stack.append(block)
            return
        while stack and stack[-1].column > column:
            self.close()
        if not stack or stack[-1].column != column:
            raise _NotQuick
        if not item and not stack[-1].mapping and len(stack) > 1 and stack[-2].column == column:
            self.close()  # a key after the items of a sequence written at its key's column

    def close(self) -> None:
        closed = self.stack.pop()
        assert closed.last is not None  # a collection opens with its first entry
        record = (*closed.where, None, closed.key_start, closed.start, closed.last[7], False)
        self.records[closed.path] = record
        if self.stack:
            self.stack[-1].last = record


# What one line says, for _LineReader: the column it begins at, the column of its
# key or value (after the dash of an item), whether it is an item, its key (None
# for a value alone), whether the key's value begins on a later line, and the
# value, where it begins and ends and, if plain, how it is written.
_Line = tuple[int, int, bool, str | None, bool, Any, int, int, str | None]


# Lines repeat, in a document (`category: fasteners`) and far more between the
# versions of one a merge or a log reads: each is taken apart once.
@functools.lru_cache(maxsize=1 << 15)
def _block_line(line: str) -> _Line | None:
    """What the line says; None for a blank or comment line."""
    if _NOT_IN_BLOCK_LINES.search(line):
        raise _NotQuick
    content = line.lstrip(" ")
    if not content or content[0] == "#":
        return None
    column = at = len(line) - len(content)
    item = content.startswith("- ")
    if item:
        at += 2
        while line.startswith(" ", at):
            at += 1
        if at == len(line) or line[at] in "#-":  # an item on later lines, or a list in a list
            raise _NotQuick
    found = _BLOCK_KEY.match(line, at)
    if found is None:
        if not item:
            raise _NotQuick
        value, end, plain = _block_scalar(line, at)
        return column, at, True, None, False, value, at, end, plain
    written = found.group(1)
    key = _key_text(written, _plain_tag(written), _UNSEEN)
    start = found.end()
    if start == len(line) or line[start] == "#":
        return column, at, item, key, True, None, start, start, None
    value, end, plain = _block_scalar(line, start)
    return column, at, item, key, False, value, start, end, plain


def _block_scalar(line: str, at: int) -> tuple[Any, int, str | None]:
    """The value written from ``at`` to the end of the line: its value, where it
    ends, and its text if it is plain."""
    first = line[at]
    if first in "'\"":
        quoted = (_SINGLE_QUOTED if first == "'" else _DOUBLE_QUOTED).match(line, at)
        if quoted is None or not _AFTER_QUOTED.fullmatch(line, quoted.end()):
            raise _NotQuick
        text = quoted.group(1)
        return (text.replace("''", "'") if first == "'" else text), quoted.end(), None
    if first in _NOT_PLAIN_FIRST:
        raise _NotQuick
    comment = line.find(" #", at)
    plain = (line[at:comment] if comment >= 0 else line[at:]).rstrip(" ")
    if ": " in plain or plain.endswith(":"):
        raise _NotQuick  # a mapping where a value was expected
    return _scalar_value(plain, _plain_tag(plain), _UNSEEN), at + len(plain), plain


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
    records: dict[JsonPath, _Record],
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
        return _scalar_value(node.value, node.tag, at)
    if isinstance(node, SequenceNode):
        _require_tag(node, _SEQ, at)
        items = [_build(child, (*path, i), None, records) for i, child in enumerate(node.value)]
        last = records.get((*path, len(items) - 1))
        records[path] = (*where, None, *_collection_span(node, key_start, last))
        return items
    if isinstance(node, MappingNode):
        _require_tag(node, _MAP, at)
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
    node: Node, key_start: int | None, last: _Record | None
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
    return _key_text(node.value, node.tag, at)


def _key_text(written: str, tag: str, at: Location) -> str:
    value = _scalar_value(written, tag, at)
    if not isinstance(value, str):
        raise ReadProblem(
            RULE_UNSUPPORTED,
            f"the key {written!r} is read as {_kind(value)}, not as text",
            f"quote it: '{written}'",
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


def _scalar_value(text: str, tag: str, at: Location) -> Any:
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
