"""`ohw mesh` and `ohw mesh repair` as a user runs them, the result cache, and
mesh findings in `ohw check`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import numpy as np
import pytest
import trimesh
from support import EXAMPLES, cube_stl, git, run_ohw

from ohw.cli.main import main
from ohw.design.schemas import load_schema
from ohw.mesh.topology import ANALYSER_VERSION

BROKEN = EXAMPLES / "broken"


def mesh_json(capsys, *args, env_cache: Path | None = None, monkeypatch=None) -> tuple[int, dict]:
    if env_cache is not None:
        monkeypatch.setenv("OHW_CACHE_DIR", str(env_cache))
    code = main(["mesh", "--json", *map(str, args)])
    output = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(load_schema("mesh-report")).validate(output)
    return code, output


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("OHW_CACHE_DIR", str(folder))
    return folder


def test_printable_parts_exit_0_with_a_table(cache):
    parts = sorted((EXAMPLES / "desk-lamp" / "parts").glob("*.stl"))
    done = run_ohw("mesh", *parts)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("✔ printable: 1 closed body") == len(parts)
    assert "facets" in done.stdout
    assert "volume (mm³)" in done.stdout


def test_the_table_is_plain_aligned_text_in_a_pipe(tmp_path, cache):
    part = tmp_path / "cube.stl"
    part.write_bytes(cube_stl(10))
    done = run_ohw("mesh", part)
    assert done.returncode == 0, done.stderr
    assert "\x1b[" not in done.stdout
    lines = done.stdout.splitlines()
    assert lines[0] == f"{part}  ✔ printable: 1 closed body, 1.00 cm³, 10 x 10 x 10 mm"
    assert lines[1:3] == [
        "  format                binary STL    size (mm)            10.00 x 10.00 x 10.00",
        "  facets                        12    volume (mm³)                      1,000.00",
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
def test_each_defect_is_reported_with_its_id_and_place(cache, capsys, design, rule, printable):
    code, output = mesh_json(capsys, BROKEN / design / "parts" / "knob.stl")
    [entry] = output["files"]
    assert code == (0 if printable else 1)
    assert entry["verdict"]["printable"] is printable
    assert [p["id"] for p in entry["verdict"]["problems"]] == [rule]
    problem = entry["verdict"]["problems"][0]
    assert problem["hint"]
    if rule != "OHW308":
        assert problem["near"], "a defect is located by coordinates"


def test_an_unreadable_file_is_reported_and_exits_1(cache, capsys):
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


def test_results_come_from_the_cache_until_the_content_changes(tmp_path, cache, capsys):
    part = tmp_path / "part.stl"
    part.write_bytes(cube_stl(10))
    assert mesh_json(capsys, part)[1]["files"][0]["cached"] is False
    assert mesh_json(capsys, part)[1]["files"][0]["cached"] is True
    assert (cache / "mesh").is_dir()
    part.write_bytes(cube_stl(12))
    fresh = mesh_json(capsys, part)[1]["files"][0]
    assert fresh["cached"] is False
    assert fresh["report"]["volume"] == pytest.approx(12**3)
    assert mesh_json(capsys, "--no-cache", part)[1]["files"][0]["cached"] is False


def test_a_copy_of_the_same_content_is_known_by_its_content(tmp_path, cache, capsys):
    first, second = tmp_path / "a.stl", tmp_path / "b.stl"
    first.write_bytes(cube_stl(10))
    mesh_json(capsys, first)
    shutil.copyfile(first, second)
    assert mesh_json(capsys, second)[1]["files"][0]["cached"] is True


def test_the_cache_lives_in_the_repository_when_there_is_one(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("OHW_CACHE_DIR", raising=False)
    git("init", "-q", cwd=tmp_path)
    part = tmp_path / "part.stl"
    part.write_bytes(cube_stl())
    mesh_json(capsys, part)
    assert list((tmp_path / ".git" / "ohw" / "cache" / "mesh").rglob("*.json"))


def test_a_corrupt_cache_entry_is_computed_again(tmp_path, cache, capsys):
    part = tmp_path / "part.stl"
    part.write_bytes(cube_stl())
    mesh_json(capsys, part)
    for entry in (cache / "mesh").rglob("*.json"):
        entry.write_text("{not json")
    again = mesh_json(capsys, part)[1]["files"][0]
    assert again["cached"] is False
    assert again["verdict"]["printable"] is True


def test_many_files_in_parallel_give_what_one_by_one_gives(tmp_path, capsys, monkeypatch):
    # Enough work for a pool of processes: four meshes of about 2 MB.
    files = []
    for number in range(4):
        sphere = trimesh.creation.icosphere(subdivisions=5, radius=10 + number)
        path = tmp_path / f"sphere{number}.stl"
        sphere.export(path)
        files.append(path)
    _, together = mesh_json(capsys, "--no-cache", *files)
    alone = [mesh_json(capsys, "--no-cache", f)[1]["files"][0] for f in files]
    assert together["files"] == alone
    assert [f["report"]["facets"] for f in alone] == [20480] * 4


def test_repair_writes_a_printable_mesh_and_says_what_changed(tmp_path):
    source = BROKEN / "mesh-inside-out" / "parts" / "knob.stl"
    before = source.read_bytes()
    out = tmp_path / "fixed.stl"
    done = run_ohw("mesh", "repair", source, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "turned 1 inside-out bodies the right way out" in done.stdout
    assert "after:  printable" in done.stdout
    assert source.read_bytes() == before
    check = run_ohw("mesh", "--no-cache", out)
    assert check.returncode == 0
    assert "printable: 1 closed body, 8.00 cm³" in check.stdout


def test_repair_keeps_the_input_unless_told(tmp_path):
    part = tmp_path / "part.stl"
    shutil.copyfile(BROKEN / "mesh-misoriented" / "parts" / "knob.stl", part)
    before = part.read_bytes()
    for args, message in [
        ([], "say where to write"),
        (["--out", part], "is the file being repaired"),
    ]:
        done = run_ohw("mesh", "repair", part, *args)
        assert done.returncode == 2
        assert message in done.stderr
        assert part.read_bytes() == before
    other = tmp_path / "other.stl"
    other.write_bytes(b"keep me")
    done = run_ohw("mesh", "repair", part, "--out", other)
    assert (done.returncode, other.read_bytes()) == (2, b"keep me")
    assert run_ohw("mesh", "repair", part, "--out", other, "--force").returncode == 0
    assert run_ohw("mesh", "repair", part, "--in-place").returncode == 0
    assert part.read_bytes() != before
    assert run_ohw("mesh", "--no-cache", part).returncode == 0


def test_repair_leaves_holes_to_the_designer(tmp_path):
    out = tmp_path / "out.stl"
    done = run_ohw("mesh", "repair", BROKEN / "mesh-hole" / "parts" / "knob.stl", "-o", out)
    assert done.returncode == 1
    assert "nothing could be fixed safely" in done.stdout
    assert "1 hole (3 open edges)" in done.stdout


def test_repair_keeps_a_needle_that_closes_a_split_edge(tmp_path):
    out = tmp_path / "out.stl"
    done = run_ohw("mesh", "repair", BROKEN / "mesh-degenerate" / "parts" / "knob.stl", "-o", out)
    assert done.returncode == 0
    assert "removing them would open the mesh" in done.stdout
    assert "after:  printable" in done.stdout


def test_repair_of_an_unreadable_file_writes_nothing(tmp_path):
    out = tmp_path / "out.stl"
    done = run_ohw("mesh", "repair", BROKEN / "mesh-unreadable" / "parts" / "knob.stl", "-o", out)
    assert done.returncode == 2
    assert "nothing was written" in done.stderr
    assert not out.exists()


def write_design(folder: Path, meshes: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True)
    parts = "".join(
        f"  - id: p{number}\n    export: {name}\n" for number, name in enumerate(meshes)
    )
    (folder / "ohw.yaml").write_text(
        f"ohw: 1\nname: d\ntitle: D\nlicense:\n  hardware: CERN-OHL-S-2.0\nparts:\n{parts}"
    )
    for name, data in meshes.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def check_findings(capsys, *args) -> tuple[int, list[tuple[str, str]]]:
    code = main(["check", "--json", *map(str, args)])
    output = json.loads(capsys.readouterr().out)
    return code, [(f["id"], f["file"]) for f in output["designs"][0]["findings"]]


def test_check_reports_mesh_defects_by_file(tmp_path, cache, capsys):
    inverted = np.frombuffer(cube_stl(), dtype=np.uint8).copy()
    design = write_design(
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


def test_check_at_a_commit_reads_meshes_from_history_and_caches_them(tmp_path, cache, capsys):
    design = write_design(tmp_path / "d", {"parts/part.stl": cube_stl()})
    git("init", "-q", cwd=design)
    git("add", "-A", cwd=design)
    git("commit", "-qm", "good part", cwd=design)
    (design / "parts" / "part.stl").write_bytes(
        (BROKEN / "mesh-hole" / "parts" / "knob.stl").read_bytes()
    )
    git("commit", "-qam", "broken part", cwd=design)
    assert check_findings(capsys, "--rev", "HEAD~1", design) == (0, [])
    assert check_findings(capsys, "--rev", "HEAD", design) == (1, [("OHW302", "parts/part.stl")])
    blob = git("rev-parse", "HEAD:parts/part.stl", cwd=design).strip()
    assert (cache / "mesh" / f"v{ANALYSER_VERSION}" / blob[:2] / f"{blob[2:]}.json").is_file()
