"""`ohw merge`: a git merge in which the design's manifests and BOMs are merged
again by meaning.

git's side (libgit2's merge of the trees, the index, MERGE_HEAD) is in
ohw.storage.vcs.merging; here every manifest, and every BOM a manifest names,
that both sides changed is merged by ohw.merge.files and staged: settled, or
conflicted field by field.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from ohw.design.paths import MANIFEST
from ohw.merge.files import merge_file, settle_file
from ohw.merge.plan import Conflict, Side
from ohw.storage.vcs import merging as git
from ohw.storage.vcs.repository import Identity
from ohw.storage.yaml.document import Document, ReadProblem
from ohw.storage.yaml.read import load_yaml

if TYPE_CHECKING:
    from ohw.mesh.batch import MeshResult


@dataclass(frozen=True)
class ConflictedFile:
    """A file the merge could not settle, with each side's content (None where
    that side deleted it or never had it) and, for a design file, its conflicts."""

    path: str
    sides: git.Versions
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True)
class MergeOutcome:
    status: Literal["up-to-date", "fast-forward", "merged", "conflicts"]
    commit: str | None
    merged_by_meaning: tuple[str, ...]  # design files both sides changed, merged by ohw
    conflicted: tuple[ConflictedFile, ...]
    notes: tuple[str, ...]  # e.g. a design file merged line by line, and why


def merge(
    folder: Path,
    revision: str,
    author: Callable[[], Identity],
    *,
    index_refreshed: bool = False,
) -> MergeOutcome:
    """Merge ``revision`` into the current branch of the repository at
    ``folder``. Who commits (``author``) is asked, as git asks, only where a
    merge commit is to be made, and before anything is written: a fast-forward
    needs no one. ``index_refreshed``: git's index was refreshed just before
    (by a fetch), and need not be again."""
    who = functools.cache(author)
    with git.begin_merge(
        folder, revision, before_merging=who, index_refreshed=index_refreshed
    ) as begun:
        if isinstance(begun, git.Done):
            return MergeOutcome(begun.status, begun.commit, (), (), ())
        merged, notes = _merge_design_files(begun)
        conflicted = tuple(
            ConflictedFile(path, sides, merged.get(path, ()))
            for path, sides in git.staged_conflicts(begun.repo)
        )
        if conflicted:
            return MergeOutcome("conflicts", None, tuple(merged), conflicted, tuple(notes))
        return MergeOutcome("merged", begun.commit(who()), tuple(merged), (), tuple(notes))


def conflicted_meshes(
    folder: Path, conflicted: tuple[ConflictedFile, ...]
) -> dict[str, dict[Side, MeshResult]]:
    """Each conflicted mesh's sides, analysed, so a person can choose (a side
    kept in Git LFS read from the store of the repository at ``folder``)."""
    if not conflicted:
        return {}  # and the mesh reader is not even loaded
    from ohw.mesh.reader import MESH_FORMATS

    if not any(Path(f.path).suffix.lower() in MESH_FORMATS for f in conflicted):
        return {}
    from ohw.mesh.batch import analyse_sources, lfs_source
    from ohw.mesh.source import MeshSource
    from ohw.storage.lfs import parse_pointer

    def source(path: str, data: bytes) -> MeshSource:
        pointer = parse_pointer(data)
        return MeshSource(path, data=data) if pointer is None else lfs_source(folder, path, pointer)

    sources: list[tuple[str, Side, MeshSource]] = [
        (f.path, side, source(f.path, data))
        for f in conflicted
        if Path(f.path).suffix.lower() in MESH_FORMATS
        for side, data in f.sides.items()
        if data is not None
    ]
    results = analyse_sources([s for _, _, s in sources], None)
    found: dict[str, dict[Side, MeshResult]] = {}
    for (path, side, _), result in zip(sources, results, strict=True):
        found.setdefault(path, {})[side] = result
    return found


def conflicted_files(folder: Path, paths: list[str]) -> tuple[ConflictedFile, ...]:
    """The files among ``paths`` that the merge in progress left conflicted,
    with each side's content."""
    return tuple(ConflictedFile(path, sides) for path, sides in git.conflicts_in(folder, paths))


@dataclass(frozen=True)
class Resolution:
    """How `ohw resolve` settled one file."""

    path: str  # as given
    side: Side | None  # None: as the person edited it
    whole_file: bool  # the side's whole file taken
    fields: tuple[Conflict, ...] = ()  # the design fields settled with the side
    places: int = 0  # the places settled line by line with the side


def resolve(folder: Path, path: str, side: Side | None, *, whole_file: bool) -> Resolution:
    """Settle the conflicted ``path``: as edited (``side`` None), with one side's
    whole file (``whole_file``, and always for a mesh, any other binary file or
    a file a side deleted), or else only where both sides changed it: the
    fields (a manifest or BOM) or lines that conflict take ``side``'s version,
    and every change the merge made cleanly stays."""
    if side is None or whole_file:
        git.resolve(folder, path, side)
        return Resolution(path, side, whole_file=side is not None)
    ((relative, versions),) = git.conflicts_in(folder, [path], "resolve")
    ours, theirs = versions["ours"], versions["theirs"]
    if ours is None or theirs is None or _binary(relative, versions):
        git.resolve(folder, path, side)
        return Resolution(path, side, whole_file=True)
    by_meaning = relative in _design_paths(git.current_merge(folder), functools.cache(load_yaml))
    settled = settle_file(relative, versions["base"], ours, theirs, side, by_meaning=by_meaning)
    git.settle(folder, path, settled.data)
    return Resolution(path, side, False, settled.fields, settled.places)


def _binary(path: str, versions: git.Versions) -> bool:
    """A mesh, or a file git takes for binary (a NUL among its first 8,000 bytes)."""
    from ohw.mesh.reader import MESH_FORMATS

    if PurePosixPath(path).suffix.lower() in MESH_FORMATS:
        return True
    return any(data is not None and b"\0" in data[:8000] for data in versions.values())


def _merge_design_files(begun: git.Begun) -> tuple[dict[str, tuple[Conflict, ...]], list[str]]:
    """Merge by meaning every design file both sides changed; return those
    files with their conflicts, and notes on any merged line by line."""
    # The manifests are read to find the BOMs, then merged: read each content once.
    read = functools.cache(load_yaml)
    merged: dict[str, tuple[Conflict, ...]] = {}
    notes = []
    for path in sorted(_design_paths(begun, read)):
        versions = begun.versions(path)
        old, mine, other = versions["base"], versions["ours"], versions["theirs"]
        if mine is None or other is None or mine == other or old in (mine, other):
            continue
        result = merge_file(path, old, mine, other, read=read)
        begun.stage(path, result.data, clean=result.clean)
        if result.fallback:
            notes.append(f"{path} was merged line by line: {result.fallback}")
        if result.rewritten:
            notes.append(f"{path} was written anew, without ours' comments: {result.rewritten}")
        merged[path] = result.conflicts
    return merged, notes


def _design_paths(begun: git.Begun, read: Callable[[bytes], Document]) -> set[str]:
    """Manifests anywhere in either side, and the BOM files they name."""
    found: set[str] = set()
    for path in begun.paths_named(MANIFEST):
        found.add(path)
        versions = begun.versions(path)
        for content in (versions["ours"], versions["theirs"]):
            if content is None:
                continue
            try:
                data = read(content).data
            except ReadProblem:
                continue
            bom = data.get("bom") if isinstance(data, dict) else None
            if isinstance(bom, str):
                found.add(str(PurePosixPath(path).parent / bom).removeprefix("./"))
    return found
