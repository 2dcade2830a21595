"""Reading YAML safely and precisely.

ohw reads YAML as the YAML 1.2 core schema reads it, and only as JSON-compatible
data: mappings with text keys, lists, text, integers, finite numbers, booleans and
null. `on`/`no` stay text, dates stay text, and no tag ever constructs an object.
Every node keeps its line and column, so a finding can point at it.

Three readers give the same values and locations. The quickest, here, reads
block-style YAML as people write manifests and BOMs, line by line, and leaves
anything else, whole, to the two of ohw.storage.yaml.pyyaml, built on PyYAML: the quick
one takes libyaml's events, the exact one PyYAML's pure-Python composer, which
reads everything and makes every refusal with its location. The limits are
enforced in all: nesting depth, growth through aliases ("billion laughs"), the
size of integers.
"""

from __future__ import annotations

import functools
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


# The tags of the YAML 1.2 core schema, and nothing from YAML 1.1: a plain
# scalar has the first tag whose pattern it matches, and is text if none.
_CORE_SCHEMA = tuple(
    (tag, re.compile(pattern))
    for tag, pattern in (
        (_NULL, r"^(?:~|null|Null|NULL|)$"),
        (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$"),
        (_INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        (
            _FLOAT,
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        ),
    )
)


def load_yaml(raw: bytes, *, quick: bool = True) -> Document:
    """Read one YAML document from bytes; raise ReadProblem if ohw cannot take it.
    ``quick`` allows the line reader and libyaml's parser, where they give the
    same result."""
    text, restore = _protect_line_separators(decode_utf8(raw, RULE_SYNTAX))
    with collector_paused():
        read = _read_block_lines(text) if quick else None
        if read is None:  # PyYAML's readers: loaded for the documents that need them
            from ohw.storage.yaml.pyyaml import quick_may_read, read_exactly, read_with_libyaml

            if quick and quick_may_read(text):
                read = read_with_libyaml(text)
            if read is None:
                read = read_exactly(text)
        data, nodes, aliased = read
    if restore:
        data = _translate(data, restore)
        nodes = nodes.translated(restore) if isinstance(nodes, Nodes) else nodes
    return Document(data, nodes, text=text.translate(restore) if restore else text, aliased=aliased)


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


_Read = tuple[Any, Mapping[JsonPath, NodeInfo], bool]


class _NotQuick(Exception):
    """Something the quick reader leaves to the exact one."""


# Where the quick reader's refusals point: nowhere, as the exact reader, reading
# the document again, makes every refusal a person sees.
_UNSEEN = Location(0, 0)


# The first characters of the plain scalars that the core schema may read as
# null, a boolean or a number; any other plain scalar is text.
_MAY_RESOLVE = frozenset("~nNtTfF+-.0123456789")


def _plain_tag(written: str) -> str:
    """The tag of a plain scalar, as the core schema resolves it."""
    if written and written[0] not in _MAY_RESOLVE:
        return _STR
    return next((tag for tag, pattern in _CORE_SCHEMA if pattern.match(written)), _STR)


# The quickest reader takes YAML written as people write ohw's files, in block
# style, line by line, without building any parser's tokens or events: a big BOM
# in half the time the events take, and its other versions, whose lines are
# mostly the same, in less. It knows only this much of YAML and leaves
# everything else, whole, to the readers of ohw.storage.yaml.pyyaml:
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

    __slots__ = ("column", "head", "last", "mapping", "path", "value")

    def __init__(
        self,
        column: int,
        value: list[Any] | dict[str, Any],
        path: JsonPath,
        head: tuple[int, int, int, int, int | None, int],
    ) -> None:
        self.column = column  # where its keys or dashes begin, from 0
        self.mapping = type(value) is dict
        self.value = value
        self.path = path
        # its record but for the end: line, column, key line, key column, key offset, offset
        self.head = head
        self.last: _Record | None = None  # its last entry's


# A key whose value begins on a later line: its mapping, the key, and where it is.
_Pending = tuple[_Block, str, int, int, int]


class _LineReader:
    """The structure the lines' indentation makes, in one loop with a stack of
    open collections (a big BOM has tens of thousands of lines)."""

    def __init__(self) -> None:
        self.records: dict[JsonPath, _Record] = {}
        self.stack: list[_Block] = []
        self.root: _Block | None = None

    def document(self, lines: list[str], line_break: int) -> _Read:
        records, stack = self.records, self.stack
        pending: _Pending | None = None
        offset = after = 0
        for number, line in enumerate(lines, 1):
            offset, after = after, after + len(line) + line_break
            parsed = _block_line(line)
            if parsed is None:
                continue
            column, at, item, key, later, value, start, end, plain = parsed
            block = stack[-1] if stack else None
            # most lines are one more entry of the innermost collection
            if (
                pending is not None
                or block is None
                or block.column != column
                or (item == block.mapping)
            ):
                block = self.find_block(pending, number, offset, column, item=item)
                pending = None
            if item:
                if block.mapping:
                    raise _NotQuick
                items: list[Any] = block.value  # type: ignore[assignment]
                path = block.path + (len(items),)  # noqa: RUF005 (quicker than unpacking)
                if key is None:
                    record: _Record = (number, at + 1, 0, 0, plain, None,
                                       offset + at, offset + end, False)  # fmt: skip
                    items.append(value)
                    records[path] = block.last = record
                    continue
                # a mapping begins in the item
                block = self.push(_Block(at, {}, path, (number, at + 1, 0, 0, None, offset + at)))
                items.append(block.value)
            elif not block.mapping:
                raise _NotQuick
            entries: dict[str, Any] = block.value  # type: ignore[assignment]
            if key is None or key in entries:
                raise _NotQuick  # the exact reader says where both are
            if later:
                pending = (block, key, number, at + 1, offset + at)
                continue
            record = (number, start + 1, number, at + 1, plain, offset + at,
                      offset + start, offset + end, False)  # fmt: skip
            entries[key] = value
            records[block.path + (key,)] = block.last = record  # noqa: RUF005
        if self.root is None or pending is not None:
            raise _NotQuick
        while stack:
            self.close()
        return self.root.value, Nodes(records), False

    def find_block(
        self, pending: _Pending | None, number: int, offset: int, column: int, *, item: bool
    ) -> _Block:
        """The collection the line at ``column`` is an entry of, made the top of the stack."""
        stack = self.stack
        if pending is not None:
            # the value of a key: a collection indented under it, or a sequence at its column
            mapping, key, key_line, key_column, key_start = pending
            if not (column > mapping.column or (column == mapping.column and item)):
                raise _NotQuick  # an empty value
            head = (number, column + 1, key_line, key_column, key_start, offset + column)
            block = self.push(_Block(column, [] if item else {}, (*mapping.path, key), head))
            mapping.value[key] = block.value  # type: ignore[call-overload]
            return block
        if self.root is None:
            where = (number, column + 1, 0, 0, None, offset + column)
            self.root = self.push(_Block(column, [] if item else {}, (), where))
            return self.root
        while stack and stack[-1].column > column:
            self.close()
        if not stack or stack[-1].column != column:
            raise _NotQuick
        if not item and not stack[-1].mapping and len(stack) > 1 and stack[-2].column == column:
            self.close()  # a key after the items of a sequence written at its key's column
        return stack[-1]

    def push(self, block: _Block) -> _Block:
        if len(self.stack) >= MAX_DEPTH - 1:  # its entries would nest past MAX_DEPTH
            raise _NotQuick
        self.stack.append(block)
        return block

    def close(self) -> None:
        closed = self.stack.pop()
        assert closed.last is not None  # a collection opens with its first entry
        line, column, key_line, key_column, key_start, start = closed.head
        end = closed.last[7]
        record = (line, column, key_line, key_column, None, key_start, start, end, False)
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
    key = _block_key(found.group(1))
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
    tag = _plain_tag(plain)
    # text as written (no surrogates: the line has none), anything else as read
    value = plain if tag == _STR else _scalar_value(plain, tag, _UNSEEN)
    return value, at + len(plain), plain


@functools.lru_cache(maxsize=1 << 10)
def _block_key(written: str) -> str:
    """A key, read once for all the lines it begins (id, name, quantity)."""
    return _key_text(written, _plain_tag(written), _UNSEEN)


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
