"""A BOM written as a table, read into the data a bom.yaml holds.

CSV, TSV, Kitspace's 1-click BOM, KiCad and JLCPCB exports (with or without a
header row), Markdown tables and OpenSCAD's lists of counts (ohw.design.bom.text
finds which) are read row by row (ohw.design.bom.rows reads each) into the
items a bom.yaml holds, every value with the line and column of its cell, and
then validated by the same schema.

- The header row is found among the first rows (a title and blank rows above
  it are passed over), by the column names of ohw.design.bom.columns; another
  header row further down starts another table. Without one, the columns are
  read by what they hold (designators, LCSC numbers, counts, footprints), with
  a finding that says how.
- A row of one cell is a section heading, and its title the category of the
  items below it (a Markdown heading above a table too); a row that says
  "Total" (or holds only numbers) is a total; neither is an item. Items under a
  heading that says "optional" or "alternative" are optional.
- ``id`` is optional: items without one get one made from their MPN, name or
  designators (ohw.design.bom.ids). The name is the first of name, description,
  value (with its footprint), MPN, part number.
- The quantity is the number in its cell, with its unit ("1 set", "2 m", "4
  pcs", "2x"); with no quantity column, the count of designators, or one. A row
  whose quantity cannot be read is left out, with a finding at the cell; the
  other rows are read.
- Designators are split at commas, semicolons, spaces and '+', ranges expanded
  ("R24-31"); a quantity that differs from their count is a finding.
- Prices may carry their currency ("$12.50", "12,50 €") or have it in the
  header ("Price (USD)"); a column of row totals gives the unit price (total ÷
  quantity). Distributor columns (Digikey, Mouser, RS, Newark, Farnell, LCSC,
  ...) are suppliers with their part numbers; repeated Manufacturer and MPN
  columns are alternatives.
- A column ohw does not know is a warning; its cells are kept in the items'
  notes. A cell ohw cannot read (a price without currency, a link that is not
  one) is kept in notes too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from ohw.design.bom.columns import Column, column_for, is_header
from ohw.design.bom.ids import assign_ids
from ohw.design.bom.rows import (
    BARE_URL,
    RULE_CELL,
    RULE_DESIGNATORS,
    RULE_NO_HEADER,
    RULE_NO_QUANTITY,
    RULE_UNKNOWN_COLUMN,
    RULE_UNREADABLE,
    URL,
    LeftOut,
    ReadRow,
    RowReader,
    Table,
    finished_item,
    shortened,
    words_of,
)
from ohw.design.bom.text import Row, read_text, split_otherwise
from ohw.design.bom.values import (
    Quantity,
    currency_of,
    read_designators,
    read_number,
    read_price,
    read_quantity,
)
from ohw.storage.yaml.document import (
    Document,
    JsonPath,
    Location,
    NodeInfo,
    ReadProblem,
    collector_paused,
)

# Header rows are looked for among this many rows at the top.
_HEADER_SEARCH = 40
_TOTAL = re.compile(
    r"(?:grand |sub ?|sub-)?totals?(?: (?:cost|price|sum|amount|print cost|costs|prices|"
    r"\(.*\)|in [a-z$€£]+|[a-z]{3}))?|sum|summe|gesamt|gesamtsumme|gesamtpreis",
    re.IGNORECASE,
)
_LOOSE_TOTAL = re.compile(r"(?i)(grand |sub ?)?totals?\b(\W+\w+){0,3}\W*$")
_ASSEMBLIES = re.compile(r"(sub[- ]?)?assembl(y|ies)\b(?! instructions)", re.IGNORECASE)
_SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}


_FOOTPRINT = re.compile(
    r"(?<![a-z])(0201|0402|0603|0805|1206|1210|1812|2010|2512|sot|sod|soic|ssop|tssop|msop|qfn|qfp|"
    r"lqfp|tqfp|dfn|bga|dip|pdip|to-?\d+|smd|tht|smc|sma|smb|dpak|d2pak|sip|lga|wlcsp)",
    re.IGNORECASE,
)
_LCSC = re.compile(r"C[0-9]{3,9}")
ITEM_ORDER = (
    "id", "name", "description", "value", "footprint", "quantity", "unit", "category",
    "manufacturer", "mpn", "alternatives", "standard", "designators", "suppliers",
    "optional", "notes",
)  # fmt: skip


@dataclass(frozen=True)
class TableBom:
    """A BOM table converted to BOM data, and what could not be converted."""

    document: Document
    problems: list[ReadProblem]
    layout: str = ""
    encoding: str = "utf-8"
    left_out: tuple[LeftOut, ...] = ()
    generated: tuple[int, ...] = ()  # the items whose id was made
    columns: tuple[tuple[int, str, str], ...] = ()  # each header cell: line, text, meaning
    lines: tuple[int, ...] = ()  # the line of each item's row
    delimiter: str | None = None


CsvBom = TableBom


def read_bom_csv(raw: bytes) -> TableBom:
    """A CSV (or TSV) BOM's bytes as BOM data; ReadProblem when the file cannot
    be read as a table at all."""
    return read_bom_table(raw, "bom.csv")


def read_bom_table(raw: bytes, path: str = "bom.csv") -> TableBom:
    """A BOM table's bytes as BOM data, by what the text holds (``path``'s
    suffix only settles a tie); ReadProblem when it cannot be read at all."""
    with collector_paused():
        text = read_text(raw, PurePosixPath(path).suffix)
        return _Reader(text).read()


class _Reader(RowReader):
    def read(self) -> TableBom:
        tables = list(self._tables())
        for table in tables:
            self._read_table(table)
        return self._result()

    # --- finding the tables ------------------------------------------------------------

    def _tables(self) -> Iterator[Table]:
        rows = self.text.rows
        if self.text.layout == "list of counts":
            columns: list[Column | None] = [
                Column("quantity"),
                Column("name"),
                Column("unit-price", 0),
                Column("name", 0),
            ]
            table = Table(0, ["quantity", "name", "price", "supplier"], [], columns)
            table.rows = rows
            yield table
            return
        if self.text.layout == "Markdown tables":
            yield from self._markdown_tables(rows)
            return
        filled = [r for r in rows if any(c.strip() for c in r.cells)]
        first = next((i for i, r in enumerate(filled[:_HEADER_SEARCH]) if is_header(r.cells)), None)
        if first is None:
            yield self._by_content(filled)
            return
        for row in filled[:first]:
            self.left_out.append(LeftOut(row.line, "preamble", words_of(row.cells)))
        table = self._table(filled[first])
        for row in filled[first + 1 :]:
            if _may_be_header(row.cells) and not self._counts(row, table) and is_header(row.cells):
                yield table
                table = self._table(row)
                continue
            table.rows.append(row)
        yield table

    def _markdown_tables(self, rows: list[Row]) -> Iterator[Table]:
        tables: list[Table] = []
        pending: list[Row] = []  # headings before the first table
        for row in rows:
            if row.kind == "header":
                tables.append(self._table(row))
                tables[-1].rows.extend(pending)
                pending = []
            elif not tables:
                pending.append(row)
            else:
                tables[-1].rows.append(row)
        if not tables:
            raise ReadProblem(
                RULE_UNREADABLE,
                "the BOM holds no table",
                "write the items as a Markdown table: | name | quantity |",
                Location(1, 1),
            )
        # A table of counts per assembly with their totals (OpenSCAD's NopSCADlib
        # "Parts list") is the whole BOM: the assemblies' own tables repeat it.
        whole = next((t for t in tables if _totals_column(t) is not None), None)
        for table in tables:
            if whole is None or table is whole:
                yield table
            else:
                self.left_out.append(LeftOut(table.line, "table", words_of(table.header)))

    def _counts(self, row: Row, table: Table) -> bool:
        """Whether a row that reads like a header has a quantity where the table
        has its quantities (a header has words there)."""
        for cell, column in zip(row.cells, table.columns, strict=False):
            if column is not None and column.field == "quantity" and cell.strip():
                return isinstance(read_quantity(cell), Quantity)
        return False

    def _table(self, header: Row) -> Table:
        columns: list[Column | None] = []
        labels: dict[int, str] = {}
        cells = header.cells
        for i, name in enumerate(cells):
            text = name.strip()
            labels[i] = text
            # "Total:", "226.34": a total written beside the header, not a column.
            if text.endswith(":") and i + 1 < len(cells) and read_number(cells[i + 1].strip()):
                columns.append(Column("ignored"))
                continue
            if i and cells[i - 1].strip().endswith(":") and read_number(text) is not None:
                columns.append(Column("ignored"))
                continue
            columns.append(column_for(text) if text else None)
        return Table(header.line, list(cells), list(header.starts), columns, labels=labels)

    def _by_content(self, rows: list[Row]) -> Table:
        """A table without a header row ohw knows: its columns read by what they hold."""
        if not rows:
            raise ReadProblem(
                RULE_UNREADABLE, "the BOM has no rows", "write a header row, then a row per item",
                Location(1, 1),
            )  # fmt: skip
        width = max(len(r.cells) for r in rows)
        body = rows[1:] if len(rows) > 1 else rows
        columns: list[Column | None] = [None] * width
        taken: set[str] = set()
        for j in range(width):
            values = [r.cells[j].strip() for r in body if j < len(r.cells) and r.cells[j].strip()]
            every = [r.cells[j].strip() for r in rows if j < len(r.cells) and r.cells[j].strip()]
            columns[j] = _guess(values, taken) or _guess(every, taken)
            if columns[j] is not None:
                taken.add(columns[j].field + columns[j].distributor)  # type: ignore[union-attr]
        quantity = next((j for j, c in enumerate(columns) if c and c.field == "quantity"), None)
        listed = next((j for j, c in enumerate(columns) if c and c.field == "designators"), None)
        if quantity is not None and listed is not None:
            pairs = [
                (r.cells[quantity].strip(), read_designators(r.cells[listed]))
                for r in body
                if max(quantity, listed) < len(r.cells)
            ]
            agree = sum(1 for q, d in pairs if d is not None and q == str(len(d)))
            if agree * 2 < len(pairs):
                columns[quantity] = None  # numbers, but not how many
                taken.discard("quantity")
        if "name" not in taken and "value" not in taken:
            for j in range(width):
                if columns[j] is None and any(
                    j < len(r.cells) and r.cells[j].strip() for r in body
                ):
                    columns[j] = Column("value" if "designators" in taken else "name")
                    taken.add(columns[j].field)  # type: ignore[union-attr]
                    break
        if not ({"name", "value"} & taken) or not ({"quantity", "designators"} & taken):
            raise ReadProblem(
                RULE_UNREADABLE,
                "the BOM has no header row, and what its columns are cannot be told from "
                "what they hold",
                "start the file with a row of column names: name,quantity,...",
                Location(rows[0].line, 1),
            )
        first = rows[0]
        table = Table(first.line, [""] * width, list(first.starts), columns, by_content=True)
        # The first row is a header ohw does not know if it has words where the
        # others have counts.
        numeric = [j for j, c in enumerate(columns) if c is not None and c.field == "quantity"]
        header_like = numeric and all(
            j < len(first.cells) and read_number(first.cells[j].strip()) is None for j in numeric
        )
        if header_like:
            table.header = list(first.cells)
            table.labels = {j: c.strip() for j, c in enumerate(first.cells)}
            self.left_out.append(LeftOut(first.line, "header", words_of(first.cells)))
            table.rows = rows[1:]
        else:
            table.rows = rows
        said = ", ".join(f"{j + 1} {_meaning(c)}" for j, c in enumerate(columns) if c is not None)
        self.problems.append(
            ReadProblem(
                RULE_NO_HEADER,
                "the BOM has no header row ohw knows; its columns are read by what they "
                f"hold: {said}",
                "start the file with a row of column names (KiCad and JLCPCB: "
                "Comment,Designator,Footprint,LCSC)",
                Location(first.line, 1),
            )
        )
        return table

    # --- one table -----------------------------------------------------------------------

    def _read_table(self, table: Table) -> None:
        items = [r for r in table.rows if r.kind in ("cells", "list")]
        self._settle_columns(table, items)
        for i, (name, column) in enumerate(zip(table.header, table.columns, strict=False)):
            if table.by_content and not name.strip():
                continue
            at = table.starts[i] if i < len(table.starts) else Location(table.line, 1)
            self.columns.append((at.line, name.strip(), _meaning(column)))
        totals: list[Row] = []
        pending: list[tuple[Row, str]] = []
        for row in table.rows:
            row = self._separated_otherwise(row, table)  # noqa: PLW2901
            kind = self._kind(row, table)
            if kind == "section":
                self.section = "" if row.kind == "title" else _section_title(row.cells)
                self.left_out.append(LeftOut(row.line, "section", words_of(row.cells)))
            elif _ASSEMBLIES.match(self.section) and kind == "item":
                self.left_out.append(LeftOut(row.line, "assembly", words_of(row.cells)))
            elif kind == "total":
                totals.append(row)
                self.left_out.append(LeftOut(row.line, "total", words_of(row.cells)))
            elif kind == "note":
                self.left_out.append(LeftOut(row.line, "note", words_of(row.cells)))
            elif kind == "item":
                pending.append((row, self.section))
        self._settle_prices(table, [r for r, _ in pending], totals)
        self.counted_one = []
        for row, section in pending:
            self._item(row, table, section)
        if self.counted_one:
            first = self.counted_one[0]
            has_designators = any(c is not None and c.field == "designators" for c in table.columns)
            self.problems.append(
                ReadProblem(
                    RULE_NO_QUANTITY,
                    _counted_one(
                        len(self.counted_one), self.text.layout, has_designators=has_designators
                    ),
                    "add a quantity column (qty) saying how many one unit of the design needs",
                    Location(table.line, 1) if table.line else Location(first.line, 1),
                )
            )  # fmt: skip

    def _settle_columns(self, table: Table, rows: list[Row]) -> None:
        """Columns whose name leaves their meaning open, settled by what they hold;
        the same field twice; columns ohw does not know."""
        columns = table.columns
        rows = [r for r in rows if _plain_row(r.cells)]
        _read_totals(table, rows)
        fields = {c.field for c in columns if c is not None}
        has_supplier = any(
            c is not None and (c.distributor or (c.supplier is not None and c.field == "name"))
            for c in columns
        )
        if any(c is not None and c.field == "part-number" and c.of_supplier for c in columns):
            fields.add("shop part number")  # then "Part #" is the maker's
        seen: dict[tuple[str, int | None, str, int], int] = {}
        alternatives = {"manufacturer": 0, "mpn": 0}
        for j, written in enumerate(columns):
            column = written
            values = [r.cells[j].strip() for r in rows if j < len(r.cells) and r.cells[j].strip()]
            name = table.header[j].strip() if j < len(table.header) else ""
            linked = sum(1 for r in rows if j < len(r.links) and r.links[j])
            column = _settled(
                column, name, values, fields, has_supplier=has_supplier, linked=linked
            )
            if column is not None and column.field == "designators" and values:
                lists = sum(1 for v in values if read_designators(v) is not None)
                if lists * 2 < len(values):
                    table.reference_text.add(j)
            if column is not None and column.field in alternatives and not column.of_supplier:
                # Kitspace repeats Manufacturer and MPN: the second pair is an alternative.
                index = alternatives[column.field]
                alternatives[column.field] = index + 1
                column = Column(column.field, alternative=max(index, column.alternative))
            if column is not None:
                key = (column.field, column.supplier, column.distributor, column.alternative)
                if key in seen and column.field not in ("ignored", "position", "notes", "aside"):
                    at = table.starts[j] if j < len(table.starts) else Location(table.line, 1)
                    self.problems.append(
                        ReadProblem(
                            RULE_UNKNOWN_COLUMN,
                            f"the column {name!r} says what {table.header[seen[key]].strip()!r}"
                            " says; its cells are kept in the items' notes",
                            "keep one of the two columns, or rename this one",
                            at,
                        )
                    )
                    column = Column("notes")
                else:
                    seen[key] = j
            elif name and not table.by_content:
                at = table.starts[j] if j < len(table.starts) else Location(table.line, 1)
                self.problems.append(
                    ReadProblem(
                        RULE_UNKNOWN_COLUMN,
                        f"the column {name!r} is not one ohw reads; its cells are kept in the "
                        "items' notes",
                        "rename it to a column ohw reads (see the README), or remove it",
                        at,
                    )
                )
            columns[j] = column
        table.has_quantity = any(
            c is not None and c.field == "quantity" and not c.of_supplier for c in columns
        )

    def _separated_otherwise(self, row: Row, table: Table) -> Row:
        """A row of one cell that another separator splits into the header's
        cells (a file whose rows do not all use the same one): read so, with a
        finding."""
        if len(row.cells) != 1 or len(table.columns) < 2 or not self.text.delimiter:
            return row
        for other in ("\t", ";", ","):
            if other != self.text.delimiter and other in row.cells[0]:
                again = split_otherwise(row, other)
                fits = 2 <= len(again.cells) <= len(table.columns)
                counted = not table.has_quantity or isinstance(
                    read_quantity(self._quantity_cell(again, table)), Quantity
                )
                if fits and (len(again.cells) == len(table.columns) or counted):
                    self.problems.append(
                        ReadProblem(
                            RULE_CELL,
                            f"this row's cells are separated by {_SEPARATORS[other]}, the "
                            f"others' by {_SEPARATORS[self.text.delimiter]}; it is read so",
                            "separate every row's cells alike",
                            Location(row.line, 1),
                        )
                    )
                    return again
        return row

    def _kind(self, row: Row, table: Table) -> str:
        if row.kind in ("heading", "title"):
            return "section"
        if row.kind == "list":
            return "item"
        cells = [c.strip() for c in row.cells]
        filled = [(j, c) for j, c in enumerate(cells) if c]
        if not filled:
            return "blank"
        counted = table.has_quantity or any(
            c is not None and c.field == "designators" for c in table.columns
        )
        if len(filled) == 1 and len(table.columns) > 1 and counted:
            _, only = filled[0]
            if not _is_numeric(only) and not URL.fullmatch(only):
                return "section"
        if any(_is_total(c) for _, c in filled):
            return "total"
        if any(_LOOSE_TOTAL.match(c) for _, c in filled if len(c) <= 40) and not any(
            table.columns[j] is not None
            and table.columns[j].field in ("designators", "mpn", "part-number")  # type: ignore[union-attr]
            for j, _ in filled
            if j < len(table.columns)
        ):
            return "total"  # "Total vitamins count", and no part number to say it is an item
        quantity = self._quantity_cell(row, table)
        if filled[0][1].endswith(":") and len(filled) <= 3 and not quantity:
            return "note"
        if all(_is_numeric(c) for _, c in filled) and not quantity:
            return "total"
        return "item"

    def _quantity_cell(self, row: Row, table: Table) -> str:
        for cell, column in zip(row.cells, table.columns, strict=False):
            if column is not None and column.field == "quantity" and not column.of_supplier:
                return cell.strip()
        return ""

    def _settle_prices(self, table: Table, rows: list[Row], totals: list[Row]) -> None:
        """A "price" or "cost" column holds unit prices unless a total row below
        it is the sum of its cells rather than of quantity × price."""
        for j, column in enumerate(table.columns):
            if column is None or column.field != "price":
                continue
            stated = [
                p.amount for r in totals
                if j < len(r.cells) and not isinstance(p := read_price(r.cells[j]), str)
            ]  # fmt: skip
            if not stated:
                continue
            plain_sum, weighted = Decimal(0), Decimal(0)
            for row in rows:
                price = read_price(row.cells[j]) if j < len(row.cells) else ""
                quantity = read_quantity(self._quantity_cell(row, table))
                if isinstance(price, str):
                    continue
                plain_sum += price.amount
                if isinstance(quantity, Quantity):
                    weighted += price.amount * quantity.value
            total = stated[-1]
            if abs(plain_sum - total) <= Decimal("0.011") and abs(weighted - total) > Decimal(
                "0.011"
            ):
                table.price_totals.add(j)

    # --- one item --------------------------------------------------------------------------

    def _result(self) -> TableBom:
        self._report_disagreements()
        items = [finished_item(r) for r in self.read_rows]
        taken = {item["id"] for item in items if "id" in item}
        made = assign_ids(items, taken)
        generated = []
        finished = []
        for i, (read, item, new_id) in enumerate(zip(self.read_rows, items, made, strict=True)):
            if new_id is not None:
                item["id"] = new_id
                read.nodes[("id",)] = Location(read.line, 1)
                generated.append(i)
            finished.append({k: item[k] for k in ITEM_ORDER if k in item})
        nodes = _CellNodes(self.read_rows)
        self.left_out.sort(key=lambda o: o.line)
        return TableBom(
            Document({"items": finished}, nodes),
            self.problems,
            self.text.layout,
            self.text.encoding,
            tuple(self.left_out),
            tuple(generated),
            tuple(self.columns),
            tuple(r.line for r in self.read_rows),
            self.text.delimiter,
        )

    def _report_disagreements(self) -> None:
        """A quantity that differs from the count of designators: a finding at the
        row, or one for the table where most rows do (the designators are
        then labels, not one a piece)."""
        with_designators = sum(1 for r in self.read_rows if r.item.get("designators"))
        if len(self.disagreeing) >= 3 and len(self.disagreeing) * 4 > with_designators:
            read, _ = self.disagreeing[0]
            self.problems.append(
                ReadProblem(
                    RULE_DESIGNATORS,
                    f"in {len(self.disagreeing)} of {with_designators} rows the quantity "
                    "differs from the number of designators: they are read as labels, not "
                    "as one designator a piece",
                    "list one designator per piece, or leave the designators out",
                    read.nodes[("designators",)],
                )
            )
            return
        for read, count in self.disagreeing:
            self.problems.append(
                ReadProblem(
                    RULE_DESIGNATORS,
                    f"the quantity {read.item['quantity']} of {shortened(read.item['name'])!r} "
                    f"differs from its {count} designator{'s' if count != 1 else ''}",
                    "make the quantity the number of designators, or correct the designators",
                    read.nodes[("quantity",)],
                )
            )


class _CellNodes(Mapping[JsonPath, NodeInfo]):
    """Where each value of the items was written: its cell. Made into NodeInfo
    only when asked for (a big BOM has a million values, a command asks about a few)."""

    def __init__(self, rows: list[ReadRow]) -> None:
        self._rows = rows

    def __getitem__(self, path: JsonPath) -> NodeInfo:
        if path in ((), ("items",)):
            return NodeInfo(Location(1, 1), None, None)
        index = path[1] if len(path) >= 2 and path[0] == "items" else None
        if isinstance(index, int) and 0 <= index < len(self._rows):
            read = self._rows[index]
            if len(path) == 2:
                return NodeInfo(Location(read.line, 1), None, None)
            at = read.nodes.get(path[2:])
            if at is not None:
                return NodeInfo(at, at, None)
        raise KeyError(path)

    def __iter__(self) -> Iterator[JsonPath]:
        yield ()
        yield ("items",)
        for i, read in enumerate(self._rows):
            yield ("items", i)
            for key in read.nodes:
                yield ("items", i, *key)

    def __len__(self) -> int:
        return 2 + sum(1 + len(read.nodes) for read in self._rows)


def _guess(values: list[str], taken: set[str]) -> Column | None:
    """What a column without a name ohw knows holds, by its cells."""
    if not values:
        return None

    def share(test: Any) -> float:
        return sum(1 for v in values if test(v)) / len(values)

    if "LCSC" not in taken and share(_LCSC.fullmatch) >= 0.8:
        return Column("part-number", None, "LCSC")
    if "url" not in taken and share(URL.fullmatch) >= 0.8:
        return Column("url", 0)
    if "designators" not in taken and share(_designator_list) >= 0.8:
        return Column("designators")
    if "footprint" not in taken and share(lambda v: _FOOTPRINT.search(v) or ":" in v) >= 0.6:
        return Column("footprint")
    if "quantity" not in taken and share(lambda v: re.fullmatch(r"[1-9][0-9]{0,5}", v)) >= 0.8:
        return Column("quantity")
    if (
        "unit-price" not in taken
        and share(lambda v: not isinstance(p := read_price(v), str) and p.currency) >= 0.8
    ):
        return Column("unit-price", 0)
    return None


_NUMERIC_CELL = re.compile(r"\s*[$€£]?\s*[0-9][0-9.,' ]*\s*[$€£]?\s*")


def _may_be_header(cells: list[str]) -> bool:
    """Quickly: whether a row may be a header (no cell a number), before the
    slower look at its words."""
    filled = 0
    for cell in cells:
        if cell and not cell.isspace():
            if _NUMERIC_CELL.fullmatch(cell) or len(cell) > 60:
                return False
            filled += 1
    return filled >= 2


_TOTALS_HEADER = re.compile(r"(?i)\s*(totals?|sum|total count|total qty|overall)\s*")


def _counted_one(rows: int, layout: str, *, has_designators: bool) -> str:
    if layout == "list of counts":
        said = f"{rows} entries of the list say" if rows != 1 else "1 entry of the list says"
        return f"{said} no count: each is read as one"
    if has_designators:
        return f"the BOM has no quantity column: {rows} rows without designators count one each"
    return "the BOM has no quantity column: each row counts one"


def _settled(
    column: Column | None,
    name: str,
    values: list[str],
    fields: set[str],
    *,
    has_supplier: bool,
    linked: int = 0,
) -> Column | None:
    """A column whose name leaves its meaning open, by what it holds; ``fields``
    are the table's fields (a name column found here is added)."""
    if column is None and not name and values:
        column = _guess(values, set()) or Column("notes")
        if column.field not in ("url", "notes"):
            column = Column("notes")
        if column.field == "notes" and not fields & {"name", "description", "value"}:
            column = Column("name")  # NopSCADlib's unnamed last column
            fields.add("name")
    if column is not None and column.field == "units?":
        numbers = sum(1 for v in values if isinstance(read_quantity(v), Quantity))
        column = Column("quantity" if numbers * 2 >= len(values) else "unit")
    elif column is not None and column.field == "part-number?" and _wordy(values):
        # SolidWorks' "PART NUMBER": the part's name ("Large cross brace").
        column = Column("name") if "name" not in fields else Column("notes")
        fields.add(column.field)
    elif column is not None and column.field == "part-number?":
        # "Part #" beside a Manufacturer column, or with no shop named, is the
        # maker's; beside an MPN, or a Supplier column alone, the shop's.
        maker = "mpn" not in fields and (
            "manufacturer" in fields or "shop part number" in fields or not has_supplier
        )
        column = Column("mpn") if maker else Column("part-number", 0)
    elif column is not None and column.field == "parts?":
        # Eagle's "Parts": the designators; elsewhere the parts' names.
        lists = sum(1 for v in values if _designator_list(v))
        column = Column("designators" if values and lists * 5 >= len(values) * 4 else "name")
    elif column is not None and column.field == "number?":
        column = Column("position" if "quantity" in fields else "quantity")
    if (
        column is not None
        and column.field in ("name", "id")
        and values
        and all(re.fullmatch(r"[0-9]+", v) for v in values)
    ):
        column = Column("position")  # "Item": 1, 2, 3
    if column is not None and values and column.field in ("unit-price", "price", "total-price"):
        codes = sum(1 for v in values if currency_of(v) is not None and read_number(v) is None)
        if codes * 5 >= len(values) * 4:  # "Price Unit": USD, GBP
            column = Column("currency", column.supplier, column.distributor)
    if column is not None and values and column.field == "url":
        links = sum(1 for v in values if URL.search(v) or BARE_URL.fullmatch(v)) + linked
        if links * 2 < len(values):  # "Source/Link": shops, not links
            column = Column("name", column.supplier, column.distributor)
    return column


