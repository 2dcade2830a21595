"""Helpers the tests share: where things are, and running ohw and git for real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CORPUS = ROOT.parent / "shared" / "corpus"
# The console script installed next to this interpreter: the program a user runs.
OHW = Path(sys.executable).parent / "ohw"


_RECORD = [("normal", "<f4", (3,)), ("corners", "<f4", (3, 3)), ("attribute", "<u2")]


def binary_stl(facets, normals=None, *, header: bytes = b"ohw test", count=None) -> bytes:
    """Binary STL of ``facets`` (corners), written here and not by ohw: with
    ``normals`` as given (else zero, "work it out"), and the facet count given
    by ``count`` when it should lie."""
    import numpy as np

    table = np.zeros(len(facets), dtype=_RECORD)
    table["corners"] = np.asarray(facets, dtype=np.float64).reshape(-1, 3, 3)
    if normals is not None:
        table["normal"] = normals
    number = len(facets) if count is None else count
    return header.ljust(80, b" ")[:80] + int(number).to_bytes(4, "little") + table.tobytes()


def outward_normals(facets):
    """Unit normals of the facets from their winding (zero for no area)."""
    import numpy as np

    corners = np.asarray(facets, dtype=np.float64)
    cross = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    length = np.linalg.norm(cross, axis=1, keepdims=True)
    return np.divide(cross, length, out=np.zeros_like(cross), where=length > 0)


def box_facets(low=(0.0, 0.0, 0.0), high=(10.0, 10.0, 10.0)) -> list:
    """The 12 facets of the box from ``low`` to ``high``, wound outwards; every face is
    cut along the diagonal from its corner nearest ``low``, so that two boxes sharing a
    face cut it alike."""
    facets = []
    for k in range(3):
        i, j = (k + 1) % 3, (k + 2) % 3
        for side in (low[k], high[k]):
            square = []
            for u, v in (
                (low[i], low[j]),
                (high[i], low[j]),
                (high[i], high[j]),
                (low[i], high[j]),
            ):
                point = [0.0, 0.0, 0.0]
                point[i], point[j], point[k] = u, v, side
                square.append(tuple(point))
            p00, p10, p11, p01 = square
            if side == high[k]:  # e_i x e_j = e_k: counter-clockwise faces +k
                facets += [[p00, p10, p11], [p00, p11, p01]]
            else:
                facets += [[p00, p11, p10], [p00, p01, p11]]
    return facets


def cube_stl(size: float = 10.0) -> bytes:
    """A closed, printable cube as binary STL: a real part for a design."""
    import trimesh

    box = trimesh.creation.box(extents=(size, size, size))
    box.apply_translation((size / 2, size / 2, size / 2))
    return box.export(file_type="stl")


def run_ohw(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ohw as a user would, in a separate process (``env``
    adds to the environment)."""
    return subprocess.run(
        [str(OHW), *map(str, args)],
        cwd=cwd,
        env={**os.environ, **env} if env else None,
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


def desk_lamp_repository(folder: Path) -> Path:
    """The desk lamp example as a git repository in ``folder``, one commit on main."""
    import shutil

    shutil.copytree(EXAMPLES / "desk-lamp", folder)
    git("init", "-q", "-b", "main", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-qm", "The desk lamp", cwd=folder)
    return folder


def write_files(folder: Path, files: dict[str, bytes | str]) -> None:
    """Each file of ``files`` (path in ``folder``: content), with its folders."""
    for path, content in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)


def ascii_stl(facets, name: str = "part") -> bytes:
    """ASCII STL of ``facets``, written here and not by ohw."""
    lines = [f"solid {name}"]
    for facet in facets:
        lines += ["  facet normal 0 0 0", "    outer loop"]
        lines += [f"      vertex {x:g} {y:g} {z:g}" for x, y, z in facet]
        lines += ["    endloop", "  endfacet"]
    lines.append(f"endsolid {name}")
    return ("\n".join(lines) + "\n").encode("ascii")


DEFECTIVE_MANIFEST = """\
ohw: 1
name: defective
title: A design with known defects
license:
  hardware: CERN-OHL-S-2.0
parts:
  - id: base
    export: parts/base.stl
  - id: lid
    export: parts/open lid.stl
  - id: knob
    export: parts/knob.stl
  - id: clip
    export: parts/clip.stl
bom: bom.yaml
instructions: instructions/
"""


def defective_design(folder: Path, repository: Path | None = None) -> Path:
    """A design with known defects in ``folder``, committed in a new git repository
    there (or in ``repository``, a folder holding it):
    a missing part file (OHW201, ohw.yaml line 12), a mesh with holes whose name
    has a space (OHW302, OHW208), an ASCII STL (OHW309), a file name Windows
    refuses (OHW207), and instructions citing an unknown BOM item (OHW602)."""
    facets = box_facets()
    files: dict[str, bytes | str] = {
        "ohw.yaml": DEFECTIVE_MANIFEST,
        "bom.yaml": "items:\n  - id: m3x10\n    name: M3x10 screw\n    quantity: 4\n",
        "instructions/01-assemble.md": (
            "# Assemble\n\nScrew [the lid](part:lid) on with [four screws](bom:m3x10).\n"
            "Then add [the washers](bom:washer).\n"
        ),
        "instructions/02-finish.md": "# Finish\n\nPress [the knob](part:knob) on.\n",
        "parts/base.stl": binary_stl(facets),
        "parts/open lid.stl": binary_stl(facets[:-2]),
        "parts/clip.stl": ascii_stl(facets, "clip"),
        "parts/notes:old.txt": "kept for reference\n",
    }
    write_files(folder, files)
    repository = repository or folder
    git("init", "-q", "-b", "main", cwd=repository)
    git("add", "-A", cwd=repository)
    git("commit", "-qm", "A defective design", cwd=repository)
    return folder


def push_to_bare(work: Path, server: Path) -> Path:
    """``work`` cloned bare to ``server``/lamp.git, and that made its tracked
    remote origin; returns ``server``."""
    server.mkdir()
    git("clone", "-q", "--bare", work, server / "lamp.git", cwd=server)
    git("remote", "add", "origin", server / "lamp.git", cwd=work)
    git("fetch", "-q", "origin", cwd=work)
    git("branch", "-q", "--set-upstream-to=origin/main", cwd=work)
    return server
