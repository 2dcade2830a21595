"""Designs and repositories to test on, made here for real: the desk lamp
example, a design with known defects, designs written from a manifest; edits
made and committed to them, and what they hold read back."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from support import EXAMPLES
from support.meshes import ascii_stl, binary_stl, box_facets
from support.run import git


def write_files(folder: Path, files: dict[str, bytes | str]) -> None:
    """Each file of ``files`` (path in ``folder``: content), with its folders."""
    for path, content in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)


def write_design(folder: Path, manifest: str, files: dict[str, bytes | str] | None = None) -> Path:
    """A design in ``folder`` (made if need be): ``manifest`` as its ohw.yaml
    (dedented, so that it may be written indented in a test), and ``files``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ohw.yaml").write_text(textwrap.dedent(manifest))
    write_files(folder, dict(files or {}))
    return folder


MINIMAL_MANIFEST = "ohw: 1\nname: {name}\ntitle: A design\nlicense:\n  hardware: MIT\n"


def minimal_design(folder: Path) -> Path:
    """The least a design can be: a manifest with a name, a title and a licence."""
    return write_design(folder, MINIMAL_MANIFEST.format(name=folder.name))


def init_and_commit(folder: Path, message: str, *flags: str) -> Path:
    """``folder`` made a git repository (``git init`` with ``flags``) with a
    first commit, on main, of everything in it."""
    git("init", "-q", "-b", "main", *flags, cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-qm", message, cwd=folder)
    return folder


def desk_lamp_repository(folder: Path) -> Path:
    """The desk lamp example as a git repository in ``folder``, one commit on main."""
    shutil.copytree(EXAMPLES / "desk-lamp", folder)
    return init_and_commit(folder, "The desk lamp")


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
# What the defective design reports, in the order a check reports it: (id, file, line).
DEFECTS = [
    ("OHW602", "instructions/01-assemble.md", 4),
    ("OHW201", "ohw.yaml", 12),
    ("OHW309", "parts/clip.stl", None),
    ("OHW207", "parts/notes:old.txt", None),
    ("OHW208", "parts/open lid.stl", None),
    ("OHW302", "parts/open lid.stl", None),
]


def defective_design(folder: Path, repository: Path | None = None) -> Path:
    """A design with known defects in ``folder``, committed in a new git repository
    there (or in ``repository``, a folder holding it):
    a missing part file (OHW201, ohw.yaml line 12), a mesh with holes whose name
    has a space (OHW302, OHW208), an ASCII STL (OHW309), a file name Windows
    refuses (OHW207), and instructions citing an unknown BOM item (OHW602):
    DEFECTS lists them."""
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
    init_and_commit(repository or folder, "A defective design")
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


def edit(folder: Path, path: str, old: str, new: str) -> None:
    """Replace the first ``old`` in the file ``path`` of ``folder`` with ``new``
    (it must be there)."""
    file = folder / path
    text = file.read_text()
    assert old in text, f"{old!r} is not in {path}"
    file.write_text(text.replace(old, new, 1))


def commit_edit(
    folder: Path,
    path: str,
    old: str,
    new: str,
    message: str | None = None,
    branch: str | None = None,
) -> None:
    """The edit, committed (on ``branch``, checked out first, if given) with
    ``message``, or "PATH: NEW" for want of one."""
    if branch is not None:
        git("checkout", "-q", branch, cwd=folder)
    edit(folder, path, old, new)
    git("commit", "-qam", message or f"{path}: {new.strip()}", cwd=folder)


def read_manifest(folder: Path) -> dict:
    """The data of the design's ohw.yaml, as ohw reads it."""
    from ohw.storage.yaml.read import load_yaml

    return load_yaml((folder / "ohw.yaml").read_bytes()).data


def read_bom(folder: Path) -> dict:
    """The data of the design's bom.yaml, as ohw reads it."""
    from ohw.storage.yaml.read import load_yaml

    return load_yaml((folder / "bom.yaml").read_bytes()).data


def files_in(folder: Path, *, skip_git: bool = False) -> dict[str, bytes]:
    """Every file under ``folder`` (its path relative to ``folder``: its bytes),
    untracked ones too; those of git's own .git folder left out if ``skip_git``."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and not (skip_git and ".git" in path.relative_to(folder).parts)
    }


CHOOSY = """\
ohw: 1
name: choosy
title: A lamp with choices
license: {hardware: CERN-OHL-S-2.0}
choices:
  - {id: head, title: Lamp head, default: round}
parts:
  - {id: base, export: parts/base.stl, material: PLA, process: 3d-printing}
  - {id: round, export: parts/round.stl, material: PLA, process: 3d-printing, choice: head}
  - {id: square, export: parts/square.stl, material: PLA, process: 3d-printing, choice: head}
  - {id: trim, export: parts/trim.stl, material: PLA, process: 3d-printing, colour: accent,
     quantity: 2}
  - {id: jig, export: parts/jig.stl, material: PLA, process: 3d-printing, optional: true,
     role: tool}
"""


def choosy_design(folder: Path) -> Path:
    """A design with a choice of two lamp heads, an accent part and an optional tool."""
    meshes = {f"parts/{name}.stl": binary_stl(box_facets()) for name in
              ("base", "round", "square", "trim", "jig")}  # fmt: skip
    return write_design(folder, CHOOSY, meshes)
