"""`ohw mesh repair` (ohw.mesh.repair): what is safe to fix is fixed and said,
the rest left to the designer, and nothing written over unless told."""

from __future__ import annotations

import shutil

import pytest
from support import EXAMPLES
from support.run import run_ohw

BROKEN = EXAMPLES / "broken"


def test_repair_writes_a_printable_mesh_and_says_what_changed(tmp_path):
    source = BROKEN / "mesh-inside-out" / "parts" / "knob.stl"
    before = source.read_bytes()
    out = tmp_path / "fixed.stl"
    done = run_ohw("mesh", "repair", source, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "turned an inside-out body the right way out (near (0.0, 6.7, 13.3) mm)" in done.stdout
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


@pytest.mark.parametrize("suffix", [".3mf", ".obj"])
def test_repair_writes_the_format_it_read(tmp_path, suffix):
    import trimesh

    mesh = trimesh.creation.box(extents=(10, 20, 30))
    mesh.faces[:2] = mesh.faces[:2, ::-1]  # two facets wound against the rest
    source = tmp_path / f"part{suffix}"
    mesh.export(source)
    out = tmp_path / f"fixed{suffix}"
    done = run_ohw("mesh", "repair", source, "--out", out)
    assert done.returncode == 0, done.stdout + done.stderr
    report = run_ohw("mesh", "--no-cache", "--json", out)
    assert report.returncode == 0, report.stdout
    assert f'"format": "{suffix[1:].upper()}"' in report.stdout


@pytest.mark.parametrize(("source", "out"), [("part.3mf", "fixed.stl"), ("part.stl", "x.obj")])
def test_repair_refuses_to_write_another_format(tmp_path, source, out):
    import trimesh

    path = tmp_path / source
    trimesh.creation.box().export(path)
    done = run_ohw("mesh", "repair", path, "--out", tmp_path / out)
    assert done.returncode == 2
    assert f"give --out a name ending in {path.suffix}" in done.stderr
    assert not (tmp_path / out).exists()
