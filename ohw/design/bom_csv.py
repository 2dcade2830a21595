"""A BOM written as CSV, read into the data a bom.yaml holds.

A CSV BOM is converted cell by cell into the same data a bom.yaml holds, with
every cell's line and column, and then validated by the same schema.

CSV columns (header names are matched ignoring case, and '_', '-' and spaces
alike; the name in brackets is also accepted):

    id, name, quantity [qty]              required
    unit, category, manufacturer, mpn [manufacturer part number], standard,
    designators [references], optional, notes [note]
    supplier, part number [supplier part number, sku], url [link],
    unit price [price], currency, pack size
                                          one supplier; for a second, a third...
                                          repeat these six with " 2", " 3"...
                                          (" 1" is the first)

Cells are separated by commas, semicolons or tabs, whichever the header row
uses; in a semicolon-separated file, numbers may have a decimal comma (1,5).
Lines end in LF, CR LF or CR, mixed or not. Blank rows are skipped.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ohw.storage.yaml.document import (
    Document,
    JsonPath,
    Location,
    NodeInfo,
    ReadProblem,
    decode_utf8,
)

RULE_HEADER = "OHW410"
RULE_RAGGED = "OHW411"
RULE_UNKNOWN_COLUMN = "OHW412"
RULE_UNREADABLE = "OHW413"

REQUIRED_COLUMNS = ("id", "name", "quantity")
_ITEM_COLUMNS = {
    "id": "id",
    "name": "name",
    "quantity": "quantity",
    "qty": "quantity",
    "unit": "unit",
    "category": "category",
    "manufacturer": "manufacturer",
    "mpn": "mpn",
    "manufacturer part number": "mpn",
    "standard": "standard",
    "designators": "designators",
    "references": "designators",
    "optional": "optional",
    "notes": "notes",
    "note": "notes",
}
_SUPPLIER_COLUMNS = {
    "supplier": "name",
    "part number": "part-number",
    "supplier part number": "part-number",
    "sku": "part-number",
    "url": "url",
    "link": "url",
    "unit price": "unit-price",
    "price": "unit-price",
    "currency": "currency",
    "pack size": "pack-size",
}
_TRUE = {"true", "yes", "y", "x", "1"}
_FALSE = {"false", "no", "n", "0"}
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class Column:
    """Where a CSV column's cells go: an item field, or a field of its n-th supplier."""

    field: str
    supplier: int | None  # 0 for the first supplier; None for the item itself


@dataclass(frozen=True)
class CsvBom:
    """A CSV BOM converted to BOM data, and what could not be converted."""

    document: Document
    problems: list[ReadProblem]


def column_for(header: str) -> Column | None:
    """The meaning of a header cell, or None if ohw does not know it."""
    name = re.sub(r"[\s_-]+", " ", header.strip().lower())
    if name in _ITEM_COLUMNS:
        return Column(_ITEM_COLUMNS[name], None)
    number = re.fullmatch(r"(.+?) ?([1-9][0-9]?)", name)
    base, index = (number.group(1), int(number.group(2)) - 1) if number else (name, 0)
    if base in _SUPPLIER_COLUMNS:
        return Column(_SUPPLIER_COLUMNS[base], index)
    return None


def read_bom_csv(raw: bytes) -> CsvBom:
    """Convert CSV (comma-, semicolon- or tab-separated) to BOM data; raise
    ReadProblem when the file cannot be read as a table at all."""
    text = decode_utf8(raw, RULE_UNREADABLE)
    lines = csv_lines(text)
    first_line = next((line for line in lines if line.strip(" \t,;\r\n")), "")
    delimiter = delimiter_of(first_line)
    records = [r for r in _records(lines, delimiter) if any(cell.strip() for cell in r[1])]
    if not records:
        raise ReadProblem(
            RULE_UNREADABLE,
            "the BOM has no header row",
            "start the file with a row of column names: id,name,quantity,...",
            Location(1, 1),
        )
    header_line, header, header_columns = records[0]
    problems: list[ReadProblem] = []
    columns = _columns(header, header_line, header_columns, problems)
    nodes: dict[JsonPath, NodeInfo] = {
        (): NodeInfo(Location(1, 1), None, None),
        ("items",): NodeInfo(Location(1, 1), None, None),
    }
    items: list[dict[str, Any]] = []
    for line, cells, starts in records[1:]:
        extra = cells[len(header) :]
        if len(cells) < len(header) or any(cell.strip() for cell in extra):
            problems.append(
                ReadProblem(
                    RULE_RAGGED,
                    f"this row has {len(cells)} cells, the header has {len(header)}",
                    "give every row as many cells as the header; "
                    "quote cells that contain the separator",
                    Location(line, 1),
                )
            )
            continue
        path: JsonPath = ("items", len(items))
        nodes[path] = NodeInfo(Location(line, 1), None, None)
        items.append(_item(cells, starts, columns, path, nodes, decimal_comma=delimiter == ";"))
    if any(p.rule == RULE_HEADER for p in problems):  # no row can be read as an item
        items = []
        nodes = {path: info for path, info in nodes.items() if len(path) < 2}
    return CsvBom(Document({"items": items}, nodes), problems)


# A line ends at LF, CR LF or CR alone (old Mac spreadsheets, and files pasted
# together), as the csv module ends them; form feeds and Unicode separators are
# text inside a cell, as they are to the csv module.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def csv_lines(text: str) -> list[str]:
    """The lines of a CSV text, each with its line ending, as the csv module reads them."""
    return _LINE.findall(text)


