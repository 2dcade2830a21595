"""How fast, and how lean, ``ohw mesh`` and the mesh checks of ``ohw check`` are,
side by side with admesh (the C STL checker the Voron printer's CI runs) and
trimesh (the Python mesh library).

Run it by hand from the project root, with the Python that has ohw installed:

    python benchmarks/mesh.py [--runs N] [--corpus PATH]

It measures whole processes, as people and CI run them, and prints medians:

1. a 1.3 million-facet closed mesh (a trimesh icosphere, written once per run as
   binary STL): ``ohw mesh FILE`` cold (a fresh, empty OHW_CACHE_DIR each time),
   warm (again, with the same cache), ``admesh FILE``, and a trimesh script
   (load, is_watertight, is_winding_consistent, volume);
2. the peak resident memory of those processes, read from the kernel's
   accounting of each child (``os.wait4``), against the file's size;
3. every STL of the test corpus (../shared/corpus/stl): cold ``ohw mesh`` on all
   of them in one process against ``admesh`` once per file; then a design
   holding them all, checked once by ``ohw check`` to fill the cache, and timed
   on the next, warm, ``ohw check``;
4. closed meshes of 82k, 1.3M, 5.2M and 12M facets (icospheres, and for 12M
   three of them in one file): ``ohw mesh --no-cache`` against ``admesh``, time
   and peak memory, so that a mesh ten times as big costs ten times as much.

Each target is printed as met or MISSED. A section whose tools or files are
missing is skipped with the reason. Nothing outside a temporary folder is written.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from timing import (
    NONE,
    PROJECT,
    Run,
    Series,
    Target,
    describe_ohw,
    expect,
    fresh_folder,
    megabytes,
    ohw_command,
    output_of,
    print_skip,
    print_targets,
    print_times,
    ratio,
    run,
)

DEFAULT_CORPUS = PROJECT.parent / "shared" / "corpus"

# The targets.
OHW_OVER_ADMESH = 1.5  # ohw mesh time / admesh time, 1.3M facets, cold
TRIMESH_OVER_OHW = 8.0  # trimesh script time / ohw mesh time, 1.3M facets, cold
PEAK_OVER_FILE = 3.0  # ohw mesh peak resident memory / file size
WARM_CHECK_SECONDS = 0.5  # ohw check of the unchanged corpus design

TRIMESH_SCRIPT = """\
import sys
import trimesh
mesh = trimesh.load(sys.argv[1])
print(mesh.is_watertight, mesh.is_winding_consistent, mesh.volume)
"""

MAKE_SPHERE = """\
import sys
import trimesh
trimesh.creation.icosphere(subdivisions=8, radius=50).export(sys.argv[1], file_type="stl")
"""

# Section 4: icospheres of these subdivisions, side by side in one file (radius 50,
# 120 mm apart). Targets: ohw / admesh at each size, and memory at the largest.
SIZES = {"82k": (6,), "1.3M": (8,), "5.2M": (9,), "12M": (9, 9, 8)}
SIZE_OVER_ADMESH = 1.0
SIZE_TARGETED = ("1.3M", "5.2M", "12M")

MAKE_SPHERES = """\
import sys
import numpy as np
import trimesh
meshes = []
for number, subdivisions in enumerate(map(int, sys.argv[2:])):
    sphere = trimesh.creation.icosphere(subdivisions=subdivisions, radius=50)
    sphere.apply_translation((120 * number, 0, 0))
    meshes.append(sphere)
trimesh.util.concatenate(meshes).export(sys.argv[1], file_type="stl")
"""


@dataclass
class Bench:
    """What every section needs: the commands, the environment, and the targets found."""

    runs: int
    env: dict[str, str]
    ohw: list[str]
    admesh: str | None
    targets: list[Target] = field(default_factory=list)

    def cached(self, directory: Path) -> dict[str, str]:
        """The environment with ohw's cache in ``directory``."""
        return {**self.env, "OHW_CACHE_DIR": str(directory)}


# -- 1 and 2: one big mesh -------------------------------------------------------------------

BIG_TARGETS = (
    ("1.3M facets: ohw / admesh, cold", OHW_OVER_ADMESH, "x", True),
    ("1.3M facets: trimesh / ohw, cold", TRIMESH_OVER_OHW, "x", False),
    ("1.3M facets: ohw peak RSS / file size", PEAK_OVER_FILE, "x", True),
)


