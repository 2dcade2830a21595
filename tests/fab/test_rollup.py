"""`ohw bom`: the rolled-up bill of materials, its totals recomputed here from
the design's files, by other means than ohw's."""

from __future__ import annotations

import csv
import io
import math
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import trimesh
import yaml
from support import EXAMPLES
from support.designs import choosy_design, init_and_commit, write_design
from support.meshes import binary_stl, box_facets
from support.run import ohw_json, run_ohw


def bom_json(folder: Path, *options: str) -> dict:
    return ohw_json("bom-output", "bom", "--json", *options, cwd=folder)


def expected_mass(stl: Path, density: float, infill: float, perimeters: int) -> tuple[float, float]:
    """Grams and metres of 1.75 mm filament by the README's model, from trimesh's
    measures of the mesh."""
    mesh = trimesh.load(stl, force="mesh")
    shell = min(mesh.volume, mesh.area * perimeters * 0.45)
    printed = shell + (mesh.volume - shell) * infill / 100
    return printed * density / 1000, printed / (math.pi * 0.875**2) / 1000


def test_desk_lamp_for_five_units_by_supplier_with_masses(tmp_path: Path):
    lamp = tmp_path / "lamp"
    shutil.copytree(EXAMPLES / "desk-lamp", lamp)
    output = bom_json(lamp, "--units", "5")
    items = yaml.safe_load((lamp / "bom.yaml").read_text())["items"]
    expected: dict[str, dict[str, Decimal]] = {}
    for item in items:
        if item.get("optional"):
            continue
        supplier = item["suppliers"][0]
        cost = Decimal(str(item["quantity"])) * 5 * Decimal(str(supplier["unit-price"]))
        expected.setdefault(supplier["name"], {}).setdefault(supplier["currency"], Decimal(0))
        expected[supplier["name"]][supplier["currency"]] += cost
    orders = {o["supplier"]: o for o in output["purchased"]["orders"]}
    assert set(orders) == set(expected)
    for name, totals in expected.items():
        assert orders[name]["totals"] == {c: float(v) for c, v in totals.items()}
    total = sum((v["EUR"] for v in expected.values()), Decimal(0))
    assert output["purchased"]["totals"] == {"EUR": float(total)}
    assert [i["id"] for o in output["optional"]["orders"] for i in o["items"]] == ["usb-switch"]
    assert output["optional"]["totals"] == {"EUR": float(Decimal("4.49") * 5)}

    densities = {"PLA": 1.24, "PETG": 1.27}
    manifest = yaml.safe_load((lamp / "ohw.yaml").read_text())
    printed = {p["id"]: p for p in output["printed"]["parts"]}
    for part in manifest["parts"]:
        settings = part.get("print", {})
        mass, length = expected_mass(
            lamp / part["export"],
            densities[part["material"]],
            settings.get("infill", 100),
            settings.get("perimeters", 2),
        )
        line = printed[part["id"]]
        assert line["quantity"] == part["quantity"] * 5
        assert line["mass"] == pytest.approx(mass * part["quantity"] * 5, abs=1e-3)
        assert line["filament_length"] == pytest.approx(length * part["quantity"] * 5, abs=1e-3)
    uses = {u["material"]: u for u in output["printed"]["materials"]}
    assert uses["PLA"]["parts"] == 20
    assert uses["PETG"]["mass"] == pytest.approx(
        printed["base"]["mass"] + printed["head"]["mass"], abs=1e-3
    )


def test_infill_option_applies_only_to_parts_without_their_own(tmp_path: Path):
    lamp = tmp_path / "lamp"
    shutil.copytree(EXAMPLES / "desk-lamp", lamp)
    solid = {p["id"]: p for p in bom_json(lamp)["printed"]["parts"]}
    light = {p["id"]: p for p in bom_json(lamp, "--infill", "15")["printed"]["parts"]}
    assert light["knob"]["infill"] == 15 and light["knob"]["mass"] < solid["knob"]["mass"]
    assert light["base"]["infill"] == 40 and light["base"]["mass"] == solid["base"]["mass"]


