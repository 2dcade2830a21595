"""The three-way merge of a CSV or TSV BOM, row by item id and cell by column.

Rows are matched by their id: the id column's, or, in a table without one, the
id ohw makes for the item (ohw.design.bom.ids: from its MPN, name, value and
footprint, or designators), so that `ohw merge` matches the rows `ohw bom import`
would give the same ids. A row that is not an item (a section heading, a total)
is matched by its text. A row whose MPN (or, without one, name) one side
changes is another item to the merge: if the other side changed that row too,
the two are a conflict.

A file whose table does not start at its first row, holds several tables, or
has no header row ohw knows is merged line by line instead (ohw.merge.files
says why). Rows the merge leaves as ours wrote them keep their text byte for
byte; rows it changes are written again with ours' separator and line ending.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ohw.design.bom.columns import column_for
from ohw.design.bom.tables import read_bom_table
from ohw.design.bom.text import csv_row, lines_of, records
from ohw.merge.plan import SIDES, Combine, Conflict, Plan, Side, Take, merged_value, plan_merge
from ohw.storage.yaml.document import Location, ReadProblem

# The keys of rows whose id is no cell's text: a row that is not an item, and an
# item without an id cell in a table that has an id column. An id has no space.
_ROW, _MADE = "row: ", "made: "


@dataclass(frozen=True)
class _Table:
    delimiter: str
    line_end: str
    header: list[str]  # the header cells as written
    header_text: str
    columns: list[str]  # what each header cell means, the same on every side
    rows: list[tuple[str, dict[str, str]]]  # each row's text and its cells by column

    @property
    def data(self) -> dict[str, Any]:
        return {"items": [cells for _, cells in self.rows]}


def merge_csv(
    base: str, ours: str, theirs: str, path: str = "bom.csv"
) -> tuple[dict[Side, str], list[Conflict]]:
    """The merged CSV text, once for each side conflicts may take (the same
    text three times when nothing conflicts), and the conflicts; ReadProblem
    where a side is not one table that can be merged by rows."""
    tables: dict[Side, _Table] = {
        "base": _read(base, path),
        "ours": _read(ours, path),
        "theirs": _read(theirs, path),
    }
    plan, conflicts = plan_merge(
        tables["base"].data, tables["ours"].data, tables["theirs"].data, rename={"items": "bom"}
    )
    header = _merged_header(tables)
    texts = {side: _write(plan, tables, header, side) for side in SIDES}
    return texts, conflicts


def _read(text: str, path: str) -> _Table:
    lines = lines_of(text)
    line_end = next((end for end in ("\r\n", "\n", "\r") if lines and lines[0].endswith(end)), "\n")
    if not text.strip():
        return _Table(",", line_end, [], "", [], [])
    bom = read_bom_table(text.encode("utf-8"), path)
    headers = {line for line, _, _ in bom.columns}
    kinds = {row.kind for row in bom.left_out}
    if bom.delimiter is None or len(headers) != 1 or kinds & {"preamble", "header"}:
        raise ReadProblem(
            "OHW413",
            "it is not one table under one header row",
            "",
            Location(1, 1),
        )
    ids = dict(zip(bom.lines, (item["id"] for item in bom.document.data["items"]), strict=True))
    header: list[str] = []
    header_text = ""
    columns: list[str] = []
    rows: list[tuple[str, dict[str, str]]] = []
    for line, cells, raw in records(text, bom.delimiter):
        if not any(cell.strip() for cell in cells):
            continue
        if not header:
            header, header_text = cells, raw
            columns = _column_keys(cells)
            continue
        row = {c: v.strip() for c, v in zip(columns, cells, strict=False) if v.strip()}
        if "id" not in row:
            if line not in ids:
                row["id"] = _ROW + " ".join(cell.strip() for cell in cells if cell.strip())
            else:
                row["id"] = (_MADE if "id" in columns else "") + ids[line]
        rows.append((raw, row))
    return _Table(bom.delimiter, line_end, header, header_text, columns, rows)


def _column_keys(header: list[str]) -> list[str]:
    """Each column's meaning; a meaning met again (Kitspace's second
    Manufacturer and MPN) numbered by its position among its kind."""
    keys: list[str] = []
    for cell in header:
        key = _column_key(cell)
        count = keys.count(key) + sum(1 for k in keys if k.startswith(key + "#"))
        keys.append(f"{key}#{count}" if count else key)
    return keys


def _column_key(header: str) -> str:
    """A column's meaning, so that 'Qty' on one side and 'quantity' on the other agree."""
    column = column_for(header)
    if column is None:
        return "?" + header.strip().lower()
    if column.distributor:
        return f"{column.field} {column.distributor}"
    return column.field if column.supplier is None else f"{column.field} {column.supplier + 1}"


def _merged_header(tables: dict[Side, _Table]) -> list[tuple[str, str]]:
    """(column, header text) in ours' order, with the columns theirs added and
    without those theirs removed."""
    base, ours, theirs = (set(tables[s].columns) for s in ("base", "ours", "theirs"))
    header = [
        (column, text)
        for column, text in zip(tables["ours"].columns, tables["ours"].header, strict=True)
        if column in theirs or column not in base
    ]
    header += [
        (column, text)
        for column, text in zip(tables["theirs"].columns, tables["theirs"].header, strict=True)
        if column not in ours and column not in base
    ]
    return header


def _write(
    plan: Plan, tables: dict[Side, _Table], header: list[tuple[str, str]], choose: Side
) -> str:
    ours = tables["ours"]
    values = {side: table.data for side, table in tables.items()}
    columns = [column for column, _ in header]
    out = io.StringIO()

    def write_row(cells: list[str]) -> None:
        out.write(csv_row(cells, ours.delimiter, ours.line_end))

    same_header = columns == ours.columns
    if same_header:
        out.write(_ended(ours.header_text, ours.line_end))
    else:
        write_row([text for _, text in header])
    items = _items_plan(plan)
    if items is None:
        merged = merged_value(plan, values, choose)
        for cells in merged["items"]:
            write_row([_cell(cells, c) for c in columns])
        return out.getvalue()
    for entry in items.entries:
        decided = entry.plan
        if isinstance(decided, Conflict):
            decided = Take(choose, decided.paths[choose])
        if isinstance(decided, Take) and decided.path is None:
            continue
        if isinstance(decided, Take) and tables[decided.side].columns == columns:
            assert decided.path is not None
            raw = tables[decided.side].rows[int(decided.path[-1])][0]
            out.write(_ended(raw, ours.line_end))
            continue
        cells = merged_value(decided, values, choose)
        write_row([_cell(cells, c) for c in columns])
    return out.getvalue()


def _cell(cells: dict[str, str], column: str) -> str:
    """A merged row's cell; a row's key is no cell's text."""
    value = cells.get(column, "")
    return "" if column == "id" and value.startswith((_ROW, _MADE)) else value


def _items_plan(plan: Plan) -> Combine | None:
    """The plan for the rows, when the merge went down to them."""
    if isinstance(plan, Combine):
        items = next((e.plan for e in plan.entries if e.key == "items"), None)
        if isinstance(items, Combine):
            return items
    return None


def _ended(raw: str, line_end: str) -> str:
    """A row's text ending as ours' rows end."""
    return raw.removesuffix("\n").removesuffix("\r") + line_end
