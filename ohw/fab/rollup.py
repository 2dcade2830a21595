"""The rolled-up bill of materials for N units of a design: what to buy, from
whom and at what cost; what to print, in which material, and how much plastic
it takes; what to cut or mill, from which stock.

Purchased items are grouped by the supplier that prices them first (as the
cost in ``ohw diff`` is counted), and their cost is summed per currency: amounts
in different currencies are never added together. Optional items are kept
apart, with their own totals, and so are optional parts from the material
totals. Of a choice among parts, only the chosen option's parts are built.
Remixed parts are parts like any other: their files are in the design.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from ohw.design.choices import Choice, Selection, select_parts
from ohw.design.reader import read_valid_design
from ohw.fab.materials import DEFAULT_PERIMETERS, SOLID, estimate_print, known_material
from ohw.mesh.batch import MeshResult, analyse_sources, design_sources
from ohw.mesh.reader import MESH_FORMATS
from ohw.mesh.topology import MeshReport
from ohw.storage.tree import DesignTree

PRINTING = "3d-printing"
# Processes that make a part from a sheet (cut) or from a block or bar (machined).
SHEET_PROCESSES = ("laser-cutting", "waterjet-cutting")
STOCK_PROCESSES = (*SHEET_PROCESSES, "cnc-milling", "cnc-turning")
Size = tuple[float, float, float]


@dataclass(frozen=True)
class PurchasedLine:
    """A BOM item, for all the units."""

    id: str
    name: str
    quantity: Decimal  # for all units
    unit: str | None
    supplier: str | None
    part_number: str | None
    url: str | None
    unit_price: Decimal | None
    currency: str | None
    cost: Decimal | None  # quantity × unit price
    packs: int | None  # packs to buy, where the supplier sells packs
    optional: bool


@dataclass(frozen=True)
class SupplierOrder:
    """What to buy from one supplier (None: items no supplier is given for)."""

    supplier: str | None
    lines: tuple[PurchasedLine, ...]
    totals: dict[str, Decimal]  # by currency


@dataclass(frozen=True)
class PartMeasure:
    """A part's first mesh export, as analysed."""

    file: str
    report: MeshReport | None
    error: str | None  # why the mesh could not be read

    @property
    def size(self) -> Size | None:
        return self.report.size if self.report is not None else None


@dataclass(frozen=True)
class FabricatedLine:
    """A fabricated part, for all the units."""

    id: str
    name: str
    process: str | None
    material: str | None
    quantity: int  # for all units
    origin: str | None  # the design a remixed part comes from
    measure: PartMeasure | None  # None: no mesh export
    # 3D printing: per part, then for all units; None where they cannot be estimated.
    infill: float | None = None
    perimeters: int | None = None
    volume: float | None = None  # mm³ of the part's solid
    mass: float | None = None  # g, all units
    filament_length: float | None = None  # m, all units
    stock: str | None = None  # cutting and machining: the stock it is made from
    unestimated: str = ""  # why there is no estimate
    optional: bool = False
    colour: str | None = None
    role: str | None = None
    choice: str | None = None  # the choice group it was chosen in

    @property
    def size(self) -> Size | None:
        return self.measure.size if self.measure is not None else None


@dataclass(frozen=True)
class MaterialUse:
    material: str
    parts: int
    mass: float | None  # None when a part of it cannot be estimated
    filament_length: float | None


@dataclass(frozen=True)
class StockUse:
    material: str | None
    stock: str | None
    process: str
    parts: tuple[str, ...]
    quantity: int


@dataclass(frozen=True)
class RolledUpBom:
    design: str
    version: str | None
    units: int
    default_infill: float
    orders: tuple[SupplierOrder, ...]
    totals: dict[str, Decimal]  # the required items, by currency
    unpriced: tuple[str, ...]
    optional: tuple[SupplierOrder, ...]
    optional_totals: dict[str, Decimal]
    printed: tuple[FabricatedLine, ...]
    materials: tuple[MaterialUse, ...]
    cut: tuple[FabricatedLine, ...]
    stock: tuple[StockUse, ...]
    other: tuple[FabricatedLine, ...]  # neither printed, cut nor machined
    choices: tuple[Choice, ...] = ()
    left_out: tuple[str, ...] = ()  # parts of the options not chosen


