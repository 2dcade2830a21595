"""Meshes analysed by `ohw mesh` (ohw.mesh.batch): results kept in the cache,
known by their content, computed again when the content or the entry changes,
and many files analysed in parallel as one by one."""

from __future__ import annotations

import shutil

import pytest
import trimesh
from support.meshes import cube_stl
from support.run import git, mesh_json


def test_results_come_from_the_cache_until_the_content_changes(tmp_path, ohw_cache, capsys):
    part = tmp_path / "part.stl"
    part.write_bytes(cube_stl(10))
    assert mesh_json(capsys, part)[1]["files"][0]["cached"] is False
    assert mesh_json(capsys, part)[1]["files"][0]["cached"] is True
    assert (ohw_cache / "mesh").is_dir()
    part.write_bytes(cube_stl(12))
    fresh = mesh_json(capsys, part)[1]["files"][0]
    assert fresh["cached"] is False
    assert fresh["report"]["volume"] == pytest.approx(12**3)
    assert mesh_json(capsys, "--no-cache", part)[1]["files"][0]["cached"] is False


def test_a_copy_of_the_same_content_is_known_by_its_content(tmp_path, ohw_cache, capsys):
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


def test_a_corrupt_cache_entry_is_computed_again(tmp_path, ohw_cache, capsys):
    part = tmp_path / "part.stl"
    part.write_bytes(cube_stl())
    mesh_json(capsys, part)
    for entry in (ohw_cache / "mesh").rglob("*.json"):
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
