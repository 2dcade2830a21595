"""`ohw mesh` as a user runs it: a table for people, a JSON report for programs
(ohw.report.mesh), each defect with its id and place, and exit codes."""

from __future__ import annotations

import pytest
from support import EXAMPLES
from support.meshes import cube_stl
from support.run import mesh_json, run_ohw

BROKEN = EXAMPLES / "broken"


def test_printable_parts_exit_0_with_a_table(ohw_cache):
    parts = sorted((EXAMPLES / "desk-lamp" / "parts").glob("*.stl"))
    done = run_ohw("mesh", *parts)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("✔ printable: 1 closed body") == len(parts)
    assert "facets" in done.stdout
    assert "volume (mm³)" in done.stdout


def test_the_table_is_plain_aligned_text_in_a_pipe(tmp_path, ohw_cache):
    part = tmp_path / "cube.stl"
    part.write_bytes(cube_stl(10))
    done = run_ohw("mesh", part)
    assert done.returncode == 0, done.stderr
    assert "\x1b[" not in done.stdout
    lines = done.stdout.splitlines()
    assert lines[0] == f"{part}  ✔ printable: 1 closed body, 1.00 cm³, 10 × 10 × 10 mm"
    assert lines[1:3] == [
        "  format                binary STL    size (mm)            10 × 10 × 10",
        "  facets                        12    volume (mm³)             1,000.00",
    ]
    # Both pairs of columns line up, names to the left and figures to the right.
    assert len({len(line) for line in lines[1:8]}) == 1


@pytest.mark.parametrize(
    ("design", "rule", "printable"),
    [
        ("mesh-hole", "OHW302", False),
        ("mesh-nonmanifold", "OHW303", False),
        ("mesh-misoriented", "OHW304", False),
        ("mesh-inside-out", "OHW305", False),
        ("mesh-degenerate", "OHW306", True),
        ("mesh-flipped-normals", "OHW307", True),
        ("mesh-in-metres", "OHW308", True),
    ],
)
def test_each_defect_is_reported_with_its_id_and_place(ohw_cache, capsys, design, rule, printable):
    code, output = mesh_json(capsys, BROKEN / design / "parts" / "knob.stl")
    [entry] = output["files"]
    assert code == (0 if printable else 1)
    assert entry["verdict"]["printable"] is printable
    assert [p["id"] for p in entry["verdict"]["problems"]] == [rule]
    problem = entry["verdict"]["problems"][0]
    assert problem["hint"]
    if rule != "OHW308":
        assert problem["near"], "a defect is located by coordinates"


def test_an_unreadable_file_is_reported_and_exits_1(ohw_cache, capsys):
    code, output = mesh_json(capsys, BROKEN / "mesh-unreadable" / "parts" / "knob.stl")
    [entry] = output["files"]
    assert code == 1
    assert entry["report"] is None
    assert "truncated" in entry["error"]
    text = run_ohw("mesh", BROKEN / "mesh-unreadable" / "parts" / "knob.stl")
    assert "✘ cannot read" in text.stdout
    assert "Traceback" not in text.stdout + text.stderr


def test_usage_errors_exit_2(tmp_path):
    assert run_ohw("mesh").returncode == 2
    done = run_ohw("mesh", tmp_path / "missing.stl")
    assert done.returncode == 2
    assert "no such file" in done.stderr
