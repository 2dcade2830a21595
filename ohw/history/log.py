"""A design's history by meaning: each commit's design changes (`ohw log`), and
each variant's differences from the default branch (`ohw variant list`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ohw.history.diff import DesignDiff, DesignReader
from ohw.storage.cache import cache_directory
from ohw.storage.vcs.history import CommitInfo, branches, history
from ohw.storage.vcs.repository import commit_tree


@dataclass(frozen=True)
class LogEntry:
    commit: CommitInfo
    changes: DesignDiff  # against the first parent


def design_log(folder: Path, revision: str, limit: int | None) -> Iterator[LogEntry]:
    """The commits reachable from ``revision``, newest first, each with its
    design changes; one reader for all, so each file version is read once."""
    reader = DesignReader(cache_directory(folder))
    for entry in history(folder, revision, limit):
        yield LogEntry(entry.commit, reader.diff(entry.parent, entry.tree))


@dataclass(frozen=True)
class Variant:
    """A branch of the design, and how it differs from the default branch
    (None for the default branch itself)."""

    name: str
    commit: str
    current: bool
    changes: DesignDiff | None


@dataclass(frozen=True)
class Variants:
    default: str
    variants: tuple[Variant, ...]


def list_variants(folder: Path) -> Variants:
    found, default = branches(folder)
    reader = DesignReader(cache_directory(folder))
    base = commit_tree(folder, f"refs/heads/{default}")
    variants = tuple(
        Variant(
            branch.name,
            branch.commit,
            branch.current,
            None
            if branch.name == default
            else reader.diff(base, commit_tree(folder, f"refs/heads/{branch.name}")),
        )
        for branch in found
    )
    return Variants(default, variants)
