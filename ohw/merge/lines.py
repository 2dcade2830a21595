"""Three versions of a text that differ only where a merge conflicts, combined
into one with git's conflict markers around each place they differ."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ohw.merge.plan import SIDES, Side


@dataclass(frozen=True)
class Labels:
    """What the conflict markers call each side, as git's do."""

    ours: str = "ours"
    base: str = "base"
    theirs: str = "theirs"


def with_markers(base: str, ours: str, theirs: str, labels: Labels) -> tuple[str, bool]:
    """A line-by-line three-way merge: each side's changes from ``base`` where only
    one side changed, and diff3-style marked hunks where both changed differently.
    Says whether there were any."""
    out: list[str] = []
    conflicted = False
    for chunk in _chunks(base, ours, theirs):
        if isinstance(chunk, str):
            out.append(chunk)
            continue
        conflicted = True
        chunk_base, chunk_ours, chunk_theirs = chunk
        out.append(f"<<<<<<< {labels.ours}\n")
        out.extend(_ended(chunk_ours))
        out.append(f"||||||| {labels.base}\n")
        out.extend(_ended(chunk_base))
        out.append("=======\n")
        out.extend(_ended(chunk_theirs))
        out.append(f">>>>>>> {labels.theirs}\n")
    return "".join(out), conflicted


def with_side(base: str, ours: str, theirs: str, side: Side) -> tuple[str, int]:
    """The same merge, each place both sides changed differently taken from
    ``side`` (as `git merge-file --ours` or `--theirs` does); and how many
    such places there were."""
    out: list[str] = []
    settled = 0
    for chunk in _chunks(base, ours, theirs):
        if isinstance(chunk, str):
            out.append(chunk)
        else:
            settled += 1
            out.extend(chunk[SIDES.index(side)])
    return "".join(out), settled


def _chunks(base: str, ours: str, theirs: str) -> Iterator[str | tuple[list[str], ...]]:
    """The merged text in order: lines as merged, and for each place both sides
    changed differently, the lines of base, ours and theirs there."""
    base_lines = base.splitlines(keepends=True)
    ours_lines = ours.splitlines(keepends=True)
    theirs_lines = theirs.splitlines(keepends=True)
    in_ours = _matched(base_lines, ours_lines)
    in_theirs = _matched(base_lines, theirs_lines)
    b = o = t = 0
    # Lines of base found, in order, in both others are where the three agree.
    anchors = [(i, in_ours[i], in_theirs[i]) for i in range(len(base_lines))]
    anchors = [a for a in anchors if a[1] is not None and a[2] is not None]
    for i, j, k in [*anchors, (len(base_lines), len(ours_lines), len(theirs_lines))]:
        assert j is not None and k is not None
        chunk_base, chunk_ours, chunk_theirs = base_lines[b:i], ours_lines[o:j], theirs_lines[t:k]
        if chunk_ours == chunk_base:
            yield "".join(chunk_theirs)
        elif chunk_theirs in (chunk_base, chunk_ours):
            yield "".join(chunk_ours)
        else:
            yield chunk_base, chunk_ours, chunk_theirs
        if i < len(base_lines):
            yield ours_lines[j]
        b, o, t = i + 1, j + 1, k + 1


def _matched(a: list[str], b: list[str]) -> list[int | None]:
    """For each line of ``a``, the line of ``b`` it is matched with, if any."""
    from difflib import SequenceMatcher  # only a merge with conflicts needs it

    found: list[int | None] = [None] * len(a)
    for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for n in range(block.size):
            found[block.a + n] = block.b + n
    return found


def _ended(lines: list[str]) -> list[str]:
    """Lines that each end with a line break, so the markers stay on lines of their own."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines
