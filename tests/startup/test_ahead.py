"""A cold check of many meshes begins analysing them before click and the
checks are loaded (ohw.startup.ahead): the meshes the manifest names
that the cache never saw, with what the command line says read before click
reads it (ohw.startup.arguments, tested in test_arguments.py). Its report is
the one a check without that head start gives."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import trimesh
from support.designs import init_and_commit
from support.run import cannot_fork, git, run_ohw

from ohw.checks.context import CheckOptions
from ohw.cli.commands.check import check
from ohw.mesh.batch import MeshWorkers, analyse_sources
from ohw.mesh.source import MeshSource
from ohw.mesh.workers import WorkerProcesses
from ohw.startup import ahead as check_ahead
from ohw.startup.ahead import start_ahead, take_ahead
from ohw.storage.locations import STAT_INDEX

# Enough for a pool of processes: more than 4 MB in two files or more.
SUBDIVISIONS = 6  # an icosphere of 81,920 facets: 4.1 MB of binary STL


def sphere(path: Path, radius: float, holes: int = 0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ball = trimesh.creation.icosphere(subdivisions=SUBDIVISIONS, radius=radius)
    if holes:  # facets far apart taken out: a hole each
        ball.update_faces([n % 4096 != 0 or n >= 4096 * holes for n in range(len(ball.faces))])
    ball.export(path)


@pytest.fixture(scope="module")
def spheres(tmp_path_factory) -> Path:
    """A design of two big spheres its parts name (one with holes), a big one no
    part names, and a small cube."""
    folder = tmp_path_factory.mktemp("ahead") / "design"
    sphere(folder / "parts" / "ball.stl", 20)
    sphere(folder / "parts" / "big ball.stl", 30, holes=3)
    sphere(folder / "archive" / "old ball.stl", 25)
    trimesh.creation.box(extents=(10, 10, 10)).export(folder / "parts" / "cube.stl")
    (folder / "ohw.yaml").write_text(
        "ohw: 1\nname: balls\ntitle: Balls\nlicense:\n  hardware: CERN-OHL-S-2.0\nparts:\n"
        + "".join(
            f"  - id: {name}\n    export: parts/{file}\n"
            for name, file in (("ball", "ball.stl"), ("big", "big ball.stl"), ("cube", "cube.stl"))
        )
    )
    return folder


def started(*arguments: str | Path) -> list[str] | None:
    start_ahead([str(a) for a in arguments])
    workers = take_ahead()
    if workers is None:
        return None
    with workers:
        return workers.begun


def test_the_meshes_the_parts_name_begin_at_once(spheres, tmp_path):
    cache = tmp_path / "cache"
    begun = started("--cache-dir", cache, spheres)
    # Not the sphere no part names; the cube, as its part names it.
    assert begun == ["parts/ball.stl", "parts/big ball.stl", "parts/cube.stl"]
    assert started("--cache-dir", cache, spheres / "ohw.yaml") == begun
    # A folder inside the design is the design, found upward as ohw check finds it.
    assert started("--cache-dir", tmp_path / "inside", spheres / "parts") == begun
    assert take_ahead() is None  # handed on once


def test_nothing_begins_ahead_where_the_check_would_not_analyse_enough(spheres, tmp_path):
    cache = tmp_path / "cache"
    done = run_ohw("check", "--cache-dir", cache, spheres)
    assert done.returncode in (0, 1), done.stderr
    assert started("--cache-dir", cache, spheres) is None  # the cache has seen them all
    assert started("--cache-dir", cache, "--no-cache", spheres) is not None  # every mesh again
    assert started("--cache-dir", tmp_path / "other", "--rev", "HEAD", spheres) is None
    assert started("--cache-dir", tmp_path / "other", "--changed-since=HEAD", spheres) is None
    assert started("--cache-dir", tmp_path / "other", "--help", spheres) is None
    outside = tmp_path / "notes"
    outside.mkdir()
    assert started("--cache-dir", tmp_path / "other", outside) is None  # not a design
    assert started("--cache-dir", tmp_path / "other", spheres / "no such folder") is None


def forks_counted(monkeypatch) -> list[WorkerProcesses]:
    forked: list[WorkerProcesses] = []

    def forking(*arguments):
        forked.append(WorkerProcesses(*arguments))
        return forked[-1]

    monkeypatch.setattr(check_ahead, "WorkerProcesses", forking)
    return forked


def test_a_cache_a_check_used_before_is_asked_before_any_worker_is_forked(
    spheres, tmp_path, monkeypatch
):
    """A re-check of an edited design: its meshes are known, and no worker is
    started for nothing."""
    cache = tmp_path / "cache"
    assert run_ohw("check", "--cache-dir", cache, spheres).returncode in (0, 1)
    assert (cache / STAT_INDEX).is_file()
    forked = forks_counted(monkeypatch)
    assert started("--cache-dir", cache, spheres) is None
    assert forked == []


def test_workers_forked_for_meshes_the_cache_knows_are_stopped_at_once(
    spheres, tmp_path, monkeypatch
):
    """A fresh clone checked with a cache other clones filled: its stat index
    never saw these files, so the workers are forked first; git's index then
    names contents whose results are kept, and they are reaped."""
    design = tmp_path / "clone"
    shutil.copytree(spheres, design)
    init_and_commit(design, "balls")
    cache = tmp_path / "cache"
    assert run_ohw("check", "--cache-dir", cache, design).returncode in (0, 1)
    (cache / STAT_INDEX).unlink()
    forked = forks_counted(monkeypatch)
    began = time.monotonic()
    assert started("--cache-dir", cache, design) is None
    assert time.monotonic() - began < 5  # not waiting for the first worker to load numpy
    assert len(forked) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[0].lead, os.WNOHANG)


def test_a_check_that_cannot_fork_starts_nothing_ahead(spheres, tmp_path, monkeypatch):
    cannot_fork(monkeypatch)
    assert started("--cache-dir", tmp_path / "cache", spheres) is None


def modules_loaded_by(statements: str) -> set[str]:
    """The modules a fresh Python loads to run ``statements``, beyond those it starts with."""
    script = (
        "import sys\n"
        "before = set(sys.modules)\n"
        f"{statements}\n"
        "print(*sorted(set(sys.modules) - before))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


def test_a_check_forks_its_workers_before_it_loads_what_it_need_not():
    # What ohw.cli.main loads before start_ahead forks: a few small modules of
    # ohw's, and of Python's; not pathlib, re, typing or numpy.
    loaded = modules_loaded_by(
        "import ohw.cli.main, ohw.startup.record, ohw.startup.ahead, ohw.mesh.workers"
    )
    heavy = {"pathlib", "re", "typing", "enum", "dataclasses", "json", "concurrent.futures"}
    assert not loaded & (heavy | {"numpy", "click", "ohw.mesh.reader"})
    assert "ohw.mesh.workers" in loaded


def test_a_worker_loads_the_reader_and_the_analyser_and_not_the_checks():
    # The first worker loads these before it forks the others: all of it is
    # time the others wait.
    loaded = modules_loaded_by("from ohw.mesh.source import load_analyser; load_analyser()")
    assert "numpy" in loaded
    assert {m for m in loaded if m.startswith("ohw")} <= {
        "ohw", "ohw.errors", "ohw.mesh", "ohw.mesh.reader", "ohw.mesh.graph", "ohw.mesh.source",
        "ohw.mesh.stl", "ohw.mesh.topology",
    }  # fmt: skip


def test_an_analysis_begun_is_taken_over_and_another_is_begun_afresh(spheres):
    ball = MeshSource("parts/ball.stl", path=spheres / "parts" / "ball.stl")
    other = MeshSource("parts/cube.stl", path=spheres / "parts" / "cube.stl")
    with MeshWorkers([ball]) as workers:
        assert workers.begun == ["parts/ball.stl"]
        first = workers.analysis(
            MeshSource("parts/ball.stl", path=spheres / "parts" / ".." / "parts" / "ball.stl")
        )
        assert workers.begun == []
        assert first.result()["report"]["facets"] == 81920
        assert workers.analysis(other).result()["report"]["facets"] == 12
        assert workers.analysis(ball) is not first  # taken once: a new analysis after


def test_a_check_begun_ahead_reports_what_a_check_without_it_reports(spheres, tmp_path, capsys):
    cache = tmp_path / "cold"
    assert started("--cache-dir", tmp_path / "cold", spheres) is not None
    done = run_ohw("check", "--format", "json", "--cache-dir", cache, spheres)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    ahead = json.loads(done.stdout)["designs"][0]
    # The command's own function, run here: nothing begun ahead.
    assert check([str(spheres)], None, "json", CheckOptions(use_cache=False)) == 1
    without = json.loads(capsys.readouterr().out)["designs"][0]
    assert ahead["findings"] == without["findings"]
    meshes = {(f["file"], f["id"]) for f in ahead["findings"] if f["check"] == "meshes"}
    assert meshes == {("parts/big ball.stl", "OHW302")}
    assert ahead["summary"] == without["summary"]


def test_a_usage_error_after_the_start_ends_at_once(spheres, tmp_path):
    began = time.monotonic()
    done = run_ohw("check", "--cache-dir", tmp_path / "cache", "--format", "bogus", spheres)
    assert done.returncode == 2
    assert "bogus" in done.stderr and "Traceback" not in done.stderr
    assert time.monotonic() - began < 30


def test_meshes_whose_results_are_kept_are_not_begun_again(spheres, tmp_path):
    # A clone elsewhere, checked with the first one's cache: the cache never saw
    # these files, but git's index knows their content, whose results are kept.
    first = tmp_path / "first"
    shutil.copytree(spheres, first)
    git("init", "-q", "-b", "main", cwd=first)
    git("add", "-A", cwd=first)
    git(
        "-c",
        "user.name=Ada",
        "-c",
        "user.email=ada@example.org",
        "commit",
        "-qm",
        "balls",
        cwd=first,
    )
    cache = tmp_path / "cache"
    assert run_ohw("check", "--cache-dir", cache, first).returncode == 1
    clone = tmp_path / "clone"
    git("clone", "-q", first, clone, cwd=tmp_path)
    time.sleep(0.01)  # checked out in the index's own tick: racy until git looks again
    git("update-index", "--really-refresh", cwd=clone)
    assert started("--cache-dir", cache, clone) is None
    assert started("--cache-dir", tmp_path / "empty", clone) is not None


def test_new_files_holding_content_analysed_before_are_answered_from_the_cache(spheres, tmp_path):
    cache = tmp_path / "cache"
    names = ["ball.stl", "big ball.stl"]
    originals = [MeshSource(n, path=spheres / "parts" / n) for n in names]
    first = analyse_sources(originals, cache)  # a pool of processes: over 4 MB
    for name in names:
        shutil.copyfile(spheres / "parts" / name, tmp_path / name)
    copies = analyse_sources([MeshSource(n, path=tmp_path / n) for n in names], cache)
    assert [r.cached for r in first] == [False, False]
    assert [r.cached for r in copies] == [True, True]
    assert [r.report for r in copies] == [r.report for r in first]


def test_links_and_pipes_are_left_for_the_check_to_judge(spheres, tmp_path):
    folder = tmp_path / "design"
    shutil.copytree(spheres, folder)
    outside = tmp_path / "outside.stl"
    shutil.copyfile(spheres / "parts" / "ball.stl", outside)
    (folder / "parts" / "ball.stl").unlink()
    (folder / "parts" / "ball.stl").symlink_to(outside)  # out of the design
    (folder / "parts" / "big ball.stl").unlink()
    os.mkfifo(folder / "parts" / "big ball.stl")  # opening it would wait for a writer
    assert started("--cache-dir", tmp_path / "cache", folder) is None
    done = run_ohw("check", "--cache-dir", tmp_path / "cache", folder)
    assert done.returncode == 1 and "Traceback" not in done.stderr
