"""Designs kept in Git LFS, made by the git-lfs client as a maker's machine
makes them: the filters installed in the repository, meshes tracked by
pattern, committed as pointers with their objects in .git/lfs/objects."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from support import EXAMPLES
from support.run import git

MESHES = ("*.stl", "*.3mf", "*.obj")


def lfs_repository(folder: Path, source: Path = EXAMPLES / "desk-lamp") -> Path:
    """The design ``source`` copied to ``folder``, committed on main in a new
    repository that keeps its meshes in Git LFS."""
    shutil.copytree(source, folder)
    git("init", "-q", "-b", "main", cwd=folder)
    return move_into_lfs(folder)


def move_into_lfs(folder: Path, patterns: tuple[str, ...] = MESHES) -> Path:
    """The repository in ``folder`` (its work tree clean) with the files
    ``patterns`` match moved into Git LFS, in a commit of its own."""
    git("lfs", "install", "--local", cwd=folder)
    for pattern in patterns:
        git("lfs", "track", pattern, cwd=folder)
    git("add", "-A", cwd=folder)
    git("add", "--renormalize", ".", cwd=folder)
    git("commit", "-qm", "Meshes in Git LFS", cwd=folder)
    return folder


def lfs_files(folder: Path) -> list[str]:
    """The files of the work tree that git-lfs keeps, as paths in it."""
    return git("lfs", "ls-files", "--name-only", cwd=folder).splitlines()


def checkout_pointers(folder: Path) -> list[str]:
    """The LFS files of the work tree written as the pointers git keeps, as a
    clone made without the git-lfs client holds them; their paths."""
    files = lfs_files(folder)
    for path in files:
        (folder / path).write_bytes(git_bytes(folder, "cat-file", "blob", f"HEAD:{path}"))
    return files


def git_bytes(folder: Path, *args: str) -> bytes:
    """What git prints, as bytes."""
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, check=True).stdout


def remove_objects(folder: Path) -> None:
    """The repository's LFS objects gone, as after a clone that did not fetch them."""
    shutil.rmtree(folder / ".git" / "lfs" / "objects")
