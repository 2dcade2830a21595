"""The tree of designs a design comes from: its lineage entries, each read again
from the manifest at its pinned commit wherever that commit is available
locally, and so on up. An entry whose commit is not here is shown as recorded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ohw.design.reader import ContentReader
from ohw.storage.cache import cache_directory
from ohw.storage.tree import DesignTree
from ohw.storage.vcs.history import pinned_design

# Lineage is written by people as well as by ohw: a loop must not hang the reader.
MAX_DEPTH = 32


@dataclass(frozen=True)
class LineageNode:
    """A design in the tree: the one asked about (``relation`` None), or a source
    it was forked, remixed or branched from, as its lineage entry records it."""

    design: str
    title: str | None
    relation: str | None  # fork, remix or variant
    url: str | None
    commit: str | None  # the pinned commit
    license: dict[str, str]
    parts: tuple[str, ...]  # for a remix, the parts taken
    available: bool  # the pinned commit was found locally (always True for the root)
    found_in: str | None  # "this repository", or the local repository it was found in
    notes: tuple[str, ...]
    sources: tuple[LineageNode, ...]


def design_lineage(tree: DesignTree) -> LineageNode:
    """The lineage of the design in ``tree`` (the working tree, or a commit)."""
    reader = ContentReader(cache_directory(tree.location))
    manifest = reader.manifest_data(tree) or {}
    return LineageNode(
        design=_text(manifest.get("name")) or tree.location.resolve().name,
        title=_text(manifest.get("title")),
        relation=None,
        url=None,
        commit=tree.revision,
        license=_licenses(manifest.get("license")),
        parts=(),
        available=True,
        found_in=tree.label,
        notes=() if manifest else ("ohw.yaml cannot be read",),
        sources=_sources(manifest, reader, tree.location, set(), 0),
    )


def _sources(
    manifest: dict[str, Any], reader: ContentReader, folder: Path, seen: set[str], depth: int
) -> tuple[LineageNode, ...]:
    entries = manifest.get("lineage")
    if not isinstance(entries, list):
        return ()
    nodes = [_node(e, reader, folder, seen, depth) for e in entries if isinstance(e, dict)]
    # A fork keeps its source's lineage: an entry that a sibling's source also
    # records came through that sibling, and is shown there only.
    inherited = [_pinned_below(node) for node in nodes]
    return tuple(
        node
        for number, node in enumerate(nodes)
        if not any(node.commit in below for other, below in enumerate(inherited) if other != number)
    )


def _pinned_below(node: LineageNode) -> set[str]:
    """The commits pinned anywhere among ``node``'s sources."""
    found: set[str] = set()
    for source in node.sources:
        found |= ({source.commit} if source.commit else set()) | _pinned_below(source)
    return found


def _node(
    entry: dict[str, Any], reader: ContentReader, folder: Path, seen: set[str], depth: int
) -> LineageNode:
    commit, url = _text(entry.get("commit")), _text(entry.get("url"))
    recorded = _licenses(entry.get("license"))
    found = pinned_design(folder, commit, url) if commit else None
    notes: list[str] = []
    sources: tuple[LineageNode, ...] = ()
    if found is not None:
        tree, _ = found
        pinned = reader.manifest_data(tree)
        if pinned is None:
            notes.append(f"ohw.yaml cannot be read at {tree.label}")
        elif commit in seen or depth >= MAX_DEPTH:
            notes.append("shown above: the lineage goes round in a loop")
        else:
            actual = _licenses(pinned.get("license"))
            differing = {k: actual.get(k, "none") for k in recorded if actual.get(k) != recorded[k]}
            if differing:
                notes.append(
                    "the licence recorded here differs from the design's at that commit: "
                    + ", ".join(f"{k} {v}" for k, v in differing.items())
                )
            sources = _sources(pinned, reader, folder, seen | {str(commit)}, depth + 1)
    parts = entry.get("parts")
    return LineageNode(
        design=_text(entry.get("design")) or url or "?",
        title=_text(entry.get("title")),
        relation=_text(entry.get("relation")),
        url=url,
        commit=commit,
        license=recorded,
        parts=tuple(p for p in parts if isinstance(p, str)) if isinstance(parts, list) else (),
        available=found is not None,
        found_in=found[1] if found else None,
        notes=tuple(notes),
        sources=sources,
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _licenses(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}