def csv_records(lines: list[str], delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    """Each CSV record of ``lines``: the index of its first line, of the line
    after its last, and its cells. A record the csv module cannot take (a cell
    past its limit of characters) is a ReadProblem that says where it begins."""
    position = 0
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            too_long = "field limit" in str(error)
            raise ReadProblem(
                RULE_UNREADABLE,
                f"a cell holds more than {csv.field_size_limit():,} characters"
                if too_long
                else f"the row cannot be read as CSV: {error}",
                "a BOM's cells are short: look for a quote that is never closed"
                if too_long
                else "save the BOM as UTF-8 CSV from a spreadsheet",
                Location(position + 1, 1),
            ) from None
        yield position, reader.line_num, cells
        position = reader.line_num


def _records(lines: list[str], delimiter: str) -> Iterator[tuple[int, list[str], list[Location]]]:
    """Each CSV record with its first line and the location of each cell."""
    for start, end, cells in csv_records(lines, delimiter):
        raw = "".join(lines[start:end])
        yield start + 1, cells, _cell_starts(raw, start + 1, delimiter)


def delimiter_of(header: str) -> str:
    """The separator a header row uses: comma, semicolon or tab."""
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _cell_starts(raw: str, first_line: int, delimiter: str) -> list[Location]:
    """Where each cell of one record starts, read as the csv module reads it: a quote
    opens quoting only at the start of a cell ('0.05" Dia.' is plain text), and
    a doubled quote inside quoting is a quote character."""
    starts = [Location(first_line, 1)]
    line, column = first_line, 1
    quoted, just_closed, cell_start = False, False, True
    for index, char in enumerate(raw):
        if char == '"' and (quoted or cell_start or just_closed):
            quoted = not quoted
            just_closed = not quoted
            cell_start = False
        else:
            just_closed = False
            cell_start = char == delimiter and not quoted
            if cell_start:
                starts.append(Location(line, column + 1))
        if char == "\n" or (char == "\r" and not raw.startswith("\n", index + 1)):
            line, column = line + 1, 1
        else:
            column += 1
    return starts


def _columns(
    header: list[str], line: int, starts: list[Location], problems: list[ReadProblem]
) -> list[Column | None]:
    columns: list[Column | None] = []
    seen: dict[Column, str] = {}
    for i, name in enumerate(header):
        column = column_for(name) if name.strip() else None
        at = starts[i] if i < len(starts) else Location(line, 1)
        if column is None and name.strip():
            problems.append(
                ReadProblem(
                    RULE_UNKNOWN_COLUMN,
                    f"the column {name.strip()!r} is not one ohw reads; its cells are ignored",
                    "rename it to a column ohw reads (see `ohw schema bom` and the README), "
                    "or move its content into notes",
                    at,
                )
            )
        elif column is not None and column in seen:
            problems.append(
                ReadProblem(
                    RULE_HEADER,
                    f"the columns {seen[column]!r} and {name.strip()!r} mean the same thing",
                    "keep one of them",
                    at,
                )
            )
            column = None
        elif column is not None:
            seen[column] = name.strip()
        columns.append(column)
    present = {c.field for c in columns if c is not None and c.supplier is None}
    for required in REQUIRED_COLUMNS:
        if required not in present:
            problems.append(
                ReadProblem(
                    RULE_HEADER,
                    f"the BOM has no {required!r} column",
                    "the header row needs the columns id, name and quantity",
                    Location(line, 1),
                )
            )
    return columns


def _item(
    cells: list[str],
    starts: list[Location],
    columns: list[Column | None],
    path: JsonPath,
    nodes: dict[JsonPath, NodeInfo],
    *,
    decimal_comma: bool,
) -> dict[str, Any]:
    filled = [
        (cell.strip(), at, column)
        for cell, at, column in zip(cells, starts, columns, strict=False)
        if column is not None and cell.strip()
    ]
    # Suppliers keep the order of their columns; a row that fills only "supplier 2"
    # still has that supplier first.
    numbers = sorted({c.supplier for _, _, c in filled if c.supplier is not None})
    position = {number: i for i, number in enumerate(numbers)}
    item: dict[str, Any] = {}
    suppliers: list[dict[str, Any]] = [{} for _ in numbers]
    for value, at, column in filled:
        if column.supplier is None:
            target, where = item, (*path, column.field)
        else:
            index = position[column.supplier]
            target, where = suppliers[index], (*path, "suppliers", index, column.field)
            nodes.setdefault((*path, "suppliers", index), NodeInfo(at, None, None))
        target[column.field] = _convert(column.field, value, decimal_comma=decimal_comma)
        nodes[where] = NodeInfo(at, at, None)
    if suppliers:
        item["suppliers"] = suppliers
        first_supplier = (*path, "suppliers", 0)
        nodes[first_supplier[:-1]] = nodes[first_supplier]
    return item


def _convert(field: str, value: str, *, decimal_comma: bool) -> Any:
    """A cell's text as the type the schema wants; text that is not of that
    type is kept, so that validation names the cell and says what is wrong.
    Spreadsheets that separate cells with ';' write decimals with ',' (1,5)."""
    if field in ("quantity", "unit-price"):
        if decimal_comma and re.fullmatch(r"[+-]?[0-9]+,[0-9]+", value):
            return float(value.replace(",", "."))
        if _INTEGER.fullmatch(value):
            return int(value)
        if _DECIMAL.fullmatch(value):
            return float(value)
    elif field == "pack-size" and _INTEGER.fullmatch(value):
        return int(value)
    elif field == "optional":
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
    elif field == "designators":
        return [d for d in re.split(r"[\s,;]+", value) if d]
    return value
