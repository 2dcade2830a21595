"""Paths written in a design's files: which are allowed, and how they are read.

A design refers to its files by paths relative to the folder holding ohw.yaml,
with '/' between names, so that the same text means the same file on every
system and at every commit.
"""

from __future__ import annotations

# typing takes 3 ms to load, and ohw.startup.ahead loads this module before it
# forks its workers.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

MANIFEST = "ohw.yaml"  # in the design's folder, its root
MESH_SUFFIXES = (".stl", ".3mf", ".obj")

_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_SCHEME = _LETTERS | frozenset("0123456789+.-")


def is_url(text: str) -> bool:
    """Whether ``text`` starts with a URL scheme and "://" (RFC 3986's letters).
    Without regular expressions: ``re`` takes 10 ms to load, and ohw.startup.ahead
    uses this module before it forks its workers."""
    scheme, found, _ = text.partition("://")
    return bool(found) and scheme[:1] in _LETTERS and all(c in _SCHEME for c in scheme)


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
    if path[:1] in _LETTERS and path[1:2] == ":":
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


def design_folder(path: Path | None = None) -> Path:
    """The folder of the design at or above ``path`` (default: the current
    folder), as git finds a repository from any folder inside it; ``path``
    itself where no folder above holds a manifest."""
    import os
    from pathlib import Path

    from ohw.storage.locations import design_root

    given = Path() if path is None else path
    if given.name == MANIFEST and given.is_file():
        return given.parent
    if (given / MANIFEST).is_file() or not given.is_dir():
        return given
    found = design_root(str(given), MANIFEST)
    if found is None:
        return given
    return Path(found) if given.is_absolute() else Path(os.path.relpath(found))