def make_sphere(folder: Path, env: dict[str, str]) -> Path:
    """The 1.3M-facet icosphere as binary STL, made by trimesh in its own process."""
    mesh = folder / "icosphere-8.stl"
    subprocess.run([sys.executable, "-c", MAKE_SPHERE, str(mesh)], check=True, env=env)
    # An hour old, as a file one has not just saved: ohw trusts its stat index only for
    # files not changed within the last seconds (git's "racy" rule).
    an_hour_ago = time.time() - 3600
    os.utime(mesh, (an_hour_ago, an_hour_ago))
    return mesh


def big_mesh(bench: Bench, folder: Path) -> None:
    print("\n1. A 1.3M-facet closed mesh: wall time of whole processes")
    if importlib.util.find_spec("trimesh") is None:
        print_skip(f"trimesh is not installed for {sys.executable} (it makes the mesh)")
        print("\n2. Peak memory on that mesh")
        print_skip("no mesh (section 1 was skipped)")
        bench.targets += [Target(w, None, g, u, b) for w, g, u, b in BIG_TARGETS]
        return
    started = time.perf_counter()
    mesh = make_sphere(folder, bench.env)
    size = mesh.stat().st_size
    print(
        f"   {mesh.name}: {(size - 84) // 50:,} facets, {megabytes(size)} binary STL, made in "
        f"{time.perf_counter() - started:.1f}s (in the page cache for every tool)"
    )
    script = folder / "trimesh_check.py"
    script.write_text(TRIMESH_SCRIPT, encoding="utf-8")
    cold = Series("ohw mesh FILE, cold (fresh OHW_CACHE_DIR)")
    warm = Series("ohw mesh FILE, warm (same OHW_CACHE_DIR again)")
    uncached = Series("ohw mesh --no-cache FILE")
    by_admesh = Series("admesh FILE")
    by_trimesh = Series("trimesh: load, watertight, winding, volume")
    # Round by round, so that whatever the machine does meanwhile hits every tool alike.
    for _ in range(bench.runs):
        cache = fresh_folder(folder, "cache-")
        cold.runs.append(run([*bench.ohw, "mesh", mesh], bench.cached(cache)))
        warm.runs.append(run([*bench.ohw, "mesh", mesh], bench.cached(cache)))
        shutil.rmtree(cache)
        uncached.runs.append(run([*bench.ohw, "mesh", "--no-cache", mesh], bench.env))
        if bench.admesh:
            by_admesh.runs.append(run([bench.admesh, mesh], bench.env))
        by_trimesh.runs.append(run([sys.executable, script, mesh], bench.env))
    rows = [cold, warm, uncached, *([by_admesh] if bench.admesh else []), by_trimesh]
    print_times(rows)
    for series in rows:
        expect(series, {0})
    if not bench.admesh:
        print_skip("admesh: not installed (Debian package admesh)")
    over_admesh = ratio(cold.seconds, by_admesh.seconds) if bench.admesh else None
    over_ohw = ratio(by_trimesh.seconds, cold.seconds)
    print(
        f"   ohw / admesh: {NONE if over_admesh is None else f'{over_admesh:.2f}x'}   "
        f"trimesh / ohw: {NONE if over_ohw is None else f'{over_ohw:.2f}x'}   "
        f"warm / cold ohw: {warm.seconds / cold.seconds:.1%}"
    )

    print(f"\n2. Peak memory (maximum resident set size) on that mesh, file {megabytes(size)}")
    over_file = ratio(cold.peak_bytes, size)
    if cold.peak_bytes is None:
        print_skip("this system has no os.wait4 to read a child's peak memory")
    else:
        print(f"   {'':46} {'median':>10}  {'max':>10}  x file")
        for series in rows:
            median = series.peak_bytes or 0
            most = max(r.peak_bytes or 0 for r in series.runs)
            print(
                f"   {series.label:46} {megabytes(median):>10}  {megabytes(most):>10}  "
                f"{median / size:6.2f}"
            )
    values = (over_admesh, over_ohw, over_file)
    bench.targets += [
        Target(w, v, g, u, b) for (w, g, u, b), v in zip(BIG_TARGETS, values, strict=True)
    ]


# -- 3: the corpus ---------------------------------------------------------------------------


def warm_target(seconds: float | None) -> Target:
    return Target(
        "corpus design: warm ohw check", seconds, WARM_CHECK_SECONDS, "s", below=True, strict=True
    )


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "part"


RECENT_SECONDS = 2.1  # what ohw.startup.record waits out, and a little more


