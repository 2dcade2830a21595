"""The mesh findings of `ohw check` (ohw.checks.meshes): each mesh a part names
analysed, on disk and at a commit, and an ASCII STL told what binary would save."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import trimesh
from support import EXAMPLES
from support.designs import init_and_commit, write_design
from support.meshes import cube_stl
from support.run import git, run_check

from ohw.mesh.topology import ANALYSER_VERSION

BROKEN = EXAMPLES / "broken"


def design_of_meshes(folder: Path, meshes: dict[str, bytes]) -> Path:
    """A design whose parts (p0, p1, ...) are ``meshes`` (path: content), one each."""
    parts = "".join(
        f"  - id: p{number}\n    export: {name}\n" for number, name in enumerate(meshes)
    )
    manifest = f"ohw: 1\nname: d\ntitle: D\nlicense:\n  hardware: CERN-OHL-S-2.0\nparts:\n{parts}"
    return write_design(folder, manifest, dict(meshes))


def check_findings(capsys, *args) -> tuple[int, list[tuple[str, str]]]:
    code, out = run_check(capsys, "--json", *args)
    return code, [(f["id"], f["file"]) for f in json.loads(out)["designs"][0]["findings"]]


def test_check_reports_mesh_defects_by_file(tmp_path, ohw_cache, capsys):
    inverted = np.frombuffer(cube_stl(), dtype=np.uint8).copy()
    design = design_of_meshes(
        tmp_path / "d",
        {
            "parts/good.stl": cube_stl(),
            "parts/open.stl": (BROKEN / "mesh-hole" / "parts" / "knob.stl").read_bytes(),
            "parts/broken.stl": cube_stl()[:-7],
            "parts/shape.obj": trimesh.creation.box(extents=(5, 5, 5))
            .export(file_type="obj")
            .encode(),
        },
    )
    code, found = check_findings(capsys, design)
    assert code == 1
    assert sorted(found) == [("OHW301", "parts/broken.stl"), ("OHW302", "parts/open.stl")]
    assert inverted.size  # the bytes above were a real cube


def test_check_at_a_commit_reads_meshes_from_history_and_caches_them(tmp_path, ohw_cache, capsys):
    design = design_of_meshes(tmp_path / "d", {"parts/part.stl": cube_stl()})
    init_and_commit(design, "good part")
    (design / "parts" / "part.stl").write_bytes(
        (BROKEN / "mesh-hole" / "parts" / "knob.stl").read_bytes()
    )
    git("commit", "-qam", "broken part", cwd=design)
    assert check_findings(capsys, "--rev", "HEAD~1", design) == (0, [])
    assert check_findings(capsys, "--rev", "HEAD", design) == (1, [("OHW302", "parts/part.stl")])
    blob = git("rev-parse", "HEAD:parts/part.stl", cwd=design).strip()
    assert (ohw_cache / "mesh" / f"v{ANALYSER_VERSION}" / blob[:2] / f"{blob[2:]}.json").is_file()


def test_ascii_stl_states_the_bytes_binary_would_save(defective, capsys):
    code, out = run_check(capsys, "--format", "json", defective)
    assert code == 1
    [found] = [f for f in json.loads(out)["designs"][0]["findings"] if f["id"] == "OHW309"]
    size = (defective / "parts" / "clip.stl").stat().st_size
    binary = 84 + 50 * 12
    assert found["message"] == (
        f"ASCII STL of {size:,} bytes; as binary STL its 12 facets take 84 + 50 × 12 = "
        f"{binary:,} bytes, {size - binary:,} bytes ({(size - binary) / size:.0%}) less"
    )
