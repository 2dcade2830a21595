"""Whole repositories as their maintainers lay them out, made from the corpus's
file lists (repos/OWNER__NAME/tree.tsv): each mesh a small stand-in cube, each
file the corpus keeps (README, LICENSE, generated BOMs) as it is, every other
file a line of text saying what it stands in for."""

from __future__ import annotations

from pathlib import Path

from support import CORPUS
from support.meshes import cube_stl
from support.run import git

MESH_SUFFIXES = (".stl", ".3mf", ".obj")


def listed_paths(repository: str) -> list[str]:
    """The paths ``repos/REPOSITORY/tree.tsv`` lists."""
    lines = (CORPUS / "repos" / repository / "tree.tsv").read_text().splitlines()
    return [line.split("\t")[0] for line in lines[1:] if line.strip()]


def corpus_repository(repository: str, folder: Path, *, commit: bool = True) -> Path:
    """The repository ``repos/REPOSITORY`` made in ``folder``, committed as one commit."""
    kept = CORPUS / "repos" / repository
    cube = cube_stl(10.0)
    for path in listed_paths(repository):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.lower().endswith(MESH_SUFFIXES):
            target.write_bytes(cube)
        elif (kept / path).is_file():
            target.write_bytes((kept / path).read_bytes())
        elif (kept / "files" / path).is_file():
            target.write_bytes((kept / "files" / path).read_bytes())
        else:
            target.write_text(f"stand-in for {path}\n")
    if commit:
        git("init", "-q", "-b", "main", cwd=folder)
        git("add", "-A", cwd=folder)
        git("commit", "-qm", f"{repository} as laid out upstream", cwd=folder)
    return folder
