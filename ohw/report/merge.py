"""What a merge did, and what `ohw resolve` settled, for people (text) or
programs (JSON; schemas/resolve-output.schema.json for `ohw resolve`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from ohw.merge.plan import MISSING, SIDES, Side, show_value
from ohw.merge.workflow import ConflictedFile, Resolution
from ohw.report.reporters import JsonReporter, Reporter
from ohw.report.styled import Line, print_lines

if TYPE_CHECKING:
    from ohw.mesh.batch import MeshResult
    from ohw.picture.changes import ChangePicture

FORMAT_VERSION = 1


@dataclass(frozen=True)
class MergeReport:
    status: str  # up-to-date, fast-forward, merged, conflicts, aborted
    commit: str | None
    merged_by_meaning: tuple[str, ...]
    conflicted: tuple[ConflictedFile, ...]
    notes: tuple[str, ...]
    meshes: dict[str, dict[Side, MeshResult]]  # each conflicted mesh's sides, analysed
    pictures: list[ChangePicture] | None = None  # with --images: of each conflicted mesh


class MergeJson(JsonReporter[MergeReport]):
    def document(self, result: MergeReport) -> dict[str, Any]:
        return merge_json(result)


class MergeText(Reporter[MergeReport]):
    def write(self, result: MergeReport, stream: IO[str]) -> None:
        print_lines(_text(result), stream)


def merge_json(report: MergeReport) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "status": report.status,
        "commit": report.commit,
        "merged_by_meaning": list(report.merged_by_meaning),
        "notes": list(report.notes),
        "conflicts": [_conflict_json(f, report.meshes.get(f.path)) for f in report.conflicted],
        **({"images": [_picture_json(p) for p in report.pictures]} if report.pictures is not None
           else {}),
    }  # fmt: skip


def _picture_json(picture: ChangePicture) -> dict[str, Any]:
    from ohw.report.diff import picture_json

    return picture_json(picture)


def render_pictures(pictures: list[ChangePicture], stream: IO[str]) -> None:
    """Where the pictures of conflicted meshes went, and what each side changed."""
    print_lines(_picture_lines(pictures), stream)


def _picture_lines(pictures: list[ChangePicture]) -> list[Line]:
    from ohw.report.diff import figures_line

    lines: list[Line] = [] if pictures else [[("no conflicted mesh to draw", "")]]
    for picture in pictures:
        if picture.image is None:
            lines.append([(f"{picture.mesh}: no picture, {picture.problem or ''}", "")])
            continue
        lines.append([(f"picture of {picture.mesh}: {picture.image}", "")])
        lines += [[(f"    {side:<6} {figures_line(f)}", "")] for side, f in picture.figures.items()]
    return lines


def _kind(conflicted: ConflictedFile, meshes: dict[Side, MeshResult] | None) -> str:
    if conflicted.conflicts:
        return "design"
    if meshes is not None:
        return "mesh"
    if any(data is None for side, data in conflicted.sides.items() if side != "base"):
        return "deleted"
    return "text"


def _conflict_json(
    conflicted: ConflictedFile, meshes: dict[Side, MeshResult] | None
) -> dict[str, Any]:
    return {
        "path": conflicted.path,
        "kind": _kind(conflicted, meshes),
        "present": {side: data is not None for side, data in conflicted.sides.items()},
        "items": [
            {
                "where": list(c.where),
                "description": c.describe(),
                **{side: None if getattr(c, side) is MISSING else getattr(c, side)
                   for side in ("base", "ours", "theirs")},
            }
            for c in conflicted.conflicts
        ],
        "meshes": {side: _mesh_json(result) for side, result in (meshes or {}).items()},
    }  # fmt: skip


def _mesh_json(result: MeshResult) -> dict[str, Any]:
    report = result.report
    if report is None:
        return {"error": result.error}
    return {
        "facets": report.facets,
        "volume": report.volume,
        "bounding_box": {"minimum": list(report.minimum), "maximum": list(report.maximum)},
        "printable": result.ok,
    }


def _mesh_line(result: MeshResult) -> str:
    report = result.report
    if report is None:
        return f"unreadable: {result.error}"
    x, y, z = report.size
    return (
        f"{report.facets:,} facets, volume {report.volume / 1000:,.2f} cm³, "
        f"{x:.1f} x {y:.1f} x {z:.1f} mm" + ("" if result.ok else ", not printable")
    )


def _text(report: MergeReport) -> list[Line]:
    short = report.commit[:7] if report.commit else ""
    lines: list[Line] = [
        [(f"merged {path} item by item", "")]
        for path in report.merged_by_meaning
        if not any(f.path == path for f in report.conflicted)
    ]
    lines += [[("note:", "yellow"), (f" {note}", "")] for note in report.notes]
    if report.status == "up-to-date":
        lines.append([("Already up to date.", "")])
    elif report.status == "fast-forward":
        lines.append([(f"Fast-forward to {short}.", "")])
    elif report.status == "merged":
        lines.append([("Merged", "green"), (f" (commit {short}).", "")])
    elif report.status == "aborted":
        lines.append([("Merge aborted: the branch and its files are as they were before it.", "")])
    if not report.conflicted:
        return lines
    stopped = f"The merge stopped on conflicts in {len(report.conflicted)} file(s):"
    lines.append([(stopped, "red")])
    for conflicted in report.conflicted:
        meshes = report.meshes.get(conflicted.path)
        kind = _kind(conflicted, meshes)
        lines.append([("  ", ""), (conflicted.path, "bold")])
        if kind == "design":
            lines += [[(f"    {conflict.describe()}", "")] for conflict in conflicted.conflicts]
        elif kind == "mesh" and meshes is not None:
            for side in ("base", "ours", "theirs"):
                if side in meshes:
                    lines.append([(f"    {side:<6} {_mesh_line(meshes[side])}", "")])
                elif side != "base":
                    lines.append([(f"    {side:<6} deleted", "")])
        elif kind == "deleted":
            gone = ", ".join(s for s, d in conflicted.sides.items() if d is None and s != "base")
            lines.append([(f"    changed on one side, deleted on the other ({gone})", "")])
        else:
            lines.append([("    changed on both sides: the file has conflict markers", "")])
    if report.pictures is not None:
        lines += _picture_lines(report.pictures)
    settle = (
        "Settle each file with `ohw resolve PATH --ours|--theirs|--base` (or edit it and run "
        "`ohw resolve PATH`), then `ohw merge --continue`; `ohw merge --abort` undoes the merge."
    )
    lines.append([(settle, "")])
    return lines


class ResolveJson(JsonReporter[list[Resolution]]):
    def document(self, result: list[Resolution]) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "resolved": [
                {
                    "path": done.path,
                    "side": done.side,
                    "whole_file": done.whole_file,
                    "fields": [
                        {
                            "where": list(field.where),
                            "value": _value_json(getattr(field, done.side or "ours")),
                            "description": field.describe(),
                        }
                        for field in done.fields
                    ],
                    "places": done.places,
                }
                for done in result
            ],
        }


def _value_json(value: Any) -> Any:
    return None if value is MISSING else value


class ResolveText(Reporter[list[Resolution]]):
    def write(self, result: list[Resolution], stream: IO[str]) -> None:
        lines: list[Line] = []
        for done in result:
            if done.side is None:
                lines.append([(f"resolved {done.path} as edited", "")])
            elif done.whole_file:
                lines.append([(f"resolved {done.path} with the {done.side} version", ""),
                              (" (the whole file)", "")])  # fmt: skip
            else:
                lines += _settled_lines(done)
        print_lines(lines, stream)


def _settled_lines(done: Resolution) -> list[Line]:
    """What a side settled in a file, and that the rest of the merge stays."""
    side = done.side or "ours"
    count = len(done.fields) or done.places
    what = ("field", "fields") if done.fields else ("place", "places")
    settled = (
        f"{count} {what[count != 1]} both sides changed took the {side} version"
        if count
        else "nothing conflicted"
    )
    lines: list[Line] = [
        [(f"resolved {done.path}: {settled}; every change merged cleanly stays", "")]
    ]
    for field in done.fields:
        others = ", ".join(
            f"{other} {show_value(getattr(field, other))}" for other in SIDES if other != side
        )
        lines.append(
            [(f"    {' '.join(field.where)}: {show_value(getattr(field, side))} ({others})", "")]
        )
    return lines
