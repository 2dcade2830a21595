"""Paths written in a design's files: which are allowed, and how they are read.

A design refers to its files by paths relative to the folder holding ohw.yaml,
with '/' between names, so that the same text means the same file on every
system and at every commit.
"""

from __future__ import annotations

import re

MESH_SUFFIXES = (".stl", ".3mf", ".obj")

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DRIVE = re.compile(r"^[A-Za-z]:")


def is_url(text: str) -> bool:
    return bool(_URL.match(text))


def is_mesh(path: str) -> bool:
    return path.lower().endswith(MESH_SUFFIXES)


def path_problem(path: str, *, allow_parent: bool = False) -> str | None:
    """Why ``path`` may not be used in a design, or None if it may. With
    ``allow_parent``, '..' is left for ``join`` to judge (links in Markdown are
    relative to their file)."""
    if not path.strip():
        return "is empty"
    if "\0" in path:
        return "contains a NUL character"
    if "\\" in path:
        return "uses backslashes; write '/' between names"
    if _DRIVE.match(path):
        return "is a Windows drive path, outside the design"
    if path.startswith("/"):
        return "is absolute, outside the design"
    names = path.split("/")
    if ".." in names and not allow_parent:
        return "goes up out of the design with '..'"
    if any(name.lower() == ".git" for name in names):
        return "points into git's own .git folder"
    return None


def normalize(path: str) -> str:
    """``path`` without '.' names, repeated or trailing slashes (an allowed path)."""
    return "/".join(name for name in path.split("/") if name not in ("", "."))


def join(folder: str, relative: str) -> str | None:
    """``relative`` read from inside ``folder`` (both design paths), or None if it
    leaves the design."""
    names = [n for n in folder.split("/") if n not in ("", ".")]
    for name in relative.split("/"):
        if name in ("", "."):
            continue
        if name == "..":
            if not names:
                return None
            names.pop()
        else:
            names.append(name)
    return "/".join(names)
