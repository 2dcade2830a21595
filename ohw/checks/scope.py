"""What `ohw check --changed-since REV` checks: the files changed since REV,
and whatever refers to them.

A changed file re-checks the manifest entries that name it (a changed STL, its
part, and the part's other files) and the instructions that link it; a changed
BOM re-checks the instructions that cite BOM items. A changed manifest or
settings file changes the meaning of everything, so the whole design is checked.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ohw.design.findings import Finding
from ohw.design.instructions import links
from ohw.design.paths import MANIFEST, join, normalize, path_problem
from ohw.design.reader import Design
from ohw.design.settings import SETTINGS
from ohw.storage.yaml.document import Document, JsonPath, ReadProblem, decode_utf8


@dataclass(frozen=True)
class Scope:
    """Files whose findings are reported, and the manifest's lines that are."""

    changed: frozenset[str]  # design paths added, changed or deleted since the revision
    files: frozenset[str]  # those, and the files that refer to them
    manifest_lines: tuple[tuple[int, int], ...]  # first and last line of each entry kept

    def keeps(self, found: Finding) -> bool:
        if found.file in self.files:
            return True
        return (
            found.file == MANIFEST
            and found.line is not None
            and any(first <= found.line <= last for first, last in self.manifest_lines)
        )


def scope_of(design: Design, changed: set[str]) -> Scope | None:
    """The scope of a check of what changed; None when that is the whole design."""
    manifest = design.manifest
    document = design.manifest_document
    if MANIFEST in changed or SETTINGS in changed or manifest is None or document is None:
        return None
    files = set(changed)
    entries: set[JsonPath] = set()
    for reference in manifest.file_references():
        if path_problem(reference.path):
            continue
        named = normalize(reference.path)
        if any(path == named or path.startswith(f"{named}/") for path in changed):
            # A part's entry, whichever of its files changed; else the entry itself.
            entries.add(reference.at[:2] if reference.at[0] == "parts" else reference.at)
    for part_at in {at for at in entries if at[0] == "parts"}:
        files.update(
            normalize(reference.path)
            for reference in manifest.file_references()
            if reference.at[:2] == part_at and not path_problem(reference.path)
        )
    bom_changed = design.bom_path != MANIFEST and design.bom_path in changed
    files.update(_instructions_citing(design, changed, bom_changed=bom_changed))
    lines = tuple(sorted(_lines(document, at) for at in entries))
    return Scope(frozenset(changed), frozenset(files), lines)


def _instructions_citing(design: Design, changed: set[str], *, bom_changed: bool) -> set[str]:
    """The Markdown files of the instructions that link a changed file, or cite
    a BOM item when the BOM changed."""
    citing = set()
    for path in design.instruction_files():
        try:
            text = decode_utf8(design.tree.read_bytes(path), "OHW101")
        except ReadProblem:
            continue  # the instructions check reports it, if the file is in scope
        for link in links(text):
            reference = link.reference()
            target = link.local_path()
            linked = join(posixpath.dirname(path), target) if target is not None else None
            if (bom_changed and reference is not None and reference[0] == "bom") or (
                linked is not None and linked in changed
            ):
                citing.add(path)
                break
    return citing


def _lines(document: Document, at: JsonPath) -> tuple[int, int]:
    """The first and last line of the node at ``at``, its key included."""
    info = document.nodes.get(at) or document.info(at)
    if info is None or info.span is None:
        line = info.at.line if info else 1
        return line, line
    span = info.span
    start = span.key if span.key is not None else span.start
    text = document.text
    return text.count("\n", 0, start) + 1, text.count("\n", 0, max(span.end - 1, start)) + 1
