"""The three-way merge of a CSV BOM, row by item id and cell by column.

Rows the merge leaves as ours wrote them keep their text byte for byte; rows it
changes are written again with ours' separator and line ending.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from ohw.design.bom_csv import column_for, csv_lines, csv_records, delimiter_of
from ohw.merge.plan import SIDES, Combine, Conflict, Plan, Side, Take, merged_value, plan_merge


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


def merge_csv(base: str, ours: str, theirs: str) -> tuple[dict[Side, str], list[Conflict]]:
    """The merged CSV text, once for each side conflicts may take (the same
    text three times when nothing conflicts), and the conflicts."""
    tables: dict[Side, _Table] = {"base": _read(base), "ours": _read(ours), "theirs": _read(theirs)}
    plan, conflicts = plan_merge(
        tables["base"].data, tables["ours"].data, tables["theirs"].data, rename={"items": "bom"}
    )
    header = _merged_header(tables)
    texts = {side: _write(plan, tables, header, side) for side in SIDES}
    return texts, conflicts


def _read(text: str) -> _Table:
    """The table of one side, its lines read as the design's reader reads them
    (ohw.design.bom_csv); a ReadProblem where the csv module cannot take it."""
    lines = csv_lines(text)
    line_end = next((e for e in ("\r\n", "\n", "\r") if lines and lines[0].endswith(e)), "\n")
    first = next((line for line in lines if line.strip(" \t,;\r\n")), "")
    delimiter = delimiter_of(first)
    header: list[str] = []
    header_text = ""
    columns: list[str] = []
    rows: list[tuple[str, dict[str, str]]] = []
    for start, end, cells in csv_records(lines, delimiter):
        raw = "".join(lines[start:end])
        if not any(cell.strip() for cell in cells):
            continue
        if not header:
            header, header_text = cells, raw
            columns = [_column_key(cell) for cell in cells]
            continue
        rows.append(
            (raw, {c: v.strip() for c, v in zip(columns, cells, strict=False) if v.strip()})
        )
    return _Table(delimiter, line_end, header, header_text, columns, rows)


def _column_key(header: str) -> str:
    """A column's meaning, so that 'Qty' on one side and 'quantity' on the other agree."""
    column = column_for(header)
    if column is None:
        return "?" + header.strip().lower()
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
    writer = csv.writer(out, delimiter=ours.delimiter, lineterminator=ours.line_end)
    same_header = columns == ours.columns
    if same_header:
        out.write(_ended(ours.header_text, ours.line_end))
    else:
        writer.writerow([text for _, text in header])
    items = _items_plan(plan)
    if items is None:
        merged = merged_value(plan, values, choose)
        for cells in merged["items"]:
            writer.writerow([cells.get(c, "") for c in columns])
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
        writer.writerow([cells.get(c, "") for c in columns])
    return out.getvalue()


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
