"""The manifest and BOM checks (ohw.checks.run.check_design) and every format
of their report, on hostile designs: a manifest and a BOM (bom.yaml, bom.csv or
BOM.md) edited in every way, values of every type, paths outside the design,
meshes that are whole, broken or garbage, instructions citing what is not
there. The checks end in findings that ohw documents, never an exception;
every report format writes them (JSON that reads, with its format_version); no
file changes; and `ohw check` and `ohw bom` run as a user runs them end with a
documented exit code, no traceback, within the memory limit."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from support.designs import write_files
from support.fuzz import assert_no_bug, fingerprint, fuzzing, run_limited
from support.hostile import TEXT, as_csv, as_yaml, bom, edited, manifest
from support.meshes import binary_stl, box_facets

from ohw.checks.context import CheckOptions
from ohw.checks.run import check_design
from ohw.design.findings import RULES
from ohw.design.reader import open_design
from ohw.report.reporters import formats, write_report

CUBE = binary_stl(box_facets())
MESHES = [CUBE, CUBE[:100], b"solid x\nfacet normal 0 0 0\nendsolid x\n", b"", b"PK\x03\x04x"]
INSTRUCTIONS = [
    "# Build\n\nFit [the screws](bom:i0) to ![base](../parts/p0.stl).\n",
    "[gone](bom:nothing) [out](../../etc/passwd) ![x](/abs.png) [p](part:p9)\n",
    "\x1b[2J\u202e\x00\r\n",
]


@st.composite
def designs(draw: st.DrawFn) -> dict[str, bytes]:
    """A design's files: ohw.yaml, a BOM, meshes and instructions, each made
    hostile in its own way."""
    data = draw(edited(manifest(draw(st.integers(0, 3)))))
    files: dict[str, bytes] = {}
    for i in range(4):
        if draw(st.booleans()):
            files[f"parts/p{i}.stl"] = draw(st.sampled_from(MESHES))
    items = draw(edited(bom(draw(st.integers(0, 3)))))
    kind = draw(st.sampled_from(["bom.yaml", "bom.csv", "BOM.md", None]))
    if kind is not None:
        data["bom"] = kind
        if kind == "bom.yaml":
            files[kind] = as_yaml(items, draw(st.sampled_from(["block", "flow"])))
        elif kind == "bom.csv":
            files[kind] = as_csv(items)
        else:
            files[kind] = (
                b"| Part | Qty |\n|---|---|\n| M3 nut | 4 |\n| "
                + draw(TEXT).encode()
                + b" | many |\n"
            )
    if draw(st.booleans()):
        data["instructions"] = "docs"
        files["docs/build.md"] = draw(st.sampled_from(INSTRUCTIONS)).encode()
    files["ohw.yaml"] = as_yaml(data, draw(st.sampled_from(["block", "flow", "comments"])))
    return files


def in_folder(files: dict[str, bytes]) -> tempfile.TemporaryDirectory[str]:
    temporary = tempfile.TemporaryDirectory()
    write_files(Path(temporary.name) / "design", files)
    return temporary


@fuzzing(100)
@given(designs())
def test_the_checks_end_in_documented_findings_in_every_format(files):
    with in_folder(files) as temporary:
        folder = Path(temporary) / "design"
        before = fingerprint(folder)
        report = check_design(open_design(folder), "design", CheckOptions(use_cache=False))
        for found in report.findings:
            assert found.rule in RULES, found
            assert found.message.strip(), found
        for output_format in formats("check"):
            written = io.StringIO()
            write_report("check", output_format, [report], written)
            if output_format in ("json", "sarif"):
                document = json.loads(written.getvalue())
                assert "format_version" in document or "version" in document
        assert fingerprint(folder) == before


@fuzzing(3)
@given(designs())
def test_ohw_check_and_bom_end_with_a_documented_code(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("check") / "design"
    write_files(folder, files)
    before = fingerprint(folder)
    for command in (["check"], ["check", "--format", "sarif"], ["bom", "--format", "csv"]):
        assert_no_bug(run_limited(*command, cwd=folder))
    assert fingerprint(folder) == before