def make_design(folder: Path, files: list[Path], env: dict[str, str]) -> Path:
    """A design holding ``files`` as the exports of its parts, committed in a new
    git repository (where ohw keeps its cache: .git/ohw/cache)."""
    design = folder / "corpus-design"
    parts = design / "parts"
    parts.mkdir(parents=True)
    lines = [
        "ohw: 1",
        "name: corpus-benchmark",
        "title: Every STL of the test corpus",
        "license:",
        "  hardware: CERN-OHL-S-2.0",
        "parts:",
    ]
    for number, source in enumerate(files, 1):
        name = f"{number:03d}-{slug(source.stem)}"[:60].rstrip("-")
        # copy2 keeps the corpus's (old) modification times: files not just saved.
        shutil.copy2(source, parts / f"{name}{source.suffix}")
        lines += [f"  - id: p{name}", f"    export: {json.dumps(f'parts/{name}{source.suffix}')}"]
    (design / "ohw.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    identity = {
        "GIT_AUTHOR_NAME": "benchmark",
        "GIT_AUTHOR_EMAIL": "benchmark@example.org",
        "GIT_COMMITTER_NAME": "benchmark",
        "GIT_COMMITTER_EMAIL": "benchmark@example.org",
    }
    git = ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "corpus"]):
        subprocess.run([*git, *command], cwd=design, env={**env, **identity}, check=True)
    # A design one has not just written: ohw check records no report while a
    # file's change is too recent for its time stamp to be trusted (2 s).
    time.sleep(RECENT_SECONDS)
    return design


def corpus_files(bench: Bench, folder: Path, files: list[Path]) -> None:
    """Cold ``ohw mesh`` on all files in one process against admesh once per file."""
    cold = Series(f"ohw mesh on all {len(files)}, one process, cold")
    by_admesh = Series(f"admesh once per file, {len(files)} processes")
    admesh_rejects: set[Path] = set()
    for _ in range(bench.runs):
        cache = fresh_folder(folder, "cache-")
        cold.runs.append(run([*bench.ohw, "mesh", *files], bench.cached(cache)))
        if bench.admesh:
            started = time.perf_counter()
            for path in files:
                if run([bench.admesh, path], bench.env).returncode != 0:
                    admesh_rejects.add(path)
            by_admesh.runs.append(Run(time.perf_counter() - started, None, 0))
    print_times([cold, *([by_admesh] if bench.admesh else [])])
    expect(cold, {0, 1})
    # What ohw made of them, from the cache the last cold run filled (untimed).
    shown = output_of([*bench.ohw, "mesh", "--json", *files], bench.cached(cache))
    try:
        reports = json.loads(shown.stdout)["files"]
        unreadable = [Path(r["file"]).name for r in reports if r["error"] is not None]
        unprintable = sum(1 for r in reports if r["error"] is None and not r["ok"])
        print(
            f"   ohw rejected {len(unreadable) + unprintable}: {len(unreadable)} unreadable "
            f"({', '.join(unreadable) or 'none'}), {unprintable} read but not printable"
        )
    except (ValueError, KeyError, TypeError):
        print(f"   ! ohw mesh --json gave no report (exit {shown.returncode})")
    if bench.admesh:
        names = ", ".join(p.name for p in sorted(admesh_rejects)) or "none"
        print(f"   admesh rejected {len(admesh_rejects)} (exit code not 0): {names}")
        print(f"   ohw / admesh: {cold.seconds / by_admesh.seconds:.2f}x")
    else:
        print_skip("admesh: not installed (Debian package admesh)")


def corpus_design(bench: Bench, folder: Path, files: list[Path]) -> None:
    """``ohw check`` of a design holding ``files``: once to fill the cache, then warm."""
    print("\n   The same files as the parts of one design, checked by ohw check")
    if shutil.which("git") is None:
        print_skip("git is not installed (ohw keeps its cache under .git)")
        bench.targets.append(warm_target(None))
        return
    design = make_design(folder, files, bench.env)
    fill = Series("ohw check, first (fills .git/ohw/cache)")
    fill.runs.append(run([*bench.ohw, "check", design], bench.env))
    warm = Series("ohw check, warm (the design unchanged)")
    for _ in range(bench.runs):
        warm.runs.append(run([*bench.ohw, "check", design], bench.env))
    print_times([fill, warm])
    expect(fill, {0, 1})
    expect(warm, {0, 1})
    said = output_of([*bench.ohw, "check", design], bench.env).stdout.strip().splitlines()
    print(f"   ohw check says: {said[-1] if said else '(nothing)'}")
    bench.targets.append(warm_target(warm.seconds))


