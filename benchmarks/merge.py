"""How fast ``ohw merge`` merges a big design by meaning, side by side with git's
own line-by-line ``git merge`` of the same branches.

Run it by hand from the project root, with the Python that has ohw installed:

    python benchmarks/merge.py [--runs N] [--parts N] [--items N]

It generates a design (``ohw init``, then a manifest with 1,000 parts, each with
a small source file, and a BOM of 2,000 items with suppliers), commits it, and
makes two branches that both edit the manifest and the BOM: different fields of
different parts and items, items added at the same place on both sides, items
removed. Timed, as whole processes, each from the same starting commit:

1. ``ohw merge fork``: the merge git cannot do cleanly (both sides insert items
   at the same place), merged by meaning into a commit;
2. ``git merge fork``, line by line, for comparison (it stops on conflicts);
3. ``git merge fork`` with ohw as the merge driver for ohw.yaml and bom.yaml.

Target: ``ohw merge`` under 1 s. Nothing outside a temporary folder is written.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from timing import (
    Series,
    Target,
    as_installed,
    describe_ohw,
    expect,
    ohw_command,
    print_cpu_times,
    print_targets,
    print_times,
    run,
)

MERGE_SECONDS = 1.0  # ohw merge of the generated design, whole process

IDENTITY = {
    "GIT_AUTHOR_NAME": "benchmark",
    "GIT_AUTHOR_EMAIL": "benchmark@example.org",
    "GIT_COMMITTER_NAME": "benchmark",
    "GIT_COMMITTER_EMAIL": "benchmark@example.org",
}


def parts(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"part-{n:04d}",
            "name": f"Bracket {n}",
            "source": f"parts/part-{n:04d}.scad",
            "material": ("PLA", "PETG", "ABS")[n % 3],
            "process": "3d-printing",
            "quantity": 1 + n % 4,
        }
        for n in range(count)
    ]


def items(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"item-{n:04d}",
            "name": f"M3x{4 + n % 40} button head screw, ISO 7380, stainless, lot {n}",
            "quantity": 1 + n % 9,
            "category": "fasteners",
            "notes": f"Used in step {n % 30}; keep a few spares.",
            "suppliers": [
                {"name": "Reichelt elektronik", "unit-price": round(0.05 + n % 7 / 10, 2)},
            ],
        }
        for n in range(count)
    ]


def scalar(value: Any) -> str:
    return str(value)


def entries_text(entries: list[dict[str, Any]]) -> list[str]:
    """Block-style YAML for a list of mappings, as a person writes it."""
    lines = []
    for entry in entries:
        first = True
        for key, value in entry.items():
            lead = "  - " if first else "    "
            first = False
            if isinstance(value, list):
                lines.append(f"{lead}{key}:")
                for sub in value:
                    sub_lines = [f"{k}: {scalar(v)}" for k, v in sub.items()]
                    lines.append(f"      - {sub_lines[0]}")
                    lines += [f"        {line}" for line in sub_lines[1:]]
            else:
                lines.append(f"{lead}{key}: {scalar(value)}")
    return lines


def manifest_text(name: str, design_parts: list[dict[str, Any]]) -> str:
    head = [
        "ohw: 1",
        f"name: {name}",
        "title: A generated design for the merge benchmark",
        "version: 1.0.0",
        "license:",
        "  hardware: CERN-OHL-S-2.0",
        "  documentation: CC-BY-SA-4.0",
        "authors:",
        "  - name: benchmark",
        "    email: benchmark@example.org",
        "readme: README.md",
        "parts:",
    ]
    tail = ["bom: bom.yaml", "instructions: instructions/"]
    return "\n".join([*head, *entries_text(design_parts), *tail]) + "\n"


def bom_text(bom_items: list[dict[str, Any]]) -> str:
    return "\n".join(["# Purchased items", "items:", *entries_text(bom_items)]) + "\n"


def git(folder: Path, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=folder,
        env={**env, **IDENTITY},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def commit_side(
    folder: Path,
    branch: str,
    design_parts: list[dict[str, Any]],
    bom_items: list[dict[str, Any]],
    env: dict[str, str],
) -> None:
    git(folder, "checkout", "-q", branch, env=env)
    (folder / "ohw.yaml").write_text(manifest_text("merge-bench", design_parts), encoding="utf-8")
    (folder / "bom.yaml").write_text(bom_text(bom_items), encoding="utf-8")
    git(folder, "commit", "-qam", f"{branch}: edits", env=env)


def make_design(folder: Path, part_count: int, item_count: int, ohw: list[str], env: dict) -> Path:
    """The generated design on main and a branch 'fork', both edited since they parted."""
    design = folder / "merge-bench"
    subprocess.run([*ohw, "init", str(design)], env={**env, **IDENTITY}, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    base_parts, base_items = parts(part_count), items(item_count)
    for part in base_parts:
        (design / part["source"]).write_text(f"// {part['name']}\ncube(10);\n", encoding="utf-8")
    (design / "ohw.yaml").write_text(manifest_text("merge-bench", base_parts), encoding="utf-8")
    (design / "bom.yaml").write_text(bom_text(base_items), encoding="utf-8")
    git(design, "add", "-A", env=env)
    git(design, "commit", "-qm", "The generated design", env=env)
    git(design, "branch", "fork", env=env)

    # fork: quantities and prices of some items, materials of some parts, items
    # added after item 100, two items removed
    fork_parts, fork_items = parts(part_count), items(item_count)
    for part in fork_parts[::20]:
        part["material"] = "PETG-CF"
    for item in fork_items[::25]:
        item["quantity"] += 10
    for item in fork_items[5::40]:
        item["suppliers"][0]["unit-price"] = 9.99
    fork_items[101:101] = [
        {"id": f"fork-{n}", "name": f"Heat-set insert M3, {n}", "quantity": 4} for n in range(10)
    ]
    del fork_items[500], fork_items[900]
    commit_side(design, "fork", fork_parts, fork_items, env)

    # main: names of other parts, notes of other items, items added at the same
    # place as the fork's, another item removed, a part added at the end
    main_parts, main_items = parts(part_count), items(item_count)
    for part in main_parts[7::20]:
        part["name"] += " (reinforced)"
    for item in main_items[3::25]:
        item["notes"] = "Checked against the 2025 catalogue."
    main_items[101:101] = [
        {"id": f"main-{n}", "name": f"Zip tie 100 mm, {n}", "quantity": 2} for n in range(10)
    ]
    del main_items[1200]
    main_parts.append({**main_parts[0], "id": "part-extra", "name": "Extra bracket"})
    commit_side(design, "main", main_parts, main_items, env)
    return design


def merged_counts(design: Path) -> str:
    """What the merge made, to see that it kept both sides' edits (untimed)."""
    import yaml

    manifest = yaml.safe_load((design / "ohw.yaml").read_text(encoding="utf-8"))
    bom = yaml.safe_load((design / "bom.yaml").read_text(encoding="utf-8"))
    bom_items = bom["items"]
    ids = [i["id"] for i in bom_items]
    both = sum(1 for i in ids if i.startswith(("fork-", "main-")))
    edited = sum(1 for i in bom_items[:200] if i.get("notes", "").startswith("Checked"))
    return (
        f"{len(manifest['parts']):,} parts, {len(bom_items):,} BOM items "
        f"({both} added on the two sides, {edited} of main's notes among the first 200)"
    )