PANEL_MANIFEST = """\
ohw: 1
name: panel-box
title: Panel box
license: {hardware: CERN-OHL-P-2.0}
parts:
  - {id: side, export: parts/side.stl, material: plywood, process: laser-cutting, quantity: 2}
  - {id: lid, export: parts/lid.stl, material: plywood, process: laser-cutting}
  - {id: plate, export: parts/plate.stl, material: aluminium 6061, process: cnc-milling,
     stock: flat bar 40 x 10 mm}
  - {id: foot, export: parts/foot.stl, material: Unobtainium, process: 3d-printing}
  - {id: board, export: parts/board.gbr, process: pcb}
bom: bom.yaml
"""
TWO_CURRENCIES = """\
items:
  - id: hinge
    name: Brass hinge
    quantity: 2
    suppliers: [{name: Hinges Ltd, unit-price: 1.25, currency: GBP}]
  - id: screw
    name: Wood screw 3 x 12
    quantity: 8
    suppliers: [{name: Example Screws, unit-price: 0.05, currency: EUR, pack-size: 100}]
  - id: magnet
    name: Magnet 10 x 2 mm
    quantity: 2
    suppliers: [{name: Hinges Ltd, unit-price: 0.40, currency: USD}]
  - id: glue
    name: Wood glue
    quantity: 1
"""


def test_two_currencies_two_totals_and_cut_parts_by_stock(tmp_path: Path):
    meshes = {
        "parts/side.stl": binary_stl(box_facets((0, 0, 0), (200, 120, 4))),
        "parts/lid.stl": binary_stl(box_facets((0, 0, 0), (120, 4, 120))),
        "parts/plate.stl": binary_stl(box_facets((0, 0, 0), (40, 60, 10))),
        "parts/foot.stl": binary_stl(box_facets()),
        "parts/board.gbr": b"G04 a board*\n",
    }
    folder = write_design(tmp_path / "box", PANEL_MANIFEST, {"bom.yaml": TWO_CURRENCIES, **meshes})
    output = bom_json(folder, "--units", "3")
    assert output["purchased"]["totals"] == {"EUR": 1.2, "GBP": 7.5, "USD": 2.4}
    hinges = next(o for o in output["purchased"]["orders"] if o["supplier"] == "Hinges Ltd")
    assert hinges["totals"] == {"GBP": 7.5, "USD": 2.4}
    assert output["purchased"]["unpriced"] == ["glue"]
    assert output["purchased"]["orders"][-1]["supplier"] is None
    screw = next(i for o in output["purchased"]["orders"] for i in o["items"] if i["id"] == "screw")
    assert screw["quantity"] == 24 and screw["packs"] == 1
    assert output["cut"]["stock"] == [
        {"material": "aluminium 6061", "stock": "flat bar 40 x 10 mm", "process": "cnc-milling",
         "parts": ["plate"], "quantity": 3},
        {"material": "plywood", "stock": "sheet 4.0 mm", "process": "laser-cutting",
         "parts": ["side", "lid"], "quantity": 9},
    ]  # fmt: skip
    (foot,) = output["printed"]["parts"]
    assert foot["mass"] is None and "Unobtainium" in foot["note"]
    assert foot["volume"] == pytest.approx(1000)
    assert output["printed"]["materials"][0]["mass"] is None
    assert [p["id"] for p in output["other"]] == ["board"]

    table = run_ohw("bom", "--units", "3", cwd=folder)
    assert table.returncode == 0, table.stderr
    assert "EUR 1.20, GBP 7.50, USD 2.40" in table.stdout
    rows = list(csv.DictReader(io.StringIO(run_ohw("bom", "--format", "csv", cwd=folder).stdout)))
    totals = {r["currency"]: r["cost"] for r in rows if r["section"] == "total"}
    assert totals == {"EUR": "0.40", "GBP": "2.50", "USD": "0.80"}
    markdown = run_ohw("bom", "--format", "md", cwd=folder).stdout
    assert "| plywood | sheet 4.0 mm | laser-cutting | side, lid | 3 |" in markdown


def test_remixed_parts_roll_up_like_local_ones(tmp_path: Path):
    lamp = tmp_path / "spool-lamp"
    shutil.copytree(EXAMPLES / "spool-lamp", lamp)
    parts = {p["id"]: p for p in bom_json(lamp, "--units", "2")["printed"]["parts"]}
    assert parts["arm"]["from"] == "desk-lamp" and parts["arm"]["quantity"] == 4
    assert parts["arm"]["file"] == "parts/desk-lamp/arm.stl" and parts["arm"]["mass"] > 0
    assert parts["clamp"]["from"] is None


def test_at_a_revision_and_bad_input(tmp_path: Path):
    lamp = tmp_path / "lamp"
    shutil.copytree(EXAMPLES / "desk-lamp", lamp)
    init_and_commit(lamp, "lamp")
    before = bom_json(lamp)
    (lamp / "bom.yaml").write_text("items: [")
    broken = run_ohw("bom", cwd=lamp)
    assert broken.returncode == 2 and "BOM cannot be read" in broken.stderr
    assert bom_json(lamp, "--rev", "HEAD") == before
    assert run_ohw("bom", "--rev", "nope", cwd=lamp).returncode == 2
    assert run_ohw("bom", "--units", "0", cwd=lamp).returncode == 2


