"""The semantic three-way merge of a design's manifest and BOM files.

Used by `ohw merge` on the files both sides changed, and by `ohw merge-driver`
when git itself merges.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from ohw.design.paths import MANIFEST
from ohw.merge.lines import Labels, with_markers, with_side
from ohw.merge.plan import MISSING, SIDES, Conflict, Side, merged_value, plan_merge, same
from ohw.merge.yaml_text import write_yaml
from ohw.storage.yaml.document import Document, ReadProblem, collector_paused, decode_utf8
from ohw.storage.yaml.read import load_yaml
from ohw.storage.yaml.write import dump_yaml

DEFAULT_LABELS = Labels()
# BOMs whose rows are not cells: merged line by line, as git would, and said so.
_TEXT_TABLES = {
    ".md": "a Markdown BOM is merged line by line",
    ".markdown": "a Markdown BOM is merged line by line",
    ".txt": "a text BOM is merged line by line",
}
# Words conflicts use for the manifest's lists: "part base material", not "parts base ...".
_MANIFEST_WORDS = {"parts": "part", "authors": "author", "images": "image"}


@dataclass(frozen=True)
class FileMerge:
    """One file merged: its content (with conflict markers where it conflicts)."""

    data: bytes
    conflicts: tuple[Conflict, ...]
    clean: bool
    # Why the file was merged line by line instead of by its meaning ("" if it was not).
    fallback: str = ""
    # Why the merged file was written anew, without ours' comments and layout,
    # instead of by editing ours' text ("" if it was not).
    rewritten: str = ""


def merge_file(
    path: str,
    base: bytes | None,
    ours: bytes,
    theirs: bytes,
    labels: Labels = DEFAULT_LABELS,
    *,
    read: Callable[[bytes], Document] = load_yaml,
) -> FileMerge:
    """Merge three versions of the manifest or a BOM (``base`` None where both
    sides added the file). A side that cannot be read as its kind of file is
    merged line by line instead, and ``fallback`` says why. ``read`` reads a
    YAML side (a caller that has read it already can give it back)."""
    raw: dict[Side, bytes] = {"base": base or b"", "ours": ours, "theirs": theirs}
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in _TEXT_TABLES:
        return _by_lines(base, ours, theirs, labels, _TEXT_TABLES[suffix])
    try:
        with collector_paused():
            done = _by_meaning(path, raw, base is not None, read)
    except ReadProblem as problem:
        return _by_lines(base, ours, theirs, labels, f"a side cannot be read: {problem.message}")
    if isinstance(done, str):
        return _by_lines(base, ours, theirs, labels, done)
    merged, conflicts, rewritten = done
    if not conflicts:
        return FileMerge(merged["ours"].encode(), (), clean=True, rewritten=rewritten)
    text, _ = with_markers(merged["base"], merged["ours"], merged["theirs"], labels)
    return FileMerge(text.encode(), tuple(conflicts), clean=False, rewritten=rewritten)


@dataclass(frozen=True)
class Settled:
    """A conflicted file settled with one side where both sides changed it, and
    merged everywhere else."""

    data: bytes
    fields: tuple[Conflict, ...]  # the fields settled, where merged by meaning
    places: int  # the places settled line by line, where merged by lines


def settle_file(
    path: str, base: bytes | None, ours: bytes, theirs: bytes, side: Side, *, by_meaning: bool
) -> Settled:
    """Merge three versions of a file again, as `ohw merge` merged it (by meaning
    if ``by_meaning``, else line by line), taking ``side``'s value of each field
    (or lines of each place) both sides changed: every change merged cleanly is
    kept."""
    raw: dict[Side, bytes] = {"base": base or b"", "ours": ours, "theirs": theirs}
    if by_meaning:
        try:
            with collector_paused():
                done = _by_meaning(path, raw, base is not None, load_yaml)
        except ReadProblem as problem:
            done = problem.message
        if not isinstance(done, str):  # else merged line by line, as merge_file did
            merged, conflicts, _ = done
            return Settled(merged.get(side, merged["ours"]).encode(), tuple(conflicts), 0)
    old, mine, other = (raw[s].decode("utf-8", "surrogateescape") for s in SIDES)
    text, places = with_side(old, mine, other, side)
    return Settled(text.encode("utf-8", "surrogateescape"), (), places)


def _by_meaning(
    path: str, raw: dict[Side, bytes], has_base: bool, read: Callable[[bytes], Document]
) -> tuple[dict[Side, str], list[Conflict], str] | str:
    """The merged text, as each side would settle the conflicts, the conflicts,
    and why the text was written anew if it was; or why the file must be merged
    line by line instead."""
    if PurePosixPath(path).suffix.lower() in (".csv", ".tsv"):
        from ohw.merge.csv_text import merge_csv  # and the BOM table reader, only for these

        base, ours, theirs = (decode_utf8(raw[side], "OHW413") for side in SIDES)
        return (*merge_csv(base, ours, theirs, path=PurePosixPath(path).name), "")
    documents = {side: read(raw[side]) for side in SIDES}
    if any(d.aliased for d in documents.values()):
        return "it uses YAML aliases (*name)"
    words = _MANIFEST_WORDS if PurePosixPath(path).name == MANIFEST else {"items": "bom"}
    values = {side: documents[side].data for side in SIDES}
    if not has_base:
        values["base"] = MISSING
    plan, conflicts = plan_merge(values["base"], values["ours"], values["theirs"], rename=words)
    # The other sides' text is needed only to put markers around the conflicts.
    sides = SIDES if conflicts else ("ours",)
    written = {side: write_yaml(plan, documents, side) for side in sides}
    # Ours' text is edited in place, and YAML written in ways the edits do not
    # foresee (a key after '?', say) could come out as other data, or none: what
    # is written must read as what was decided, or it is written anew.
    decided = {side: merged_value(plan, values, side) for side in sides}
    if all(_reads_as(written[side], decided[side]) for side in sides):
        return written, conflicts, ""
    anew = {side: "" if decided[side] is MISSING else dump_yaml(decided[side]) for side in sides}
    return anew, conflicts, "editing ours' text would not have given the merged data"


def _reads_as(text: str, data: Any) -> bool:
    if data is MISSING:
        return text == ""
    try:
        return same(load_yaml(text.encode()).data, data)
    except ReadProblem:
        return False


def _by_lines(
    base: bytes | None, ours: bytes, theirs: bytes, labels: Labels, why: str
) -> FileMerge:
    old, mine, other = (v.decode("utf-8", "surrogateescape") for v in (base or b"", ours, theirs))
    text, conflicted = with_markers(old, mine, other, labels)
    return FileMerge(text.encode("utf-8", "surrogateescape"), (), not conflicted, why)


def edit_yaml(text: str, data: Any) -> str:
    """``text`` changed to hold ``data``, touching only the entries that differ:
    comments, order, style and line ends of everything else stay as they are."""
    edited = _edited(text, data)
    # What is written anew ends its lines as the file did (YAML reads every line
    # end alike); else a file written on Windows would end up with both.
    line_end = _LINE_END.search(text)
    if line_end is None or line_end.group() == "\n":
        return edited
    return _LINE_END.sub(line_end.group(), edited)


def _edited(text: str, data: Any) -> str:
    ours = load_yaml(text.encode())
    if ours.aliased or not isinstance(ours.data, dict) or not isinstance(data, dict):
        return dump_yaml(data)  # spans of aliased nodes cannot be edited in place
    # Only the top-level entries that change are written out and read back
    # (PyYAML's writer takes a second for a thousand parts); the others are ours.
    changed = {k: v for k, v in data.items() if k not in ours.data or not same(ours.data[k], v)}
    written = load_yaml(dump_yaml(changed).encode()) if changed else Document({}, {})
    new_data = {k: written.data[k] if k in changed else ours.data[k] for k in data}
    documents: dict[Side, Document] = {
        "base": ours,
        "ours": ours,
        "theirs": Document(new_data, written.nodes, text=written.text),
    }
    plan, _ = plan_merge(ours.data, ours.data, new_data, rename={}, keep_ours_text=True)
    edited = write_yaml(plan, documents, "theirs")
    edited = edited if edited.endswith("\n") else edited + "\n"
    # Lists of items keep ours' order in a merge: data that moves an item, like
    # text the edits do not foresee, is written anew.
    return edited if _reads_as(edited, data) else dump_yaml(data)


_LINE_END = re.compile(r"\r\n|\r|\n")