def _wordy(values: list[str]) -> bool:
    """Whether the cells are words rather than part numbers, which have digits."""
    words = sum(1 for v in values if not re.search(r"[0-9]", v))
    return bool(values) and words * 5 >= len(values) * 4


def _read_totals(table: Table, rows: list[Row]) -> None:
    """A table of counts per assembly (NopSCADlib's parts list): the totals are
    the quantities; the counts they sum are not read."""
    totals = _totals_column(table)
    if totals is None:
        return
    table.columns[totals] = Column("quantity")
    for j in range(len(table.columns)):
        values = [r.cells[j].strip() for r in rows if j < len(r.cells)]
        if j != totals and all(re.fullmatch(r"[0-9]*|\.", v) for v in values):
            table.columns[j] = Column("ignored")


def _totals_column(table: Table) -> int | None:
    """The column of a table of counts per assembly that holds their totals: a
    "Totals" column of whole numbers beside other columns of whole numbers (or
    '.' for none), in a table with no quantity column."""
    if any(c is not None and c.field == "quantity" for c in table.columns):
        return None
    rows = [r for r in table.rows if r.kind in ("cells", "list")]
    for j, name in enumerate(table.header):
        if not _TOTALS_HEADER.fullmatch(name):
            continue
        values = [r.cells[j].strip() for r in rows if j < len(r.cells) and r.cells[j].strip()]
        if values and all(v.isdigit() for v in values):
            counts = [
                k for k in range(len(table.header)) if k != j and all(
                    re.fullmatch(r"[0-9]*|\.", r.cells[k].strip()) for r in rows if k < len(r.cells)
                )
            ]  # fmt: skip
            if counts:
                return j
    return None


