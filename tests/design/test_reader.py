"""The one reader of a design (ohw.design.reader): a manifest or BOM past the
size ohw reads is refused at once, as a finding, never parsed; and every
command finds the design above the folder it runs in."""

from __future__ import annotations

import json
import os

import pytest
from support.designs import edit, write_design
from support.run import run_ohw

from ohw.design.reader import MAX_BOM_TABLE_BYTES, MAX_DESIGN_FILE_BYTES


@pytest.mark.parametrize(
    ("bom", "limit", "rule"),
    [("bom.csv", MAX_BOM_TABLE_BYTES, "OHW413"), ("bom.yaml", MAX_DESIGN_FILE_BYTES, "OHW101")],
)
def test_a_bom_past_the_limit_is_a_finding_not_a_parse(tmp_path, bom, limit, rule):
    row = "id,name,quantity\n" if bom.endswith(".csv") else "items:\n"
    item = (
        "screw-{n},Screw {n},2\n"
        if bom.endswith(".csv")
        else ("  - {{id: screw-{n}, name: Screw {n}, quantity: 2}}\n")
    )
    rows = limit // len(item.format(n=0)) + 1
    manifest = f"ohw: 1\nname: big\ntitle: Big\nlicense:\n  hardware: MIT\nbom: {bom}\n"
    design = write_design(
        tmp_path / "big", manifest, {bom: row + "".join(item.format(n=n) for n in range(rows))}
    )
    done = run_ohw("check", "--format", "json", design)
    assert done.returncode == 1, done.stderr
    (found,) = json.loads(done.stdout)["designs"][0]["findings"]
    assert found["id"] == rule
    assert f"more than ohw reads as a BOM ({limit >> 20} MB)" in found["message"]
    refused = run_ohw("bom", cwd=design)
    assert refused.returncode == 2 and "more than ohw reads" in refused.stderr


def test_a_manifest_past_the_limit_is_a_finding_not_a_parse(tmp_path):
    manifest = "ohw: 1\nname: big\ntitle: Big\nlicense:\n  hardware: MIT\nkeywords:\n"
    manifest += "  - word\n" * (MAX_DESIGN_FILE_BYTES // 9 + 1)
    design = write_design(tmp_path / "big", manifest, {})
    done = run_ohw("check", design)
    assert done.returncode == 1
    assert "more than ohw reads as a manifest" in done.stdout


def test_every_command_finds_the_design_above_the_current_folder(lamp, tmp_path):
    parts = lamp / "parts"
    checked = run_ohw("check", cwd=parts)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "desk-lamp: no problems" in checked.stdout
    for command in (["bom", "--json"], ["log", "-n", "1"], ["diff"], ["lineage"], ["credits"]):
        done = run_ohw(*command, cwd=parts)
        assert done.returncode == 0, (command, done.stderr)
        assert done.stdout == run_ohw(*command, cwd=lamp).stdout, command
    made = run_ohw("fab", "--out", tmp_path / "kit", cwd=parts / ".")
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "kit" / "kit.json").is_file()
    drawn = run_ohw("render", "base", "--out", tmp_path / "base.png", cwd=parts)
    assert drawn.returncode == 0, drawn.stderr


def test_a_recorded_check_from_a_subfolder_sees_a_change_to_the_manifest(lamp):
    parts = lamp / "parts"
    os.utime(lamp / "ohw.yaml", (1_600_000_000, 1_600_000_000))
    first = run_ohw("check", cwd=parts)
    assert first.returncode == 0
    edit(lamp, "ohw.yaml", "id: base", "id: base\n    quantity: -1")
    again = run_ohw("check", cwd=parts)
    assert again.returncode == 1, again.stdout
    assert "OHW102" in again.stdout
    assert "✘ ..:" in again.stdout  # the design, named by its folder from here


def test_outside_any_design_the_error_names_the_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    done = run_ohw("check", cwd=tmp_path / "empty")
    assert done.returncode == 2
    assert "is not a design" in done.stderr
