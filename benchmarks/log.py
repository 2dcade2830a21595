"""How fast ``ohw log`` summarises a few hundred commits of design changes, side
by side with ``git log -p`` (the line diff a user reads today) and ``git log
--stat``.

Run it by hand from the project root, with the Python that has ohw installed:

    python benchmarks/log.py [--commits N] [--runs N]

It makes the desk lamp example a git repository and commits N changes to it
(default 300), in turn: a BOM quantity, the manifest's version, a part's mesh
(a new cube, so every mesh commit has new content to analyse), and a file
outside the design's meaning. Then it times whole processes: ``ohw log`` cold (a
fresh, empty OHW_CACHE_DIR each run, so every changed mesh is analysed and every
manifest and BOM parsed), ``ohw log`` warm (the same cache again), ``ohw log -n
1`` (start-up), ``git log -p`` and ``git log --stat``, and prints medians and
ratios. Nothing outside a temporary folder is written.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
OHW = Path(sys.executable).parent / "ohw"
# Target: a person waits no longer for the log of a few hundred commits, once
# their files have been read (git log -p, which reads no meaning, is the yardstick).
WARM_SECONDS = 1.5
WASHERS = re.compile(r"(id: m3-washer\n(?:.*\n)*?    quantity: )[0-9]+")


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def cube(size: float) -> bytes:
    import trimesh

    box = trimesh.creation.box(extents=(size, size, size))
    return bytes(box.export(file_type="stl"))


def make_history(folder: Path, commits: int) -> None:
    shutil.copytree(PROJECT / "examples" / "desk-lamp", folder)
    git("init", "-q", "-b", "main", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-qm", "The desk lamp", cwd=folder)
    bom, manifest = folder / "bom.yaml", folder / "ohw.yaml"
    for number in range(commits):
        kind = number % 4
        if kind == 0:
            text = bom.read_text()
            bom.write_text(WASHERS.sub(rf"\g<1>{5 + number}", text, count=1))
        elif kind == 1:
            text = manifest.read_text()
            start = text.index("version: ")
            end = text.index("\n", start)
            manifest.write_text(f"{text[:start]}version: 1.{number}.0{text[end:]}")
        elif kind == 2:
            (folder / "parts" / "knob.stl").write_bytes(cube(10.0 + number / 100))
        else:
            (folder / "notes.txt").write_text(f"note {number}\n")
            git("add", "notes.txt", cwd=folder)
        git("commit", "-qam", f"Change {number}", cwd=folder)


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ohw-log-bench-") as temporary:
        root = Path(temporary)
        design = root / "lamp"
        print(f"making {options.commits} commits ...", flush=True)
        make_history(design, options.commits)
        warm_cache = root / "warm-cache"
        base_env = {**os.environ, "GIT_PAGER": "cat"}
        subprocess.run([str(OHW), "log"], cwd=design, check=True, stdout=subprocess.DEVNULL,
                       env={**base_env, "OHW_CACHE_DIR": str(warm_cache)})  # fmt: skip
        runs: dict[str, list[str]] = {
            "ohw log (cold)": [str(OHW), "log"],
            "ohw log (warm)": [str(OHW), "log"],
            "ohw log -n 1 (warm)": [str(OHW), "log", "-n", "1"],
            "git log -p": ["git", "log", "-p"],
            "git log --stat": ["git", "log", "--stat"],
        }
        times: dict[str, list[float]] = {name: [] for name in runs}
        for run in range(options.runs):
            for name, command in runs.items():
                cache = root / f"cold-{run}" if "cold" in name else warm_cache
                env = {**base_env, "OHW_CACHE_DIR": str(cache)}
                times[name].append(timed(command, design, env))
        median = {name: statistics.median(values) for name, values in times.items()}
        print(f"\n{options.commits + 1} commits, median of {options.runs} runs (wall time):")
        for name, values in times.items():
            low, high = min(values), max(values)
            print(f"  {name:<20} {median[name]:7.3f} s  (min {low:.3f}, max {high:.3f})")
        patch = median["git log -p"]
        warm, cold = median["ohw log (warm)"], median["ohw log (cold)"]
        per_commit = (warm - median["ohw log -n 1 (warm)"]) / options.commits * 1000
        print(f"\n  ohw log (warm) / git log -p = {warm / patch:.1f}")
        print(f"  ohw log (cold) / git log -p = {cold / patch:.1f}")
        print(f"  each further commit, warm: {per_commit:.2f} ms (start-up taken away)")
        verdict = "met" if warm <= WARM_SECONDS else "MISSED"
        count = options.commits + 1
        print(f"\ntarget: warm ohw log of {count} commits <= {WARM_SECONDS} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
