"""The rolled-up BOM as CSV, for spreadsheets: the kit's bom.csv and
`ohw bom --format csv`. The same columns always, one row per item and part.

A cell of text from the design that begins with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is written after a single quote, as OWASP's guidance
on CSV injection says: a spreadsheet opening the file would otherwise run it as
a formula (``=HYPERLINK(...)``). Numbers ohw writes itself are left as they are.
A cell holding a line break, CR alone included, is quoted, so that no text
begins a row of its own."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ohw.design.bom.text import csv_row
from ohw.fab.rollup import RolledUpBom

CSV_COLUMNS = (
    "section", "id", "name", "quantity", "unit", "supplier", "part_number", "url",
    "unit_price", "currency", "cost", "packs", "material", "process", "stock",
    "mass_g", "filament_m", "file", "from",
)  # fmt: skip


def number_text(value: Decimal | float | None, digits: int = 2) -> str:
    """A number as a cell shows it: ``digits`` decimals, or (negative) as many as it has."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if digits < 0 else f"{value:.{digits}f}"
    return f"{value:.{digits}f}"


def quantity_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


# What a spreadsheet takes for the start of a formula.
_FORMULA_FIRST = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str | None) -> str:
    """Text from the design as a cell no spreadsheet runs as a formula."""
    if not text:
        return ""
    return f"'{text}" if text.startswith(_FORMULA_FIRST) else text


def bom_csv(bom: RolledUpBom) -> str:
    """One row per item and part, and one per currency total; the same columns always."""
    rows: list[Sequence[object]] = [CSV_COLUMNS]
    for section, orders in (("purchased", bom.orders), ("optional", bom.optional)):
        for order in orders:
            for line in order.lines:
                rows.append(
                    [section, cell(line.id), cell(line.name), quantity_text(line.quantity),
                     cell(line.unit), cell(line.supplier), cell(line.part_number), cell(line.url),
                     number_text(line.unit_price, -1), cell(line.currency),
                     number_text(line.cost), line.packs or "", "", "", "", "", "", "", ""]
                )  # fmt: skip
    for section, parts in (("printed", bom.printed), ("cut", bom.cut), ("other", bom.other)):
        for part in parts:
            rows.append(
                [f"optional {section}" if part.optional else section, cell(part.id),
                 cell(part.name), part.quantity, "pcs", "", "", "", "", "", "", "",
                 cell(part.material), cell(part.process), cell(part.stock),
                 number_text(part.mass, 1), number_text(part.filament_length, 2),
                 cell(part.measure.file if part.measure else None), cell(part.origin)]
            )  # fmt: skip
    for section, totals in (("total", bom.totals), ("optional total", bom.optional_totals)):
        for currency, amount in totals.items():
            rows.append([section, "", "", "", "", "", "", "", "", cell(currency),
                         number_text(amount)] + [""] * 8)  # fmt: skip
    return "".join(csv_row(row) for row in rows)