def measure_parts(
    tree: DesignTree,
    parts: list[dict[str, Any]],
    cache_directory: Path | None,
    progress: Callable[[MeshResult], None] | None = None,
) -> dict[str, PartMeasure]:
    """Each part's first mesh export, analysed (from the cache where its content
    is known). A part whose export is not a mesh, or is missing, has none."""
    files: dict[str, str] = {}
    for part in parts:
        mesh = next((f for f in _exports(part) if Path(f).suffix.lower() in MESH_FORMATS), None)
        if mesh is not None and tree.exists(mesh):
            files[part["id"]] = tree.resolve(mesh).path
    names = sorted(set(files.values()))
    results = {
        r.name: r for r in analyse_sources(design_sources(tree, names), cache_directory, progress)
    }
    return {
        part_id: PartMeasure(name, results[name].report, results[name].error)
        for part_id, name in files.items()
    }


def _exports(part: dict[str, Any]) -> list[str]:
    value = part.get("export", [])
    return [value] if isinstance(value, str) else list(value)


def roll_up(
    manifest: dict[str, Any],
    items: list[dict[str, Any]],
    measures: dict[str, PartMeasure],
    units: int = 1,
    default_infill: float = SOLID,
    *,
    selection: Selection | None = None,
) -> RolledUpBom:
    """The bill of materials for ``units`` units. ``items`` is the BOM's data;
    ``measures`` the parts' meshes (see ``measure_parts``); ``selection`` the
    parts the choices made build (by default, every choice's default)."""
    chosen = selection or select_parts(manifest, {})
    required = [_purchased(i, units) for i in items if not i.get("optional")]
    optional = [_purchased(i, units) for i in items if i.get("optional")]
    fabricated = [
        _fabricated(part, measures.get(part["id"]), units, default_infill) for part in chosen.parts
    ]
    printed = tuple(f for f in fabricated if f.process == PRINTING)
    cut = tuple(f for f in fabricated if f.process in STOCK_PROCESSES)
    return RolledUpBom(
        design=manifest["name"],
        version=manifest.get("version"),
        units=units,
        default_infill=default_infill,
        orders=_orders(required),
        totals=_totals(required),
        unpriced=tuple(line.id for line in required if line.cost is None),
        optional=_orders(optional),
        optional_totals=_totals(optional),
        printed=printed,
        materials=_materials(printed),
        cut=cut,
        stock=_stock(cut),
        other=tuple(f for f in fabricated if f not in printed and f not in cut),
        choices=chosen.choices,
        left_out=chosen.left_out,
    )


def _purchased(item: dict[str, Any], units: int) -> PurchasedLine:
    quantity = Decimal(str(item["quantity"])) * units
    suppliers = [s for s in item.get("suppliers", []) if isinstance(s, dict)]
    priced = [s for s in suppliers if "unit-price" in s and "currency" in s]
    supplier = priced[0] if priced else (suppliers[0] if suppliers else {})
    price = Decimal(str(supplier["unit-price"])) if supplier in priced else None
    pack = supplier.get("pack-size")
    return PurchasedLine(
        id=item["id"],
        name=item.get("name", item["id"]),
        quantity=quantity,
        unit=item.get("unit"),
        supplier=supplier.get("name"),
        part_number=supplier.get("part-number"),
        url=supplier.get("url"),
        unit_price=price,
        currency=supplier.get("currency") if price is not None else None,
        cost=quantity * price if price is not None else None,
        packs=math.ceil(quantity / pack) if isinstance(pack, int) and pack > 0 else None,
        optional=bool(item.get("optional")),
    )