def use_driver(design: Path, ohw: list[str], env: dict[str, str]) -> None:
    """ohw as git's merge driver for the manifest and the BOM, in this clone only."""
    attributes = design / ".git" / "info" / "attributes"
    attributes.write_text("ohw.yaml merge=ohw\nbom.yaml merge=ohw\n", encoding="utf-8")
    git(design, "config", "merge.ohw.name", "ohw semantic merge", env=env)
    driver = " ".join([*ohw, "merge-driver", "%O", "%A", "%B", "%P"])
    git(design, "config", "merge.ohw.driver", driver, env=env)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time ohw merge against git merge.")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each timing")
    parser.add_argument("--parts", type=int, default=1000, help="parts in the manifest")
    parser.add_argument("--items", type=int, default=2000, help="items in the BOM")
    options = parser.parse_args(argv)
    env = as_installed(dict(os.environ))
    ohw = ohw_command()
    runs = max(1, options.runs)
    started = time.perf_counter()
    print(f"ohw merge benchmark: {describe_ohw(ohw, env)}, Python {platform.python_version()}")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; each timing run "
          f"{runs}x; wall time of whole processes, medians")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="ohw-bench-") as folder:
        design = make_design(Path(folder), options.parts, options.items, ohw, env)
        lines = sum(len((design / n).read_text().splitlines()) for n in ("ohw.yaml", "bom.yaml"))
        print(
            f"\n   A design of {options.parts:,} parts and {options.items:,} BOM items "
            f"({lines:,} lines of YAML); both branches edited both files"
        )
        start = git(design, "rev-parse", "main", env=env).strip()
        by_ohw = Series("ohw merge fork (by meaning, commits)")
        by_git = Series("git merge fork (line by line)")
        by_driver = Series("git merge fork, ohw as merge driver")
        merge_env = {**env, **IDENTITY}
        git_merge = ["git", "merge", "-q", "--no-edit", "fork"]
        # once untimed, to see what it makes (and to compile ohw's modules, as installing does)
        subprocess.run([*ohw, "merge", "fork"], env=merge_env, cwd=design, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        print(f"   ohw merge gave: {merged_counts(design)}")
        git(design, "reset", "-q", "--hard", start, env=env)
        for _ in range(runs):
            by_ohw.runs.append(run([*ohw, "merge", "fork"], merge_env, design))
            git(design, "reset", "-q", "--hard", start, env=env)
            by_git.runs.append(run(git_merge, merge_env, design))
            if (design / ".git" / "MERGE_HEAD").exists():
                git(design, "merge", "--abort", env=env)
            git(design, "reset", "-q", "--hard", start, env=env)
            use_driver(design, ohw, env)
            by_driver.runs.append(run(git_merge, merge_env, design))
            git(design, "reset", "-q", "--hard", start, env=env)
            (design / ".git" / "info" / "attributes").unlink()
        print_times([by_ohw, by_git, by_driver])
        print_cpu_times([by_ohw, by_git, by_driver])
        expect(by_ohw, {0})
        expect(by_git, {0, 1})
        expect(by_driver, {0})
        git_codes = sorted({r.returncode for r in by_git.runs})
        print(f"   git merge alone: exit {git_codes} (1: it stopped on conflicts)")
        print(f"   ohw merge / git merge: {by_ohw.seconds / by_git.seconds:.2f}x")
    what = f"ohw merge, {options.parts:,} parts, {options.items:,} BOM items"
    print_targets([Target(what, by_ohw.seconds, MERGE_SECONDS, "s", below=True, strict=True)])
    print(f"\n(the whole benchmark took {time.perf_counter() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
