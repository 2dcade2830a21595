"""The one reader of a design (ohw.design.reader): a manifest or BOM past the
size ohw reads is refused at once, as a finding, never parsed."""

from __future__ import annotations

import pytest
from support.designs import write_design
from support.run import run_ohw

from ohw.design.reader import MAX_DESIGN_FILE_BYTES


@pytest.mark.parametrize("bom", ["bom.csv", "bom.yaml"])
def test_a_bom_past_the_limit_is_a_finding_not_a_parse(tmp_path, bom):
    row = "id,name,quantity\n" if bom.endswith(".csv") else "items:\n"
    item = (
        "screw-{n},Screw {n},2\n"
        if bom.endswith(".csv")
        else ("  - {{id: screw-{n}, name: Screw {n}, quantity: 2}}\n")
    )
    rows = MAX_DESIGN_FILE_BYTES // len(item.format(n=0)) + 1
    manifest = f"ohw: 1\nname: big\ntitle: Big\nlicense:\n  hardware: MIT\nbom: {bom}\n"
    design = write_design(
        tmp_path / "big", manifest, {bom: row + "".join(item.format(n=n) for n in range(rows))}
    )
    done = run_ohw("check", "--format", "json", design)
    assert done.returncode == 1, done.stderr
    assert "more than ohw reads as a BOM (16 MB)" in done.stdout
    refused = run_ohw("bom", cwd=design)
    assert refused.returncode == 2 and "more than ohw reads" in refused.stderr


def test_a_manifest_past_the_limit_is_a_finding_not_a_parse(tmp_path):
    manifest = "ohw: 1\nname: big\ntitle: Big\nlicense:\n  hardware: MIT\nkeywords:\n"
    manifest += "  - word\n" * (MAX_DESIGN_FILE_BYTES // 9 + 1)
    design = write_design(tmp_path / "big", manifest, {})
    done = run_ohw("check", design)
    assert done.returncode == 1
    assert "more than ohw reads as a manifest" in done.stdout
