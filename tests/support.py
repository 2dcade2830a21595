"""Helpers the tests share: where things are, and running ohw and git for real."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CORPUS = ROOT.parent / "shared" / "corpus"
# The console script installed next to this interpreter: the program a user runs.
OHW = Path(sys.executable).parent / "ohw"


def cube_stl(size: float = 10.0) -> bytes:
    """A closed, printable cube as binary STL: a real part for a design."""
    import trimesh

    box = trimesh.creation.box(extents=(size, size, size))
    box.apply_translation((size / 2, size / 2, size / 2))
    return box.export(file_type="stl")


def run_ohw(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed ohw as a user would, in a separate process."""
    return subprocess.run(
        [str(OHW), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def git(*args: str | Path, cwd: Path) -> str:
    """Run the git command line, the reference client; fail the test if it fails."""
    done = subprocess.run(
        ["git", *map(str, args)], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, f"git {' '.join(map(str, args))} failed:\n{done.stderr}"
    return done.stdout
