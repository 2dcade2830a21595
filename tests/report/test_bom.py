"""`ohw bom` as a table for people: it fits the terminal, and never cuts an id."""

from __future__ import annotations

import pytest
from support.designs import init_and_commit, write_design
from support.meshes import binary_stl, box_facets
from support.run import run_ohw

MANIFEST = """\
ohw: 1
name: printer-frame
title: Printer frame
license: {hardware: CERN-OHL-S-2.0}
parts:
  - {id: front-bed-rail-left-bracket, export: parts/a.stl, material: PETG, process: 3d-printing}
  - {id: z, export: parts/a.stl, material: PLA, process: 3d-printing, quantity: 2}
bom:
  - id: front-bed-m5x30-button-head-screw
    name: M5x30 button head screw, stainless steel A2, ISO 7380, for the front bed rail
    quantity: 12
    suppliers:
      - {name: A supplier with a long name of several words, unit-price: 0.12, currency: EUR}
  - id: x
    name: Washer
    quantity: 1
"""


@pytest.mark.parametrize("columns", [80, 100])
def test_the_table_fits_the_terminal_and_keeps_every_id_whole(tmp_path, columns):
    design = write_design(
        tmp_path / "frame", MANIFEST, {"parts/a.stl": binary_stl(box_facets(high=(120, 8, 4)))}
    )
    init_and_commit(design, "Frame")
    done = run_ohw("bom", "--units", "5", cwd=design, env={"COLUMNS": str(columns)})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns
    for whole in ("front-bed-m5x30-button-head-screw", "front-bed-rail-left-bracket"):
        assert any(whole in line for line in lines), whole
    assert "…" not in done.stdout
    assert any("120 × 8 × 4 mm" in line for line in lines)
    one = run_ohw("bom", cwd=design, env={"COLUMNS": str(columns)}).stdout
    assert "PETG: 1 part," in one and "PLA: 2 parts," in one
