"""OHW207-OHW211: file names that break tools, files too large for a repository,
and files a merge left conflicted.

Hardware repositories are checked out on Windows and macOS too, and built by
scripts: a name Windows refuses, two names only case tells apart, or a space
in a path breaks someone's clone or build. Every name of every file and folder
of the design is looked at; nothing is read but the conflicted files, for
their first conflict marker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ohw.checks.context import CheckContext
from ohw.design.findings import Finding, finding
from ohw.storage.tree import DesignTree, Kind
from ohw.storage.yaml.document import Location

# What Windows refuses in a name (besides control characters), and the device
# names it reserves with any extension: "nul.stl" is the device NUL.
_WINDOWS_ILLEGAL = re.compile(r'[<>:"|?*\\\x00-\x1f]')
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    *(f"COM{n}" for n in range(1, 10)),
    *(f"LPT{n}" for n in range(1, 10)),
}


def check_files(context: CheckContext) -> Iterator[Finding]:
    tree = context.design.tree
    files = [path for path in tree.files if not context.settings.ignores(path)]
    files = sorted(set(files) - tree.ignored(files))
    context.look_at(files)
    yield from _names(files)
    yield from _case_collisions(files)
    limit = context.settings.max_file_bytes
    for path in files:
        size = tree.size(path)
        if size > limit:
            yield finding(
                "OHW210",
                path,
                f"{path} is {size / (1 << 20):,.1f} MiB, more than the limit of "
                f"{context.settings.max_file_mib:g} MiB",
            )


def windows_problem(name: str) -> str | None:
    """Why Windows cannot hold a file or folder called ``name``, if it cannot."""
    bad = _WINDOWS_ILLEGAL.search(name)
    if bad:
        shown = repr(bad.group())[1:-1] if ord(bad.group()) < 32 else bad.group()
        return f"holds {shown!r}, which Windows does not allow in a name"
    if name.endswith((".", " ")):
        return "ends with a dot or a space, which Windows drops"
    device = name.split(".", maxsplit=1)[0].rstrip(" ").upper()
    if device in _WINDOWS_RESERVED:
        return f"is the Windows device name {device}"
    return None


def _names(files: list[str]) -> Iterator[Finding]:
    """Each file or folder name once, at its first path."""
    seen: set[str] = set()
    for path in files:
        names = path.split("/")
        for depth, name in enumerate(names, 1):
            place = "/".join(names[:depth])
            if place in seen:
                continue
            seen.add(place)
            what = "folder" if depth < len(names) else "file"
            problem = windows_problem(name)
            if problem:
                yield finding("OHW207", place, f"the {what} name {name!r} {problem}")
            elif " " in name:
                yield finding("OHW208", place, f"the {what} name {name!r} contains spaces")


def _case_collisions(files: list[str]) -> Iterator[Finding]:
    """Two paths one file on Windows or macOS: they differ only in case, or only
    in how a character is composed (é as one character, or as e and an accent:
    macOS takes both for one name)."""
    import unicodedata

    first: dict[str, str] = {}
    for path in files:
        folded = unicodedata.normalize("NFD", path).casefold()
        other = first.get(folded)
        if other is None:
            first[folded] = path
        elif other.lower() == path.lower():
            yield finding("OHW209", path, f"{path} and {other} differ only in upper and lower case")
        else:
            yield finding(
                "OHW209",
                path,
                f"{path} and {other} differ only in how their characters are composed "
                "(Unicode normalization): macOS takes them for one file",
            )


_MARKER = b"<<<<<<< "


def unfinished_merge(tree: DesignTree) -> list[Finding]:
    """OHW211 for each file of the design that the merge (or rebase...) git is
    in the middle of left conflicted, at its first conflict marker: meshes too,
    which hold none. What else is wrong with such a file waits until it is settled."""
    unfinished = tree.unfinished()
    if unfinished is None:
        return []
    found = []
    for path in unfinished.conflicted:
        message = f"{path} is still conflicted in the {unfinished.operation} in progress"
        found.append(finding("OHW211", path, message, _first_marker(tree, path)))
    return found


def _first_marker(tree: DesignTree, path: str) -> Location | None:
    if tree.resolve(path).kind is not Kind.FILE:
        return None  # deleted on one side, or no longer there
    for number, line in enumerate(tree.read_bytes(path).splitlines(), 1):
        if line.startswith(_MARKER):
            return Location(number, 1)
    return None