def corpus(bench: Bench, folder: Path, root: Path) -> None:
    stl_root = root / "stl"
    print(f"\n3. Every STL of the corpus ({stl_root})")
    if not stl_root.is_dir():
        print_skip(f"{stl_root} does not exist (the corpus lives in ../shared/corpus)")
        bench.targets.append(warm_target(None))
        return
    files = sorted(p for p in stl_root.rglob("*") if p.is_file() and p.suffix.lower() == ".stl")
    print(f"   {len(files)} files, {megabytes(sum(p.stat().st_size for p in files))}")
    corpus_files(bench, folder, files)
    corpus_design(bench, folder, files)


# -- 4: sizes --------------------------------------------------------------------------------


def sizes(bench: Bench, folder: Path) -> None:
    print("\n4. Closed meshes of every size: ohw mesh --no-cache against admesh")
    if importlib.util.find_spec("trimesh") is None or not bench.admesh:
        print_skip("trimesh (it makes the meshes) or admesh is not installed")
        bench.targets += [
            Target(f"{name} facets: ohw / admesh", None, SIZE_OVER_ADMESH, "x", True)
            for name in SIZE_TARGETED
        ] + [Target("12M facets: ohw peak RSS / file size", None, PEAK_OVER_FILE, "x", True)]
        return
    print(f"   {'':8} {'facets':>12} {'file':>10} {'ohw':>8} {'admesh':>8} {'ohw/admesh':>11}"
          f" {'ohw peak':>10} {'x file':>7} {'admesh peak':>12}")  # fmt: skip
    for name, spheres in SIZES.items():
        mesh = folder / f"spheres-{name}.stl"
        script = [sys.executable, "-c", MAKE_SPHERES, str(mesh), *map(str, spheres)]
        subprocess.run(script, check=True, env=bench.env)
        size = mesh.stat().st_size
        ohw = Series(f"ohw mesh --no-cache, {name}")
        by_admesh = Series(f"admesh, {name}")
        for _ in range(bench.runs):  # round by round, as everywhere here
            ohw.runs.append(run([*bench.ohw, "mesh", "--no-cache", mesh], bench.env))
            by_admesh.runs.append(run([bench.admesh, mesh], bench.env))
        expect(ohw, {0})
        over = ohw.seconds / by_admesh.seconds
        peak = (ohw.peak_bytes or 0) / size
        print(
            f"   {name:8} {(size - 84) // 50:>12,} {megabytes(size):>10} {ohw.seconds:7.2f}s "
            f"{by_admesh.seconds:7.2f}s {over:10.2f}x {megabytes(ohw.peak_bytes or 0):>10} "
            f"{peak:6.2f}x {megabytes(by_admesh.peak_bytes or 0):>12}"
        )
        if name in SIZE_TARGETED:
            bench.targets.append(
                Target(f"{name} facets: ohw / admesh", over, SIZE_OVER_ADMESH, "x", True)
            )
        mesh.unlink()
    bench.targets.append(
        Target("12M facets: ohw peak RSS / file size", peak, PEAK_OVER_FILE, "x", True)
    )


# -- the whole -------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time ohw mesh and ohw check against admesh and trimesh."
    )
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each timing")
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="the test corpus (holding stl/)"
    )
    parser.add_argument(
        "--sizes",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="section 4, meshes up to 12M facets (about 2 GB of files made, a few minutes)",
    )
    options = parser.parse_args(argv)
    env = dict(os.environ)
    env.pop("OHW_CACHE_DIR", None)  # every run says where its cache is, or uses .git
    bench = Bench(max(1, options.runs), env, ohw_command(), shutil.which("admesh"))
    started = time.perf_counter()
    print(
        f"ohw mesh benchmarks: {describe_ohw(bench.ohw, env)}, Python {platform.python_version()}"
    )
    print(
        f"{os.cpu_count()} CPUs; admesh: {bench.admesh or 'not installed'}; "
        f"each timing run {bench.runs}x; wall time of whole processes, medians"
    )
    with tempfile.TemporaryDirectory(prefix="ohw-bench-") as folder:
        big_mesh(bench, Path(folder))
    with tempfile.TemporaryDirectory(prefix="ohw-bench-") as folder:
        corpus(bench, Path(folder), options.corpus)
    if options.sizes:
        with tempfile.TemporaryDirectory(prefix="ohw-bench-") as folder:
            sizes(bench, Path(folder))

    print_targets(bench.targets)
    print(f"\n(the whole benchmark took {time.perf_counter() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
