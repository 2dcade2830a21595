"""How much checking a design whose meshes are in Git LFS costs, side by side
with the same design without LFS.

Run it by hand from the project root, with the Python that has ohw installed:

    python benchmarks/lfs.py [--runs N] [--corpus PATH]

A design holds every STL of the corpus (../shared/corpus/stl) as its parts. It is
committed twice, in a plain repository and in one whose meshes git-lfs keeps
(`git lfs track "*.stl"`), each pushed to a bare file:// remote and cloned fresh
by `ohw clone`, as a CI job or a Fab Lab gets it (the LFS clone's objects
fetched and checked out). Round by round, so that the machine's noise falls on
each alike, it times whole processes:

- a cold `ohw check` (a fresh, empty OHW_CACHE_DIR) of the plain clone, of the
  LFS clone, and of the LFS clone with its pointers checked out instead of the
  meshes (as a clone made without the git-lfs client has them, the objects in
  .git/lfs/objects: ohw reads each from there, verified);
- a warm `ohw check` of each (the same cache, the clone unchanged).

Target: the LFS clone's check, cold and warm, <= 1.1x the plain clone's. The
pointer checkout's ratios are printed for reference.
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

from merge import git
from mesh import DEFAULT_CORPUS, RECENT_SECONDS, make_design
from timing import (
    Series,
    Target,
    as_installed,
    describe_ohw,
    expect,
    fresh_folder,
    ohw_command,
    print_cpu_times,
    print_skip,
    print_targets,
    print_times,
    ratio,
    run,
)

LFS_OVER_PLAIN = 1.1


def served_clone(ohw: list[str], env: dict[str, str], design: Path, name: str) -> Path:
    """``design`` pushed (with its LFS objects) to a bare file:// remote beside
    it, and cloned from there by ohw into a folder ``name``."""
    bare = design.parent / f"{name}.git"
    git(design.parent, "init", "-q", "--bare", str(bare), env=env)
    git(design, "push", "-q", bare.as_uri(), "main", env=env)
    if (design / ".gitattributes").is_file():
        git(design, "lfs", "push", "--all", bare.as_uri(), env=env)
    clone = design.parent / name
    subprocess.run([*ohw, "clone", bare.as_uri(), clone], env=env, check=True, capture_output=True)
    return clone


def pointer_checkout(env: dict[str, str], clone: Path) -> Path:
    """A copy of the LFS clone whose meshes are the pointers git keeps."""
    copy = clone.parent / f"{clone.name}-pointers"
    shutil.copytree(clone, copy, symlinks=True)
    for path in git(copy, "lfs", "ls-files", "--name-only", env=env).splitlines():
        blob = subprocess.run(
            ["git", "cat-file", "blob", f"HEAD:{path}"], cwd=copy, capture_output=True, check=True
        ).stdout
        (copy / path).write_bytes(blob)
    return copy


def measure(
    ohw: list[str], env: dict[str, str], folder: Path, files: list[Path], runs: int
) -> list[Target]:
    plain_design = make_design(folder / "plain", files, env)
    lfs_design = make_design(folder / "lfs", files, env)
    git(lfs_design, "lfs", "install", "--local", env=env)
    git(lfs_design, "lfs", "track", "*.stl", env=env)
    git(lfs_design, "add", ".gitattributes", env=env)
    git(lfs_design, "add", "--renormalize", ".", env=env)
    git(lfs_design, "commit", "-q", "-m", "meshes in Git LFS", env=env)
    plain = served_clone(ohw, env, plain_design, "plain-clone")
    in_lfs = served_clone(ohw, env, lfs_design, "lfs-clone")
    pointers = pointer_checkout(env, in_lfs)
    time.sleep(RECENT_SECONDS)  # files not just written: a warm check may replay its record
    kinds = {"plain": plain, "LFS": in_lfs, "LFS, pointers checked out": pointers}
    cold = {k: Series(f"{k}: ohw check, cold") for k in kinds}
    warm = {k: Series(f"{k}: ohw check, warm") for k in kinds}
    for clone in kinds.values():  # untimed: bytecode written
        run([*ohw, "check", clone], {**env, "OHW_CACHE_DIR": str(fresh_folder(folder, "c-"))})
    for _ in range(runs):
        for kind, clone in kinds.items():
            cache = {**env, "OHW_CACHE_DIR": str(fresh_folder(folder, "cache-"))}
            cold[kind].runs.append(run([*ohw, "check", clone], cache))
            warm[kind].runs.append(run([*ohw, "check", clone], cache))
            shutil.rmtree(cache["OHW_CACHE_DIR"])
    rows = [*cold.values(), *warm.values()]
    print_times(rows)
    print_cpu_times(rows)
    for series in rows:
        expect(series, {0, 1})
    said = {
        kind: subprocess.run(
            [*ohw, "check", "--json", clone], env=env, capture_output=True, text=True, check=False
        ).stdout.replace(str(clone), "CLONE")
        for kind, clone in kinds.items()
    }
    same = len(set(said.values())) == 1
    print(f"   the three checks report {'the same' if same else 'DIFFERENT'} findings")
    found = {}
    for label, series in (("cold", cold), ("warm", warm)):
        for kind in ("LFS", "LFS, pointers checked out"):
            found[(label, kind)] = ratio(series[kind].seconds, series["plain"].seconds)
            print(f"   {label}: {kind} / plain: {found[(label, kind)]:.2f}x")
    return [
        Target(f"{label} ohw check: LFS clone / plain clone", found[(label, "LFS")],
               LFS_OVER_PLAIN, "x", True)
        for label in ("cold", "warm")
    ]  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time ohw check of a design in Git LFS.")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each timing")
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="the test corpus (holding stl/)"
    )
    options = parser.parse_args(argv)
    env = as_installed(dict(os.environ))
    env.pop("OHW_CACHE_DIR", None)
    ohw = ohw_command()
    started = time.perf_counter()
    print(f"ohw check of a design in Git LFS: {describe_ohw(ohw, env)}, "
          f"Python {platform.python_version()}")  # fmt: skip
    print(f"{os.cpu_count()} CPUs; each timing run {max(1, options.runs)}x; whole processes")
    stl_root = options.corpus / "stl"
    files = sorted(p for p in stl_root.rglob("*") if p.is_file() and p.suffix.lower() == ".stl")
    print(f"\nA design holding every STL of {stl_root} as a part: {len(files)} files")
    has_lfs = subprocess.run(["git", "lfs", "version"], capture_output=True, check=False)
    if not files or has_lfs.returncode != 0:
        print_skip("needs the corpus's STL files and git-lfs (Debian package)")
        targets = [
            Target(f"{label} ohw check: LFS clone / plain clone", None, LFS_OVER_PLAIN, "x", True)
            for label in ("cold", "warm")
        ]
    else:
        with tempfile.TemporaryDirectory(prefix="ohw-bench-") as folder:
            targets = measure(ohw, env, Path(folder), files, max(1, options.runs))
    print_targets(targets)
    print(f"\n(the whole benchmark took {time.perf_counter() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
