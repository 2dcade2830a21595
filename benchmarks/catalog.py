"""How fast ``ohw catalog`` keeps a Fab Lab's library of 1,000 designs.

Run it by hand from the project root, with the Python that has ohw installed:

    python benchmarks/catalog.py [--designs N] [--runs N]

It makes N (1,000) small design repositories on disk (a manifest and one
mesh each, all different), adds them to a fresh catalog and times whole
``ohw catalog`` processes:

- the first ``sync``: a bare mirror fetched and indexed for every design;
- a re-sync with nothing changed (each remote asked for its refs, nothing
  fetched), and one with 10 designs changed, round by round; the difference is
  what the 10 fetches and re-reads cost, against what checking the other 990
  costs. Target: the 10 changed take most of the re-sync (at least half);
- search: ``ohw catalog search`` as a process (median of --runs), and the
  query itself inside one process (median of 50) by keyword, by material and
  by printer. Target: the query under 50 ms; the process is printed beside
  ``python -c pass`` and ``ohw --version``, the floor it stands on.

The machine is shared and noisy: medians are printed, and ratios within a run
matter more than times across runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import pygit2
from mesh import ohw_command

MATERIALS = ("PLA", "PETG", "ABS", "ASA", "TPU", "PA12")
KINDS = ("lamp", "bracket", "enclosure", "gear", "clamp", "hinge", "spool", "knob")
QUERY_TARGET = 0.050  # seconds
CHANGED = 10


def box_stl(size: tuple[float, float, float]) -> bytes:
    """A closed box as binary STL, written here (not by ohw)."""
    import struct

    x, y, z = size
    corners = [(a, b, c) for a in (0, x) for b in (0, y) for c in (0, z)]
    faces = [(0, 2, 3), (0, 3, 1), (4, 5, 7), (4, 7, 6), (0, 1, 5), (0, 5, 4),
             (2, 6, 7), (2, 7, 3), (0, 4, 6), (0, 6, 2), (1, 3, 7), (1, 7, 5)]  # fmt: skip
    body = b"".join(
        struct.pack("<12fH", 0, 0, 0, *corners[i], *corners[j], *corners[k], 0) for i, j, k in faces
    )
    return b"benchmark box".ljust(80) + struct.pack("<I", len(faces)) + body


def manifest(number: int, version: int) -> str:
    kind = KINDS[number % len(KINDS)]
    material = MATERIALS[number % len(MATERIALS)]
    return (
        f"ohw: 1\nname: {kind}-{number:04d}\ntitle: A {kind} number {number}\n"
        f"version: 1.{version}.0\ndescription: Design {number} of the benchmark, a {kind}.\n"
        f"keywords: [{kind}, benchmark, set{number % 37}]\n"
        "license: {hardware: CERN-OHL-S-2.0}\n"
        f"parts:\n  - {{id: body, export: parts/body.stl, material: {material}, "
        "process: 3d-printing, quantity: 1}\n"
    )


def commit_design(repo: pygit2.Repository, number: int, version: int) -> None:
    root = repo.TreeBuilder()
    parts = repo.TreeBuilder()
    size = (10 + number % 200, 10 + number % 150, 5 + version + number % 90)
    parts.insert("body.stl", repo.create_blob(box_stl(size)), pygit2.enums.FileMode.BLOB)
    root.insert(
        "ohw.yaml", repo.create_blob(manifest(number, version).encode()), pygit2.enums.FileMode.BLOB
    )
    root.insert("parts", parts.write(), pygit2.enums.FileMode.TREE)
    signature = pygit2.Signature("Bench Maker", "bench@example.org", 1_700_000_000 + version, 0)
    parents = [] if repo.head_is_unborn else [repo.head.target]
    repo.create_commit("HEAD", signature, signature, f"version {version}", root.write(), parents)


def make_designs(folder: Path, count: int) -> list[Path]:
    made = []
    for number in range(count):
        path = folder / f"design-{number:04d}.git"
        repo = pygit2.init_repository(str(path), bare=True, initial_head="main")
        commit_design(repo, number, 0)
        made.append(path)
    return made


def timed(command: list[str | Path], env: dict[str, str], allowed: set[int]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [str(c) for c in command], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in allowed:
        sys.exit(
            f"{' '.join(map(str, command))} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )
    return elapsed


def median_of(times: list[float]) -> str:
    spread = f"{min(times):.3f} .. {max(times):.3f}"
    return f"{statistics.median(times):8.3f}s  ({spread}, {len(times)} runs)"


def first_sync(cat: list[str | Path], env: dict[str, str], count: int) -> None:
    seconds = timed([*cat, "sync"], env, {0})
    print(f"\n1. First sync of {count} designs (fetch and index every one)")
    each = f"{seconds / count * 1000:.1f} ms a design"
    print(f"   ohw catalog sync                   {seconds:8.2f}s  ({each})")


def resync(cat: list[str | Path], env: dict[str, str], designs: list[Path], runs: int) -> None:
    unchanged: list[float] = []
    changed: list[float] = []
    for run in range(runs):
        unchanged.append(timed([*cat, "sync"], env, {0}))
        for number in range(run * CHANGED, (run + 1) * CHANGED):
            commit_design(pygit2.Repository(str(designs[number % len(designs)])), number, run + 1)
        changed.append(timed([*cat, "sync"], env, {0}))
    base, with_changes = statistics.median(unchanged), statistics.median(changed)
    extra = with_changes - base
    print(f"\n2. Re-sync, {len(designs) - CHANGED} unchanged and {CHANGED} changed")
    print(f"   nothing changed                   {median_of(unchanged)}")
    print(f"   {CHANGED} changed                        {median_of(changed)}")
    print(f"   per changed design (fetch + index) {extra / CHANGED * 1000:8.1f} ms")
    print(f"   per unchanged design (refs asked)  {base / len(designs) * 1000:8.2f} ms")
    share = extra / with_changes if with_changes else 0.0
    verdict = "met" if share >= 0.5 else "MISSED"
    print(f"   the {CHANGED} changed take {share:.0%} of the re-sync (target >= 50%): {verdict}")
    print("   (whole processes: start-up and reading catalog.txt count as the unchanged part)")


def searches(lab: Path, ohw: list[str], env: dict[str, str], runs: int) -> None:
    from ohw.catalog.library import Catalog, SearchFilters, search
    from ohw.fab.printers import printer_named

    cat = [*ohw, "catalog", "--catalog", lab]
    print("\n3. Search")
    floor = [timed([sys.executable, "-c", "pass"], env, {0}) for _ in range(runs)]
    version = [timed([*ohw, "--version"], env, {0}) for _ in range(runs)]
    print(f"   python -c pass                     {median_of(floor)}")
    print(f"   ohw --version                      {median_of(version)}")
    for query in (["lamp"], ["--material", "PETG"], ["gear", "--fits", "prusa-mk4"]):
        times = [timed([*cat, "search", *query], env, {0}) for _ in range(runs)]
        print(f"   ohw catalog search {' '.join(query):15} {median_of(times)}")
    slowest = 0.0
    for label, text, filters in (
        ("keyword 'lamp'", "lamp", SearchFilters()),
        ("material PETG", "", SearchFilters(material="PETG")),
        ("'gear', fits prusa-mk4", "gear", SearchFilters(fits=printer_named("prusa-mk4"))),
    ):
        times = []
        for _ in range(50):
            started = time.perf_counter()
            hits = search(Catalog(lab), text, filters)
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        slowest = max(slowest, median)
        print(f"   query, {label:27} {median * 1000:8.2f} ms  ({len(hits)} designs found)")
    verdict = "met" if slowest < QUERY_TARGET else "MISSED"
    goal = f"target < {QUERY_TARGET * 1000:.0f} ms"
    print(f"   slowest query, median {slowest * 1000:.1f} ms ({goal}): {verdict}")


def main(argv: Sequence[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    options.add_argument("--designs", type=int, default=1000)
    options.add_argument("--runs", type=int, default=3)
    args = options.parse_args(argv)
    ohw = ohw_command()
    with tempfile.TemporaryDirectory(prefix="ohw-bench-catalog-") as scratch:
        root = Path(scratch)
        env = {**os.environ, "HOME": str(root), "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1",
               "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org"}  # fmt: skip
        started = time.perf_counter()
        designs = make_designs(root / "designs", args.designs)
        print(f"{len(designs)} designs made in {time.perf_counter() - started:.1f}s")
        urls = root / "urls.txt"
        urls.write_text("".join(f"{d}\n" for d in designs))
        lab = root / "lab"
        cat = [*ohw, "catalog", "--catalog", lab]
        timed([*cat, "add", "--from", urls], env, {0})
        first_sync(cat, env, len(designs))
        resync(cat, env, designs, args.runs)
        searches(lab, ohw, env, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