def _plain_row(cells: list[str]) -> bool:
    """A row that may be an item: neither a heading, a note ("Count:", "12") nor a total."""
    filled = [c.strip() for c in cells if c.strip()]
    if len(filled) <= 1:
        return False
    if filled[0].endswith(":") and len(filled) <= 3:
        return False
    return not any(_is_total(c) for c in filled)


def _is_total(cell: str) -> bool:
    """Whether a cell says "Total" (or "Sum", "Subtotal:", "Grand total")."""
    return len(cell) <= 40 and cell[:1] in "tTsSgG*" and bool(_TOTAL.fullmatch(cell.strip("*: ")))


def _designator_list(text: str) -> bool:
    listed = read_designators(text)
    return (
        listed is not None
        and bool(listed)
        and all(re.fullmatch(r"[A-Za-z]{1,4}[0-9]{1,4}[A-Za-z]?", d) for d in listed)
    )


def _is_numeric(text: str) -> bool:
    """A number or a price, or Excel's "$ -" for none."""
    if read_number(text) is not None:
        return True
    price = read_price(text)
    return not isinstance(price, str) or price == ""


# Shops known by their web address, for a link without a supplier's name.
_DOCUMENT_TITLE = re.compile(
    r"(?i)(the |a )?(bill of materials?|b\.?o\.?m\.?|parts? list|list of parts|materials?|"
    r"components?|hardware list|shopping list|parts)( \(.*\)| list| for .*)?"
)