def test_only_the_chosen_option_is_built_and_optional_parts_count_apart(tmp_path: Path):
    design = choosy_design(tmp_path / "choosy")
    default = bom_json(design)
    parts = {p["id"]: p for p in default["printed"]["parts"]}
    assert list(parts) == ["base", "round", "trim", "jig"]
    assert parts["jig"]["optional"] and parts["jig"]["role"] == "tool"
    assert parts["trim"]["colour"] == "accent" and not parts["trim"]["optional"]
    assert parts["round"]["choice"] == "head" and parts["base"]["choice"] is None
    one_cube = parts["base"]["mass"]
    # The optional jig is not in the plastic to buy: base, round head, two trims.
    (pla,) = default["printed"]["materials"]
    assert pla["parts"] == 4 and pla["mass"] == pytest.approx(4 * one_cube, rel=1e-3)
    assert default["choices"] == [{"group": "head", "title": "Lamp head", "option": "round",
                                   "default": True, "options": ["round", "square"]}]  # fmt: skip
    assert default["left_out"] == ["square"]
    chosen = bom_json(design, "--choose", "head=square", "--units", "2")
    assert [p["id"] for p in chosen["printed"]["parts"]] == ["base", "square", "trim", "jig"]
    assert chosen["choices"][0]["option"] == "square" and not chosen["choices"][0]["default"]
    table = run_ohw("bom", "--choose", "head=square", cwd=design).stdout
    assert "choice head: square (also round)" in table
    markdown = run_ohw("bom", "--format", "md", cwd=design).stdout
    assert "Choices: head: round (default; also square)" in markdown
    assert "| jig (optional, tool) |" in markdown and "| PLA, accent |" in markdown
    rows = list(csv.reader(io.StringIO(run_ohw("bom", "--format", "csv", cwd=design).stdout)))
    assert [r[0] for r in rows if r[1] == "jig"] == ["optional printed"]


@pytest.mark.parametrize(
    ("choose", "says"),
    [
        ("lamp=square", "no choice group 'lamp'"),
        ("head=oval", "'oval' is not an option of head"),
        ("head", "is not GROUP=OPTION"),
    ],
)
def test_a_choice_the_design_lacks_is_a_usage_error(tmp_path: Path, choose: str, says: str):
    design = choosy_design(tmp_path / "choosy")
    done = run_ohw("bom", "--choose", choose, cwd=design)
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr


TABLE_BOM_MANIFEST = """\
    ohw: 1
    name: gantry
    title: Gantry
    license: {hardware: CERN-OHL-S-2.0}
    bom: BOM.md
    """
TABLE_BOM = """\
# Bill of Materials

## Hardware

| Item | Qty | Price (USD) | Link |
|---|---|---|---|
| M3x8 SHCS | 42 | $0.05 | [buy](https://www.amazon.com/dp/B000000001) |
| 2020 extrusion | Varies | | |
| MGN12 rail | 1 set | 25,00 € | |
| **Total** | | $27.10 | |
"""


def test_the_roll_up_of_a_markdown_bom_read_in_place_names_the_rows_left_out(tmp_path):
    design = write_design(tmp_path / "gantry", TABLE_BOM_MANIFEST, {"BOM.md": TABLE_BOM})
    done = run_ohw("bom", "--units", "2", "--json", cwd=design)
    assert done.returncode == 0, done.stderr
    import json

    output = json.loads(done.stdout)
    lines = {i["id"]: i for o in output["purchased"]["orders"] for i in o["items"]}
    assert {k: (v["quantity"], v["unit"], v["cost"]) for k, v in lines.items()} == {
        "m3x8-shcs": (84, None, 4.2),
        "mgn12-rail": (2, "set", 50),
    }
    assert output["purchased"]["totals"] == {"EUR": 50, "USD": 4.2}
    assert [o["supplier"] for o in output["purchased"]["orders"]] == ["Amazon", None]
    assert "BOM.md:8: the quantity of '2020 extrusion'" in done.stderr
    assert "not in the bill of materials" in done.stderr


def test_a_kit_is_made_from_a_table_bom(tmp_path):
    design = write_design(tmp_path / "gantry", TABLE_BOM_MANIFEST, {"BOM.md": TABLE_BOM})
    init_and_commit(design, "a design with a Markdown BOM")
    done = run_ohw("fab", "-o", tmp_path / "kit", cwd=design)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "kit" / "bom.csv").read_text())))
    assert [(r["id"], r["quantity"]) for r in rows if r["section"] == "purchased"] == [
        ("m3x8-shcs", "42"),
        ("mgn12-rail", "1"),
    ]
    assert "2020 extrusion" in done.stderr
