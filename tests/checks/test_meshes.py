"""The mesh findings of `ohw check` (ohw.checks.meshes): each mesh a part names
analysed, on disk and at a commit, and an ASCII STL told what binary would save."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import trimesh
from support import EXAMPLES
from support.designs import DEFECTS, defective_design, init_and_commit, write_design
from support.lfs import checkout_pointers, lfs_files, move_into_lfs, remove_objects
from support.meshes import cube_stl
from support.run import git, json_findings, run_check

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


def _findings(capsys, *args) -> tuple[int, list]:
    code, found = json_findings(capsys, *args)
    return code, sorted((rule, file, line) for rule, file, line, _ in found)


def test_a_design_in_lfs_has_the_findings_it_has_without(tmp_path, ohw_cache, capsys):
    design = defective_design(tmp_path / "d")
    code, before = _findings(capsys, design)
    assert code == 1 and before == sorted(DEFECTS)
    move_into_lfs(design)
    assert "parts/open lid.stl" in lfs_files(design)
    assert _findings(capsys, design) == (1, before)  # the files checked out
    assert _findings(capsys, "--rev", "HEAD", design) == (1, before)
    checkout_pointers(design)  # as a clone without the git-lfs client holds them
    assert _findings(capsys, design) == (1, before)
    assert _findings(capsys, "--no-cache", design) == (1, before)


def test_meshes_in_lfs_are_cached_by_their_oid(tmp_path, ohw_cache, capsys):
    design = move_into_lfs(defective_design(tmp_path / "d"))
    checkout_pointers(design)
    run_check(capsys, design)
    kept = {p.name for p in (ohw_cache / "mesh" / f"v{ANALYSER_VERSION}").rglob("*.json")}
    stored = {p.name for p in (design / ".git/lfs/objects").rglob("*") if p.is_file()}
    assert kept == {f"{name[2:]}.json" for name in stored}
    for name in stored:  # named by the SHA-256 of what was analysed
        found = next((design / ".git/lfs/objects").rglob(name))
        assert hashlib.sha256(found.read_bytes()).hexdigest() == name


def test_a_missing_lfs_object_is_a_finding_of_its_own(tmp_path, ohw_cache, capsys):
    design = move_into_lfs(defective_design(tmp_path / "d"))
    run_check(capsys, design)  # analysed and cached while the objects were there
    checkout_pointers(design)
    remove_objects(design)
    code, found = _findings(capsys, design)
    meshes = ["parts/base.stl", "parts/clip.stl", "parts/open lid.stl"]
    assert code == 1
    assert [(r, f) for r, f, _ in found if f in meshes] == [
        ("OHW208", "parts/open lid.stl"),
        *[("OHW212", mesh) for mesh in meshes],
    ]
    code, out = run_check(capsys, design)
    assert "parts/base.stl OHW212 error: kept in Git LFS, and its object" in out
    assert "is not here" in out and "git lfs pull" in out
    assert _findings(capsys, "--rev", "HEAD", design)[1] == found


def test_a_damaged_lfs_object_is_the_same_finding(tmp_path, ohw_cache, capsys):
    design = design_of_meshes(tmp_path / "d", {"parts/cube.stl": cube_stl()})
    git("init", "-q", "-b", "main", cwd=design)
    move_into_lfs(design)
    (stored,) = [p for p in (design / ".git/lfs/objects").rglob("*") if p.is_file()]
    stored.chmod(0o644)
    stored.write_bytes(bytes(len(stored.read_bytes())))  # its size, not its content
    checkout_pointers(design)
    code, out = run_check(capsys, design)
    assert code == 1
    assert "parts/cube.stl OHW212 error: kept in Git LFS" in out and "damaged" in out


def test_an_older_commit_is_checked_with_its_own_lfs_objects(tmp_path, ohw_cache, capsys):
    design = design_of_meshes(tmp_path / "d", {"parts/part.stl": cube_stl()})
    git("init", "-q", "-b", "main", cwd=design)
    move_into_lfs(design)
    (design / "parts/part.stl").write_bytes((BROKEN / "mesh-hole/parts/knob.stl").read_bytes())
    git("commit", "-qam", "a part with a hole", cwd=design)
    assert check_findings(capsys, design) == (1, [("OHW302", "parts/part.stl")])
    assert check_findings(capsys, "--rev", "HEAD~1", design) == (0, [])
    assert check_findings(capsys, "--rev", "HEAD", design) == (1, [("OHW302", "parts/part.stl")])
