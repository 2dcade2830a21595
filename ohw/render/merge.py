"""What a merge did, for people (text) or programs (JSON)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from ohw.merge.plan import MISSING, Side
from ohw.vcs.merging import ConflictedFile

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


def render_merge(report: MergeReport, output_format: str, stream: IO[str]) -> None:
    if output_format == "json":
        json.dump(merge_json(report), stream, indent=2, ensure_ascii=False)
        stream.write("\n")
    else:
        _text(report, Console(file=stream, highlight=False, soft_wrap=True))


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
    from ohw.render.diff import picture_json

    return picture_json(picture)


def render_pictures(pictures: list[ChangePicture], console: Console | None = None) -> None:
    """Where the pictures of conflicted meshes went, and what each side changed."""
    from ohw.render.diff import figures_line

    console = console or Console(highlight=False, soft_wrap=True)
    if not pictures:
        console.print("no conflicted mesh to draw")
    for picture in pictures:
        if picture.image is None:
            console.print(f"{escape(picture.mesh)}: no picture, {escape(picture.problem or '')}")
            continue
        console.print(f"picture of {escape(picture.mesh)}: {escape(str(picture.image))}")
        for side, figures in picture.figures.items():
            console.print(f"    {side:<6} {escape(figures_line(figures))}")


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


def _text(report: MergeReport, console: Console) -> None:
    short = report.commit[:7] if report.commit else ""
    for path in report.merged_by_meaning:
        if not any(f.path == path for f in report.conflicted):
            console.print(f"merged {escape(path)} item by item")
    for note in report.notes:
        console.print(f"[yellow]note:[/yellow] {escape(note)}")
    if report.status == "up-to-date":
        console.print("Already up to date.")
    elif report.status == "fast-forward":
        console.print(f"Fast-forward to {short}.")
    elif report.status == "merged":
        console.print(f"[green]Merged[/green] (commit {short}).")
    elif report.status == "aborted":
        console.print("Merge aborted: the branch and its files are as they were before it.")
    if not report.conflicted:
        return
    console.print(f"[red]The merge stopped on conflicts in {len(report.conflicted)} file(s):[/red]")
    for conflicted in report.conflicted:
        meshes = report.meshes.get(conflicted.path)
        kind = _kind(conflicted, meshes)
        console.print(f"  [bold]{escape(conflicted.path)}[/bold]")
        if kind == "design":
            for conflict in conflicted.conflicts:
                console.print(f"    {escape(conflict.describe())}")
        elif kind == "mesh" and meshes is not None:
            for side in ("base", "ours", "theirs"):
                if side in meshes:
                    console.print(f"    {side:<6} {escape(_mesh_line(meshes[side]))}")
                elif side != "base":
                    console.print(f"    {side:<6} deleted")
        elif kind == "deleted":
            gone = [s for s, d in conflicted.sides.items() if d is None and s != "base"]
            console.print(f"    changed on one side, deleted on the other ({', '.join(gone)})")
        else:
            console.print("    changed on both sides: the file has conflict markers")
    if report.pictures is not None:
        render_pictures(report.pictures, console)
    console.print(
        "Settle each file with `ohw resolve PATH --ours|--theirs|--base` (or edit it and run "
        "`ohw resolve PATH`), then `ohw merge --continue`; `ohw merge --abort` undoes the merge."
    )
