"""The rolled-up BOM as a table for people, CSV for spreadsheets, Markdown, and
JSON for programs (schemas/bom-output.schema.json)."""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

from rich.console import Console
from rich.table import Table

from ohw.design.choices import choice_text
from ohw.fab.bom_csv import bom_csv, number_text, quantity_text
from ohw.fab.rollup import (
    FabricatedLine,
    MaterialUse,
    PurchasedLine,
    RolledUpBom,
    SupplierOrder,
    choices_json,
)
from ohw.report.reporters import JsonReporter, Reporter
from ohw.report.styled import markup, printable

FORMAT_VERSION = 1


def _money(value: Decimal) -> float:
    return float(value)


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _totals_json(totals: dict[str, Decimal]) -> dict[str, float]:
    return {currency: _money(amount) for currency, amount in totals.items()}


def _line_json(line: PurchasedLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "name": line.name,
        "quantity": float(line.quantity),
        "unit": line.unit,
        "part_number": line.part_number,
        "url": line.url,
        "unit_price": None if line.unit_price is None else _money(line.unit_price),
        "currency": line.currency,
        "cost": None if line.cost is None else _money(line.cost),
        "packs": line.packs,
    }


def _orders_json(orders: tuple[SupplierOrder, ...]) -> list[dict[str, Any]]:
    return [
        {
            "supplier": order.supplier,
            "items": [_line_json(line) for line in order.lines],
            "totals": _totals_json(order.totals),
        }
        for order in orders
    ]


def part_json(line: FabricatedLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "name": line.name,
        "process": line.process,
        "material": line.material,
        "quantity": line.quantity,
        "from": line.origin,
        "file": line.measure.file if line.measure is not None else None,
        "size": None if line.size is None else [round(v, 3) for v in line.size],
        "volume": _round(line.volume),
        "infill": line.infill,
        "perimeters": line.perimeters,
        "mass": _round(line.mass),
        "filament_length": _round(line.filament_length),
        "stock": line.stock,
        "note": line.unestimated or None,
        "optional": line.optional,
        "colour": line.colour,
        "role": line.role,
        "choice": line.choice,
    }


def bom_json(bom: RolledUpBom) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "design": bom.design,
        "version": bom.version,
        "units": bom.units,
        "default_infill": bom.default_infill,
        "purchased": {
            "orders": _orders_json(bom.orders),
            "totals": _totals_json(bom.totals),
            "unpriced": list(bom.unpriced),
        },
        "optional": {
            "orders": _orders_json(bom.optional),
            "totals": _totals_json(bom.optional_totals),
        },
        "printed": {
            "parts": [part_json(p) for p in bom.printed],
            "materials": [
                {
                    "material": use.material,
                    "parts": use.parts,
                    "mass": _round(use.mass),
                    "filament_length": _round(use.filament_length),
                }
                for use in bom.materials
            ],
        },
        "cut": {
            "parts": [part_json(p) for p in bom.cut],
            "stock": [
                {
                    "material": use.material,
                    "stock": use.stock,
                    "process": use.process,
                    "parts": list(use.parts),
                    "quantity": use.quantity,
                }
                for use in bom.stock
            ],
        },
        "other": [part_json(p) for p in bom.other],
        "choices": choices_json(bom),
        "left_out": list(bom.left_out),
    }


def _part_name(line: FabricatedLine) -> str:
    """A part's id, with what a maker sorts prints by: optional, tool."""
    marks = (["optional"] if line.optional else []) + (
        [line.role] if line.role and line.role != "part" else []
    )
    return line.id + (f" ({', '.join(marks)})" if marks else "")


def _material(line: FabricatedLine) -> str:
    return ", ".join(t for t in (line.material, line.colour) if t)


def _size(line: FabricatedLine) -> str:
    return " × ".join(f"{v:.1f}" for v in line.size) + " mm" if line.size else ""


def _totals_text(totals: dict[str, Decimal]) -> str:
    return ", ".join(f"{currency} {amount:.2f}" for currency, amount in totals.items()) or "none"


def _markdown_table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[str]:
    """A Markdown table; columns whose name ends with '>' are aligned right."""

    def cell(text: object) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    names = [h.rstrip(">") for h in header]
    rule = ["---:" if h.endswith(">") else "---" for h in header]
    lines = ["| " + " | ".join(names) + " |", "|" + "|".join(rule) + "|"]
    return [*lines, *("| " + " | ".join(cell(c) for c in row) + " |" for row in rows), ""]


def _with_unit(line: PurchasedLine) -> str:
    return quantity_text(line.quantity) + (f" {line.unit}" if line.unit else "")


def _amount(currency: str | None, value: Decimal | None, digits: int = 2) -> str:
    return f"{currency} {number_text(value, digits)}" if value is not None else ""


def _use(use: MaterialUse) -> str:
    if use.mass is None or use.filament_length is None:
        return f"{use.material}: {use.parts} parts, not estimated"
    return (
        f"{use.material}: {use.parts} parts, {use.mass:.1f} g, "
        f"{use.filament_length:.2f} m of 1.75 mm filament"
    )


