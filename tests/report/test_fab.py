"""`ohw fab` as text for people: every line fits the terminal, sizes are never
broken across lines, and counts take their nouns."""

from __future__ import annotations

import pytest
from support.designs import init_and_commit, write_design
from support.meshes import binary_stl, box_facets
from support.run import run_ohw

MANIFEST = """\
ohw: 1
name: bed-frame
title: A bed frame with long part names
license: {hardware: CERN-OHL-W-2.0}
parts:
  - id: front-bed-rail-left-bracket-for-the-long-frame
    export: parts/a.stl
    material: PETG
    process: 3d-printing
  - {id: z, export: parts/b.stl, material: PLA, process: 3d-printing, quantity: 2}
"""


@pytest.mark.parametrize("columns", [60, 80, 100])
def test_the_kit_summary_fits_the_terminal_and_keeps_sizes_whole(tmp_path, columns):
    design = write_design(
        tmp_path / "frame",
        MANIFEST,
        {
            "parts/a.stl": binary_stl(box_facets(high=(130, 8, 4))),
            "parts/b.stl": binary_stl(box_facets(high=(30, 8, 4))),
        },
    )
    init_and_commit(design, "Frame")
    done = run_ohw(
        "fab", "--out", tmp_path / "kit", "--printer", "voron-0.2", cwd=design,
        env={"COLUMNS": str(columns)},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # a part too big for the printer
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns
    text = " ".join(line.strip() for line in lines)
    assert "front-bed-rail-left-bracket-for-the-long-frame" in text
    assert "TOO BIG for the Voron 0.2 (120 × 120 × 120 mm); it fits: prusa-mk4," in text
    assert any("130 × 8 × 4 mm" in line for line in lines)
    assert "1 unit" in text and "1 part too big for the Voron 0.2" in text
    assert "1 units" not in text and "1 parts" not in text
