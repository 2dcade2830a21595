"""The quickest reader of YAML: block-style YAML as people write manifests and
BOMs, read line by line without PyYAML's tokens or events. It stands in for
PyYAML (ohw.storage.yaml.pyyaml) on the documents it knows, giving the same
values and locations, and leaves everything else, whole, to PyYAML."""

from __future__ import annotations

import functools
import re
from typing import Any

from ohw.storage.yaml.document import (
    MAX_DEPTH,
    STR,
    UNSEEN,
    JsonPath,
    Nodes,
    NotQuick,
    Read,
    ReadProblem,
    Record,
    key_text,
    plain_tag,
    scalar_value,
)

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


def read_block_lines(text: str) -> Read | None:
    """Values and nodes of a document in the block style described above, or None."""
    line_break = "\n"
    if "\r" in text:  # lines that end CR LF, all of them, or it is left to the others
        line_break = "\r\n"
        if not text.count("\r") == text.count("\r\n") == text.count("\n"):
            return None
    try:
        return _LineReader().document(text.split(line_break), len(line_break))
    except (NotQuick, ReadProblem):
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
        self.last: Record | None = None  # its last entry's


# A key whose value begins on a later line: its mapping, the key, and where it is.
_Pending = tuple[_Block, str, int, int, int]


class _LineReader:
    """The structure the lines' indentation makes, in one loop with a stack of
    open collections (a big BOM has tens of thousands of lines)."""

    def __init__(self) -> None:
        self.records: dict[JsonPath, Record] = {}
        self.stack: list[_Block] = []
        self.root: _Block | None = None

    def document(self, lines: list[str], line_break: int) -> Read:
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
                    raise NotQuick
                items: list[Any] = block.value  # type: ignore[assignment]
                path = block.path + (len(items),)  # noqa: RUF005 (quicker than unpacking)
                if key is None:
                    record: Record = (number, at + 1, 0, 0, plain, None,
                                       offset + at, offset + end, False)  # fmt: skip
                    items.append(value)
                    records[path] = block.last = record
                    continue
                # a mapping begins in the item
                block = self.push(_Block(at, {}, path, (number, at + 1, 0, 0, None, offset + at)))
                items.append(block.value)
            elif not block.mapping:
                raise NotQuick
            entries: dict[str, Any] = block.value  # type: ignore[assignment]
            if key is None or key in entries:
                raise NotQuick  # the exact reader says where both are
            if later:
                pending = (block, key, number, at + 1, offset + at)
                continue
            record = (number, start + 1, number, at + 1, plain, offset + at,
                      offset + start, offset + end, False)  # fmt: skip
            entries[key] = value
            records[block.path + (key,)] = block.last = record  # noqa: RUF005
        if self.root is None or pending is not None:
            raise NotQuick
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
                raise NotQuick  # an empty value
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
            raise NotQuick
        if not item and not stack[-1].mapping and len(stack) > 1 and stack[-2].column == column:
            self.close()  # a key after the items of a sequence written at its key's column
        return stack[-1]

    def push(self, block: _Block) -> _Block:
        if len(self.stack) >= MAX_DEPTH - 1:  # its entries would nest past MAX_DEPTH
            raise NotQuick
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
        raise NotQuick
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
            raise NotQuick
    found = _BLOCK_KEY.match(line, at)
    if found is None:
        if not item:
            raise NotQuick
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
            raise NotQuick
        text = quoted.group(1)
        return (text.replace("''", "'") if first == "'" else text), quoted.end(), None
    if first in _NOT_PLAIN_FIRST:
        raise NotQuick
    comment = line.find(" #", at)
    plain = (line[at:comment] if comment >= 0 else line[at:]).rstrip(" ")
    if ": " in plain or plain.endswith(":"):
        raise NotQuick  # a mapping where a value was expected
    tag = plain_tag(plain)
    # text as written (no surrogates: the line has none), anything else as read
    value = plain if tag == STR else scalar_value(plain, tag, UNSEEN)
    return value, at + len(plain), plain


@functools.lru_cache(maxsize=1 << 10)
def _block_key(written: str) -> str:
    """A key, read once for all the lines it begins (id, name, quantity)."""
    return key_text(written, plain_tag(written), UNSEEN)