def bom_markdown(bom: RolledUpBom) -> str:
    lines = [f"# Bill of materials: {bom.design} × {bom.units}", ""]
    if bom.choices:
        lines += ["Choices: " + "; ".join(choice_text(c) for c in bom.choices), ""]
    for title, orders, totals in (
        ("Purchased items", bom.orders, bom.totals),
        ("Optional items", bom.optional, bom.optional_totals),
    ):
        if not orders:
            continue
        lines += [f"## {title}", ""]
        for order in orders:
            lines += [f"### {order.supplier or 'No supplier given'}", ""]
            lines += _markdown_table(
                ("id", "item", "quantity>", "part number", "unit price>", "cost>"),
                [
                    (line.id, line.name, _with_unit(line), line.part_number or "",
                     _amount(line.currency, line.unit_price, -1), _amount(line.currency, line.cost))
                    for line in order.lines
                ],
            )  # fmt: skip
            lines += [f"Total: {_totals_text(order.totals)}", ""]
        lines += [f"**{title}, total: {_totals_text(totals)}**", ""]
    if bom.printed:
        lines += ["## Printed parts", ""]
        lines += _markdown_table(
            ("id", "part", "quantity>", "material", "size", "mass (g)>", "filament (m)>"),
            [
                (_part_name(p), p.name, p.quantity, _material(p), _size(p), number_text(p.mass, 1),
                 number_text(p.filament_length, 2))
                for p in bom.printed
            ],
        )  # fmt: skip
        lines += [*(f"- {_use(use)}" for use in bom.materials), ""]
    if bom.cut:
        lines += ["## Cut and machined parts", ""]
        lines += _markdown_table(
            ("material", "stock", "process", "parts", "quantity>"),
            [
                (s.material or "", s.stock or "", s.process, ", ".join(s.parts), s.quantity)
                for s in bom.stock
            ],
        )
    if bom.other:
        lines += ["## Other fabricated parts", ""]
        lines += [
            f"- {p.id}: {p.quantity} × {p.name} ({p.process or 'no process'})" for p in bom.other
        ]
        lines.append("")
    return "\n".join(printable(line) for line in lines)


def _text(bom: RolledUpBom, console: Console) -> None:
    version = f" {bom.version}" if bom.version else ""
    console.print(f"[bold]{markup(bom.design)}{markup(version)}[/bold] × {bom.units}")
    for choice in bom.choices:
        console.print(f"  choice {markup(choice_text(choice))}")
    for title, orders, totals in (
        ("Purchased items", bom.orders, bom.totals),
        ("Optional items", bom.optional, bom.optional_totals),
    ):
        if not orders:
            continue
        table = Table(title=title, title_justify="left", show_edge=False)
        for name in ("supplier", "id", "item", "quantity", "packs", "cost"):
            right = name in ("quantity", "packs", "cost")
            table.add_column(name, justify="right" if right else "left", overflow="fold")
        for order in orders:
            for number, line in enumerate(order.lines):
                table.add_row(
                    markup(order.supplier or "(none given)") if number == 0 else "",
                    markup(line.id),
                    markup(line.name),
                    markup(_with_unit(line)),
                    str(line.packs or ""),
                    f"{line.currency} {line.cost:.2f}" if line.cost is not None else "no price",
                )
            table.add_row(
                "", "", "[italic]total[/italic]", "", "", markup(_totals_text(order.totals)),
                end_section=True,
            )  # fmt: skip
        console.print(table)
        console.print(f"[bold]{title}, total: {markup(_totals_text(totals))}[/bold]\n")
    if bom.printed:
        table = Table(title="Printed parts", title_justify="left", show_edge=False)
        for name in ("id", "material", "quantity", "size", "infill", "mass", "filament"):
            table.add_column(
                name, justify="right" if name in ("quantity", "mass", "filament") else "left"
            )
        for part in bom.printed:
            table.add_row(
                markup(_part_name(part)), markup(_material(part)), str(part.quantity), _size(part),
                f"{part.infill:g} %" if part.infill is not None else "",
                f"{part.mass:.1f} g" if part.mass is not None else markup(part.unestimated),
                f"{part.filament_length:.2f} m" if part.filament_length is not None else "",
            )  # fmt: skip
        console.print(table)
        for use in bom.materials:
            console.print(f"  {markup(_use(use))}")
        console.print()
    if bom.cut:
        table = Table(title="Cut and machined parts", title_justify="left", show_edge=False)
        for name in ("material", "stock", "process", "parts", "quantity"):
            table.add_column(name, justify="right" if name == "quantity" else "left")
        for stock in bom.stock:
            table.add_row(markup(stock.material or ""), markup(stock.stock or ""), stock.process,
                          markup(", ".join(stock.parts)), str(stock.quantity))  # fmt: skip
        console.print(table)
    for part in bom.other:
        process = part.process or "no process"
        console.print(f"  {markup(part.id)}: {part.quantity} × {markup(part.name)} ({process})")


class BomJson(JsonReporter[RolledUpBom]):
    def document(self, result: RolledUpBom) -> dict[str, Any]:
        return bom_json(result)


class BomCsv(Reporter[RolledUpBom]):
    def write(self, result: RolledUpBom, stream: IO[str]) -> None:
        stream.write(bom_csv(result))


class BomMarkdown(Reporter[RolledUpBom]):
    def write(self, result: RolledUpBom, stream: IO[str]) -> None:
        stream.write(bom_markdown(result))


class BomTable(Reporter[RolledUpBom]):
    def write(self, result: RolledUpBom, stream: IO[str]) -> None:
        _text(result, Console(file=stream, highlight=False, soft_wrap=False))