_DOCUMENT_TITLE_START = re.compile(
    r"(?i)(the |a )?(bill of materials?|b\.?o\.?m\.?|parts? list|list of parts|shopping list)\b"
)


def _section_title(cells: list[str]) -> str:
    """A heading's title as the category of the items below it; "" for one
    that names the whole document ("Bill of Materials", "Parts list")."""
    title = next(c.strip() for c in cells if c.strip())
    title = re.sub(r"^(?:[0-9]+[.)]|[IVX]+\.|[A-Z][.)])\s+", "", title)  # "1. Printed parts"
    title = title.rstrip(":").strip()
    if _DOCUMENT_TITLE.fullmatch(title) or _DOCUMENT_TITLE_START.match(title):
        return ""
    # "Alternatives (if there are other sources ...)": the words before the aside.
    short = re.sub(r"\s*\([^)]{12,}\)\s*$", "", title)
    return short or title


def _meaning(column: Column | None) -> str:
    """What ohw reads a column as, in words."""
    if column is None:
        return "not read (kept in notes)"
    words = {
        "name": "name", "description": "description", "value": "value",
        "footprint": "footprint", "quantity": "quantity", "unit": "unit",
        "category": "category", "manufacturer": "manufacturer", "mpn": "MPN",
        "standard": "standard", "designators": "designators", "optional": "optional",
        "dnp": "optional (DNP)", "fitted": "optional (not fitted)",
        "required": "optional (not required)", "notes": "notes",
        "position": "row number (not read)",
        "aside": "notes", "id": "id", "ignored": "not read",
        "part-number": "part number", "url": "link", "unit-price": "unit price",
        "price": "price", "total-price": "row total (unit price = total / quantity)",
        "currency": "currency", "pack-size": "pack size",
    }.get(column.field, column.field)  # fmt: skip
    if column.alternative:
        return f"alternative {column.alternative}: {words}"
    if column.distributor:
        return f"{column.distributor} {words}"
    if column.supplier is not None:
        return (
            f"supplier {column.supplier + 1}: {words}" if column.supplier else f"supplier {words}"
        )
    return words