def _totals(lines: list[PurchasedLine]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in lines:
        if line.cost is not None and line.currency is not None:
            totals[line.currency] = totals.get(line.currency, Decimal(0)) + line.cost
    return dict(sorted(totals.items()))


def _orders(lines: list[PurchasedLine]) -> tuple[SupplierOrder, ...]:
    """One order per supplier, in the order suppliers first appear; items
    without a supplier last."""
    by_supplier: dict[str | None, list[PurchasedLine]] = {}
    for line in lines:
        by_supplier.setdefault(line.supplier, []).append(line)
    ordered = [s for s in by_supplier if s is not None] + ([None] if None in by_supplier else [])
    return tuple(SupplierOrder(s, tuple(by_supplier[s]), _totals(by_supplier[s])) for s in ordered)


def _fabricated(
    part: dict[str, Any], measure: PartMeasure | None, units: int, default_infill: float
) -> FabricatedLine:
    line = FabricatedLine(
        id=part["id"],
        name=part.get("name", part["id"]),
        process=part.get("process"),
        material=part.get("material"),
        quantity=part.get("quantity", 1) * units,
        origin=part["from"]["design"] if "from" in part else None,
        measure=measure,
        optional=bool(part.get("optional")),
        colour=part.get("colour"),
        role=part.get("role"),
        choice=part.get("choice"),
    )
    if line.process == PRINTING:
        return _printed(line, part.get("print", {}), default_infill)
    if line.process in STOCK_PROCESSES:
        return _with_stock(line, part.get("stock"))
    return line


def _printed(
    line: FabricatedLine, settings: dict[str, Any], default_infill: float
) -> FabricatedLine:
    infill = float(settings.get("infill", default_infill))
    perimeters = int(settings.get("perimeters", DEFAULT_PERIMETERS))
    line = replace(line, infill=infill, perimeters=perimeters)
    material = known_material(line.material)
    report = line.measure.report if line.measure is not None else None
    if report is None:
        why = line.measure.error if line.measure is not None else "it has no mesh export"
        return replace(line, unestimated=f"no estimate: {why}")
    line = replace(line, volume=abs(report.volume))
    if material is None:
        return replace(
            line,
            unestimated=f"no mass: ohw has no density for {line.material or 'no material'}",
        )
    one = estimate_print(report.volume, report.area, material, infill, perimeters)
    return replace(
        line, mass=one.mass * line.quantity, filament_length=one.filament_length * line.quantity
    )


def _with_stock(line: FabricatedLine, stock: str | None) -> FabricatedLine:
    """The stock a part is cut or machined from: as the manifest says, or from
    its mesh's bounding box (a sheet as thick as its thinnest extent, or a block)."""
    if stock is None and line.size is not None:
        extents = sorted(line.size)
        if line.process in SHEET_PROCESSES:
            stock = f"sheet {extents[0]:.1f} mm"
        else:
            stock = "block " + " × ".join(f"{e:.1f}" for e in line.size) + " mm"
    return replace(line, stock=stock)


def _materials(printed: tuple[FabricatedLine, ...]) -> tuple[MaterialUse, ...]:
    """The plastic the required parts take, by material (optional parts left out)."""
    uses: dict[str, list[FabricatedLine]] = {}
    for line in (p for p in printed if not p.optional):
        uses.setdefault(line.material or "unspecified", []).append(line)
    found = []
    for material, lines in sorted(uses.items()):
        known = all(line.mass is not None for line in lines)
        found.append(
            MaterialUse(
                material,
                sum(line.quantity for line in lines),
                sum(line.mass or 0.0 for line in lines) if known else None,
                sum(line.filament_length or 0.0 for line in lines) if known else None,
            )
        )
    return tuple(found)


def _stock(cut: tuple[FabricatedLine, ...]) -> tuple[StockUse, ...]:
    groups: dict[tuple[str | None, str | None, str], list[FabricatedLine]] = {}
    for line in cut:
        groups.setdefault((line.material, line.stock, line.process or ""), []).append(line)
    return tuple(
        StockUse(
            material, stock, process, tuple(p.id for p in lines), sum(p.quantity for p in lines)
        )
        for (material, stock, process), lines in sorted(groups.items(), key=lambda g: str(g[0]))
    )


def design_bom(
    tree: DesignTree,
    units: int,
    default_infill: float = SOLID,
    cache_directory: Path | None = None,
    *,
    chosen: Mapping[str, str] | None = None,
) -> RolledUpBom:
    """The rolled-up BOM of the design in ``tree``, for ``units`` units, with
    the options ``chosen`` (by choice group; the defaults elsewhere)."""
    design = read_valid_design(tree)
    assert design.manifest is not None
    data = design.manifest.data
    selection = select_parts(data, chosen or {})
    measures = measure_parts(tree, selection.parts, cache_directory)
    return roll_up(data, design.bom_items(), measures, units, default_infill, selection=selection)


def choices_json(bom: RolledUpBom) -> list[dict[str, Any]]:
    """The choices a BOM or kit was made with, as bom-output and kit.json give them."""
    return [
        {
            "group": choice.group,
            "title": choice.title,
            "option": choice.option,
            "default": choice.default,
            "options": list(choice.options),
        }
        for choice in bom.choices
    ]
