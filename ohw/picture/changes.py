"""Pictures of changed and conflicted meshes, for `ohw diff --images` and
`ohw merge`/`ohw resolve --images`: one PNG per mesh, the versions side by
side under one camera, with what was removed in red, what was added in green,
and the figures under them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ohw.errors import OhwError
from ohw.picture.annotate import side_by_side, text_height
from ohw.picture.camera import Camera, Undrawable, View, by_coordinate, fit_camera
from ohw.picture.compare import MeshComparison, compare
from ohw.picture.shade import PART, Layer, draw, supersampling

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

    from ohw.history.diff import DesignDiff
    from ohw.merge.plan import Side
    from ohw.merge.workflow import ConflictedFile
    from ohw.storage.tree import DesignTree

PANEL = 360  # pixels each way of each version's picture


@dataclass(frozen=True)
class Figures:
    """What changed from one version to another, in numbers."""

    method: str  # "boolean" or "distance"
    removed_volume: float | None  # mm³
    added_volume: float | None
    largest_deviation: float  # mm

    @classmethod
    def of(cls, comparison: MeshComparison) -> Figures:
        return cls(
            comparison.method,
            comparison.removed_volume,
            comparison.added_volume,
            comparison.largest_deviation,
        )


@dataclass(frozen=True)
class ChangePicture:
    """A picture written for one mesh, or why there is none."""

    part: str | None  # the part whose mesh it is (a diff), None for a conflicted file
    mesh: str  # the mesh file's path in the design (new side, else old)
    image: Path | None
    figures: dict[str, Figures]  # by what was compared: "change", or "ours", "theirs"
    problem: str | None = None


def output_folder(name: str) -> Path:
    """The folder pictures go to, made if it is not there."""
    folder = Path(name)
    if folder.exists() and not folder.is_dir():
        raise OhwError(f"{name} is not a folder", "give --images a folder, new or existing")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OhwError(f"cannot make the folder {name}: {error.strerror}") from None
    return folder


def write_png(target: Path, image: Image.Image) -> None:
    """Write ``image`` to ``target`` atomically, as an OhwError if it cannot be."""
    from ohw.picture.part import png_bytes
    from ohw.storage.files import write_atomically

    try:
        write_atomically(target, png_bytes(image))
    except OSError as error:
        raise OhwError(
            f"cannot write {target}: {error.strerror}",
            "choose a place you may write to",
        ) from None


def diff_pictures(
    diff: DesignDiff, old: DesignTree, new: DesignTree, folder: Path, view: View = "iso"
) -> list[ChangePicture]:
    """For each changed mesh of a part both sides have: before and after, side by side."""
    found = []
    for item in diff.parts:
        for number, change in enumerate(item.meshes):
            if change.old is None or change.new is None:
                continue
            name = item.id if len(item.meshes) == 1 else f"{item.id}-{number + 1}"
            target = folder / f"{_safe(name)}.png"
            try:
                before = _read(change.old.path, old.read_bytes(change.old.path))
                after = _read(change.new.path, new.read_bytes(change.new.path))
            except _Unreadable as problem:
                found.append(ChangePicture(item.id, change.new.path, None, {}, str(problem)))
                continue
            comparison = compare(before, after)
            camera = fit_camera(_both(before, after), view, PANEL, PANEL)
            image = side_by_side(
                [
                    (f"before: {old.label}", _panel(comparison.before, camera)),
                    (f"after: {new.label}", _panel(comparison.after, camera)),
                ],
                [f"{item.id}: {change.new.path}", "; ".join(comparison.summary())],
                text_height(PANEL),
            )
            write_png(target, image)
            figures = {"change": Figures.of(comparison)}
            found.append(ChangePicture(item.id, change.new.path, target, figures))
    return found


def conflict_pictures(
    conflicted: tuple[ConflictedFile, ...] | list[ConflictedFile], folder: Path, view: View = "iso"
) -> list[ChangePicture]:
    """For each conflicted mesh: base, ours and theirs side by side, ours and
    theirs each coloured by how it changed the base (or theirs against ours,
    where there is no base)."""
    from ohw.mesh.reader import MESH_FORMATS

    found = []
    for file in conflicted:
        if PurePosixPath(file.path).suffix.lower() not in MESH_FORMATS:
            continue
        target = folder / f"{_safe(file.path)}.png"
        try:
            sides = {
                side: _read(file.path, data, f"{file.path} ({side})")
                for side, data in file.sides.items()
                if data is not None
            }
        except _Unreadable as problem:
            found.append(ChangePicture(None, file.path, None, {}, str(problem)))
            continue
        image, figures = _conflict_image(file.path, sides, view)
        write_png(target, image)
        found.append(ChangePicture(None, file.path, target, figures))
    return found


def _conflict_image(
    path: str, sides: dict[Side, np.ndarray], view: View
) -> tuple[Image.Image, dict[str, Figures]]:
    import numpy as np

    camera = fit_camera(np.concatenate(list(sides.values()), axis=2), view, PANEL, PANEL)
    reference: Side = "base" if "base" in sides else "ours"
    panels = []
    notes = [path]
    figures: dict[str, Figures] = {}
    for side in ("base", "ours", "theirs"):
        if side not in sides:
            if side != "base":
                panels.append((f"{side}: deleted", _blank()))
            continue
        if side == reference:
            panels.append((side, _panel([Layer(sides[side], PART)], camera)))
            continue
        comparison = compare(sides[reference], sides[side])
        figures[side] = Figures.of(comparison)
        panels.append((f"{side}, against {reference}", _panel(comparison.change, camera)))
        notes.append(f"{side}: " + "; ".join(comparison.summary()))
    return side_by_side(panels, notes, text_height(PANEL)), figures


class _Unreadable(Exception):
    """A version of a mesh that cannot be read, and why."""


def _read(name: str, data: bytes, shown: str | None = None) -> np.ndarray:
    """The facets of the mesh file ``name``; ``shown`` names it in a problem."""
    from ohw.mesh.reader import MeshError, read_mesh

    try:
        return by_coordinate(read_mesh(name, data=data).corners)
    except MeshError as error:
        raise _Unreadable(f"{shown or name}: {error}") from None
    except Undrawable as error:
        raise _Unreadable(f"{shown or name}: {error.message}") from None


def _both(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    import numpy as np

    return np.concatenate([old, new], axis=2)


def _panel(layers: list[Layer], camera: Camera) -> Image.Image:
    from PIL import Image

    return Image.fromarray(draw(layers, camera, supersampling(PANEL)).pixels)


def _blank() -> Image.Image:
    from PIL import Image

    return Image.new("RGB", (PANEL, PANEL), "white")


def _safe(name: str) -> str:
    """A file name from a part id or a design path: parts/arm.stl -> parts-arm.stl."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "mesh"
