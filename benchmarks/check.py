"""How fast ``ohw check`` gates a repository of parts, side by side with what the
Voron printer's CI does today: ``admesh`` run once per STL file.

Run it by hand from the project root, with the Python that has ohw installed:

    python benchmarks/check.py [--runs N] [--corpus PATH]

A design holds every STL of the corpus (../shared/corpus/stl) as its parts,
committed in a new git repository. Round by round, so that the machine's noise
falls on every tool alike, it times whole processes:

- ``admesh FILE`` for every file, one process each;
- a cold ``ohw check`` of the whole design (a fresh, empty OHW_CACHE_DIR);
- a warm ``ohw check`` (the same cache again, the design unchanged);
- ``python -c pass``, the floor any Python program stands on, for reference.

Targets: cold ohw check <= 1.0x admesh, warm <= 0.1x admesh. Medians are printed,
with the ratios, and each target as met or MISSED.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from mesh import (
    DEFAULT_CORPUS,
    Bench,
    Run,
    Series,
    Target,
    describe_ohw,
    expect,
    fresh_folder,
    make_design,
    ohw_command,
    print_skip,
    print_times,
    ratio,
    run,
)

COLD_OVER_ADMESH = 1.0
WARM_OVER_ADMESH = 0.1


def admesh_each(bench: Bench, files: list[Path]) -> Run:
    """admesh once per file, as the Voron CI runs it: the wall time of them all."""
    assert bench.admesh is not None
    started = time.perf_counter()
    for path in files:
        run([bench.admesh, path], bench.env)
    return Run(time.perf_counter() - started, None, 0)


def measure(bench: Bench, folder: Path, files: list[Path]) -> None:
    design = make_design(folder, files, bench.env)
    check = [*bench.ohw, "check", "--format", "text", design]
    by_admesh = Series(f"admesh once per file, {len(files)} processes")
    cold = Series("ohw check, cold (fresh OHW_CACHE_DIR)")
    warm = Series("ohw check, warm (same cache, design unchanged)")
    python = Series("python -c pass (for reference)")
    run(check, bench.cached(fresh_folder(folder, "cache-")))  # untimed: bytecode written
    for _ in range(bench.runs):
        cache = fresh_folder(folder, "cache-")
        by_admesh.runs.append(admesh_each(bench, files))
        cold.runs.append(run(check, bench.cached(cache)))
        warm.runs.append(run(check, bench.cached(cache)))
        python.runs.append(run([sys.executable, "-c", "pass"], bench.env))
        shutil.rmtree(cache)
    print_times([by_admesh, cold, warm, python])
    expect(cold, {0, 1})
    expect(warm, {0, 1})
    said = subprocess.run(check, env=bench.env, capture_output=True, text=True, check=False)
    last = said.stdout.strip().splitlines()
    print(f"   ohw check says: {last[-1] if last else '(nothing)'}")
    cold_ratio = ratio(cold.seconds, by_admesh.seconds)
    warm_ratio = ratio(warm.seconds, by_admesh.seconds)
    print(
        f"   cold / admesh: {cold_ratio:.2f}x   warm / admesh: {warm_ratio:.2f}x   "
        f"python start / admesh: {ratio(python.seconds, by_admesh.seconds):.2f}x"
    )
    bench.targets += [
        Target("corpus design: cold ohw check / admesh", cold_ratio, COLD_OVER_ADMESH, "x", True),
        Target("corpus design: warm ohw check / admesh", warm_ratio, WARM_OVER_ADMESH, "x", True),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time ohw check against admesh per file.")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each timing")
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="the test corpus (holding stl/)"
    )
    options = parser.parse_args(argv)
    env = dict(os.environ)
    env.pop("OHW_CACHE_DIR", None)
    # An installed ohw runs from compiled bytecode (pip compiles it); without this an
    # editable install under PYTHONDONTWRITEBYTECODE compiles every module on every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    bench = Bench(max(1, options.runs), env, ohw_command(), shutil.which("admesh"))
    started = time.perf_counter()
    print(
        f"ohw check benchmark: {describe_ohw(bench.ohw, env)}, Python {platform.python_version()}"
    )
    print(f"{os.cpu_count()} CPUs; each timing run {bench.runs}x; whole processes, medians")
    stl_root = options.corpus / "stl"
    files = sorted(p for p in stl_root.rglob("*") if p.is_file() and p.suffix.lower() == ".stl")
    print(f"\nA design holding every STL of {stl_root} as a part: {len(files)} files")
    if not files or bench.admesh is None or shutil.which("git") is None:
        print_skip("needs the corpus's STL files, admesh (Debian package) and git")
        bench.targets += [
            Target("corpus design: cold ohw check / admesh", None, COLD_OVER_ADMESH, "x", True),
            Target("corpus design: warm ohw check / admesh", None, WARM_OVER_ADMESH, "x", True),
        ]
    else:
        with tempfile.TemporaryDirectory(prefix="ohw-bench-") as folder:
            measure(bench, Path(folder), files)
    print("\nTargets")
    width = max(len(t.what) for t in bench.targets)
    for target in bench.targets:
        print(target.row(width))
    print(f"\n(the whole benchmark took {time.perf_counter() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
