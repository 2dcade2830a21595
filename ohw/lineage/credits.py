"""Credits: every design this one builds on, across the whole lineage.

The design's own lineage entries and the ``from`` of each remixed part name
upstream designs at pinned commits. Where this repository has such a commit (a
fork's history, a fetched upstream, a remix pin), the upstream's manifest is
read there, by the same reader as everything else, and its lineage followed in
turn; where it has not, the entry says why it could not be followed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ohw.design.paths import MANIFEST
from ohw.design.reader import open_design, read_design, read_valid_design
from ohw.errors import OhwError
from ohw.storage.files import write_atomically
from ohw.storage.tree import DesignTree

ATTRIBUTION = "ATTRIBUTION.md"
# The first line of a file ohw wrote: one without it was written by a person.
GENERATED = "<!-- Written by `ohw credits --write`: run it again instead of editing this file. -->"


@dataclass(frozen=True)
class Upstream:
    """A design this one builds on, at one commit."""

    design: str
    title: str | None
    url: str
    commit: str
    relations: tuple[str, ...]  # fork, remix, variant
    parts: tuple[str, ...]  # for a remix: the parts taken, by their id there
    license: dict[str, str]
    authors: tuple[dict[str, str], ...]
    via: str  # the design whose manifest records it
    depth: int  # 1 for this design's own upstream, 2 for theirs, ...
    followed: bool  # its manifest was read at the commit and its lineage followed
    unfollowed: str = ""  # why not

    def attribution(self) -> dict[str, Any]:
        """What credits it, as JSON: in `ohw credits --json` and a kit's kit.json."""
        return {
            "design": self.design,
            "title": self.title,
            "url": self.url,
            "commit": self.commit,
            "relations": list(self.relations),
            "parts": list(self.parts),
            "license": self.license,
            "authors": list(self.authors),
        }


@dataclass(frozen=True)
class Credits:
    design: str
    title: str | None
    license: dict[str, str]
    authors: tuple[dict[str, str], ...]
    upstream: tuple[Upstream, ...] = field(default=())


def collect_credits(folder: Path) -> Credits:
    """The credits of the design in ``folder``, as its working tree has it."""
    manifest = read_valid_design(open_design(folder)).manifest
    assert manifest is not None
    return design_credits(manifest.data, folder)


def design_credits(data: dict[str, Any], folder: Path) -> Credits:
    """The credits of a design whose manifest says ``data`` (at any revision),
    its upstream read from the repository holding ``folder``."""
    found: dict[str, Upstream] = {}
    pending = deque((record, 1) for record in _records(data, data["name"]))
    read_at = _reader(folder)
    while pending:
        record, depth = pending.popleft()
        known = found.get(record.commit)
        if known is not None:
            found[record.commit] = _merged(known, record)
            continue
        upstream_data, why = read_at(record.commit)
        if upstream_data is None:
            found[record.commit] = replace(record, depth=depth, followed=False, unfollowed=why)
            continue
        found[record.commit] = replace(
            record,
            title=record.title or upstream_data.get("title"),
            license=record.license or upstream_data.get("license", {}),
            authors=record.authors or tuple(upstream_data.get("authors", [])),
            depth=depth,
            followed=True,
        )
        pending.extend((r, depth + 1) for r in _records(upstream_data, upstream_data["name"]))
    return Credits(
        data["name"],
        data.get("title"),
        data.get("license", {}),
        tuple(data.get("authors", [])),
        tuple(found.values()),
    )


def _records(data: dict[str, Any], via: str) -> list[Upstream]:
    """What one manifest says it builds on: lineage entries and remixed parts."""
    records = [
        Upstream(
            design=entry["design"],
            title=entry.get("title"),
            url=entry["url"],
            commit=entry["commit"],
            relations=(entry["relation"],),
            parts=tuple(entry.get("parts", [])),
            license=entry.get("license", {}),
            authors=tuple(entry.get("authors", [])),
            via=via,
            depth=0,
            followed=False,
        )
        for entry in data.get("lineage", [])
    ]
    for part in data.get("parts", []):
        origin = part.get("from")
        if origin is not None:
            records.append(
                Upstream(
                    design=origin["design"],
                    title=None,
                    url=origin["url"],
                    commit=origin["commit"],
                    relations=("remix",),
                    parts=(origin["part"],),
                    license=origin.get("license", {}),
                    authors=(),
                    via=via,
                    depth=0,
                    followed=False,
                )
            )
    return records


def _merged(known: Upstream, more: Upstream) -> Upstream:
    """One upstream commit named twice (a lineage entry and a part's origin)."""
    return replace(
        known,
        title=known.title or more.title,
        relations=tuple(dict.fromkeys(known.relations + more.relations)),
        parts=tuple(dict.fromkeys(known.parts + more.parts)),
        license=known.license or more.license,
        authors=known.authors or more.authors,
    )


def _reader(folder: Path) -> Callable[[str], tuple[dict[str, Any] | None, str]]:
    """A function from a commit id to that design's manifest data there, or None
    and why not."""
    from ohw.storage.vcs.repository import commit_design, find_repository

    repo = find_repository(folder)

    def read_at(commit: str) -> tuple[dict[str, Any] | None, str]:
        if repo is None:
            return None, "this design is not in a git repository"
        tree: DesignTree | None = commit_design(repo, commit, folder)
        if tree is None:
            return None, (
                f"commit {commit[:7]} is not in this repository "
                "(fetch the design, or remix from it, to follow its lineage)"
            )
        if not tree.exists(MANIFEST):
            return None, f"there is no {MANIFEST} at commit {commit[:7]}"
        manifest = read_design(tree).manifest
        if manifest is None:
            return None, f"its {MANIFEST} at commit {commit[:7]} cannot be read"
        return manifest.data, ""

    return read_at


def save_attribution(folder: Path, text: str) -> bool:
    """Write ``ATTRIBUTION.md`` atomically; False if it already says ``text``.
    A file that ohw did not write is never replaced."""
    path = folder / ATTRIBUTION
    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = None
    except (OSError, UnicodeDecodeError) as error:
        raise OhwError(f"cannot read {ATTRIBUTION}: {error}") from None
    if old == text:
        return False
    if old is not None and not old.startswith(GENERATED):
        raise OhwError(
            f"{ATTRIBUTION} was not written by ohw credits, so ohw leaves it alone",
            "move it aside (or delete it) and run ohw credits --write again; "
            "ohw credits prints what it would write",
        )
    write_atomically(path, text.encode())
    return True
