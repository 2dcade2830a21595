"""The bills of materials a repository already has: which one ohw.yaml can name
(one ohw reads without error), and what they count of the printed parts
("1 x_carriage.stl" in Mendel90's generated bom/bom.txt)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ohw.adopt.names import words_of

BOM_SUFFIXES = (".csv", ".tsv", ".yaml", ".yml", ".md", ".txt", ".json", ".ods", ".xlsx", ".xls")
_BOM_NAMES = re.compile(
    r"^(.*\bbom\b.*|bill[ _-]?of[ _-]?materials.*|parts?[ _-]?list|vitamins)$", re.IGNORECASE
)
_TEXT_SUFFIXES = (".csv", ".tsv", ".md", ".txt")
MAX_BOM_BYTES = 1_000_000
_MESH_NAME = re.compile(r"[^\s|,;\t\"']{1,255}\.(?:stl|3mf|obj)\b", re.IGNORECASE)
MAX_LINE = 4096  # characters: a BOM's line is a row of a table, not a page
_COUNT_BEFORE = re.compile(r"(\d+)\s*(?:x|×|pcs|pc)?\s*[|,;:\t-]?\s*[\"']?\s*$", re.IGNORECASE)
_COUNT_AFTER = re.compile(r"^[\"']?\s*[|,;\t]\s*(?:x\s*)?(\d+)\b", re.IGNORECASE)


@dataclass
class FoundBoms:
    named: str | None = None  # the BOM ohw.yaml names
    also_readable: list[str] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)  # path -> why ohw cannot read it
    # Printed parts' counts: mesh path -> (count, the BOM file saying it).
    counts: dict[str, tuple[int, str]] = field(default_factory=dict)


def is_bom_file(path: str) -> bool:
    name = PurePosixPath(path)
    stem = name.name[: -len(name.suffix)] if name.suffix else name.name
    in_bom_folder = any("bom" in words_of(folder) for folder in path.split("/")[:-1])
    named = bool(_BOM_NAMES.match(stem.replace("_", " ")))
    return name.suffix.lower() in BOM_SUFFIXES and (named or in_bom_folder)


def _scope(path: str) -> str:
    """The folder a BOM counts the parts of: its own, or above a bom/ folder."""
    folders = path.split("/")[:-1]
    while folders and {"bom", "boms"} & set(words_of(folders[-1])):
        folders.pop()
    return "/".join(folders)


def _counts_in(text: str) -> dict[str, int]:
    """Mesh file names and the counts written beside them, line by line."""
    found: dict[str, int] = {}
    for line in text.splitlines():
        if len(line) > MAX_LINE:
            continue
        for match in _MESH_NAME.finditer(line):
            before = _COUNT_BEFORE.search(line[: match.start()])
            after = _COUNT_AFTER.search(line[match.end() :])
            count = before or after
            if count is not None and 0 < int(count.group(1)) < 10_000:
                name = PurePosixPath(match.group()).name.lower()
                found[name] = max(found.get(name, 0), int(count.group(1)))
    return found


def find_boms(
    files: list[str],
    meshes: list[str],
    read: Callable[[str], bytes],
    readable: Callable[[str, bytes], str | None],
) -> FoundBoms:
    """The BOM files among ``files``; ``readable`` says why ohw cannot read one as
    a design's BOM (None when it can). Counts apply to the ``meshes`` of the
    BOM's scope with the file name it gives; the largest count of a scope's BOMs
    is taken, as a whole machine's BOM counts what each assembly's does."""
    found = FoundBoms()
    candidates = sorted((p for p in files if is_bom_file(p)), key=lambda p: (p.count("/"), p))
    by_scope: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)
    for path in candidates:
        try:
            raw = read(path)[: MAX_BOM_BYTES + 1]
        except OSError as error:
            found.unreadable[path] = f"it cannot be read: {error.strerror or error}"
            continue
        why = readable(path, raw) if len(raw) <= MAX_BOM_BYTES else "it is over 1 MB"
        if why is None and found.named is None:
            found.named = path
        elif why is None:
            found.also_readable.append(path)
        else:
            found.unreadable[path] = why
        if path.lower().endswith(_TEXT_SUFFIXES):
            counts = by_scope[_scope(path)]
            for name, count in _counts_in(raw.decode("utf-8", "replace")).items():
                if count > counts.get(name, (0, ""))[0]:
                    counts[name] = (count, path)
    for scope, counts in by_scope.items():
        prefix = scope + "/" if scope else ""
        by_name: dict[str, list[str]] = defaultdict(list)
        for mesh in meshes:
            if mesh.startswith(prefix):
                by_name[PurePosixPath(mesh).name.lower()].append(mesh)
        for name, (count, path) in counts.items():
            if len(by_name.get(name, [])) == 1:
                found.counts[by_name[name][0]] = (count, path)
    return found
