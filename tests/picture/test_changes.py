"""Pictures of what changed in a part, checked by what they show: a hole drilled
through a block is measured (ohw.picture.compare) and drawn red where the hole
is and nowhere else, in `ohw diff --images` and in a merge's conflicted meshes
(ohw.picture.changes)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from support.designs import desk_lamp_repository
from support.run import git, run_ohw

from ohw.picture.camera import by_coordinate, fit_camera
from ohw.picture.compare import compare
from ohw.picture.shade import draw


def _holed_block() -> tuple[np.ndarray, np.ndarray, tuple[float, float], float]:
    """A 40 mm block and a copy with a hole of radius 8 drilled through it along z,
    off centre: facets of each, the hole's centre (x, y) and its radius."""
    import manifold3d

    block = manifold3d.Manifold.cube((40, 40, 40))
    centre, radius = (25.0, 18.0), 8.0
    drill = manifold3d.Manifold.cylinder(60, radius, radius, 96).translate((*centre, -10))
    facets = []
    for solid in (block, block - drill):
        mesh = solid.to_mesh()
        corners = np.asarray(mesh.vert_properties)[:, :3][np.asarray(mesh.tri_verts)]
        facets.append(by_coordinate(corners))
    return facets[0], facets[1], centre, radius


def _colour_masks(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r, g, b = (pixels[..., k].astype(np.int32) for k in range(3))
    red = (r > 140) & (g < 110) & (b < 110) & (r - g > 60)
    green = (g > 100) & (r < 110) & (b < 120) & (g - r > 40)
    return red, green


def test_a_drilled_hole_is_red_where_the_hole_is_and_nowhere_else():
    old, new, (cx, cy), radius = _holed_block()
    comparison = compare(old, new)
    assert comparison.method == "boolean"
    camera = fit_camera(np.concatenate([old, new], axis=2), "top", 300, 300)
    before = draw(comparison.before, camera, 3).pixels
    after = draw(comparison.after, camera, 3).pixels
    red, green = _colour_masks(before)
    rows, columns = np.mgrid[0 : camera.height, 0 : camera.width]
    # The hole's axis in the picture (top view: x to the right, y up).
    column = (cx - camera.centre[0]) * camera.scale + camera.width / 2
    row = camera.height / 2 - (cy - camera.centre[1]) * camera.scale
    distance = np.hypot(columns + 0.5 - column, rows + 0.5 - row)
    hole = radius * camera.scale
    assert red[distance < hole - 1.5].all()  # red all over the hole
    assert not red[distance > hole + 1.5].any()  # and nowhere else
    assert red.sum() == pytest.approx(math.pi * hole**2, rel=0.03)
    assert not green.any()
    red_after, green_after = _colour_masks(after)
    assert not red_after.any() and not green_after.any()
    assert (after[distance < hole - 1.5] == 255).all()  # through the hole: background


def test_a_drilled_hole_is_measured():
    old, new, _, radius = _holed_block()
    comparison = compare(old, new)
    drilled = 96 / 2 * math.sin(2 * math.pi / 96) * radius**2 * 40
    assert comparison.removed_volume == pytest.approx(drilled, rel=1e-3)
    assert comparison.added_volume == pytest.approx(0, abs=1e-6)
    # The farthest the holed copy strays: the top face's point over the hole's
    # axis is `radius` from the wall; a wall point halfway down is 20 from both faces
    # but nearer a side: min over sides of the block from (25 +/- 8, 18 +/- 8, 20).
    wall = max(
        min(x, 40 - x, y, 40 - y, 20)
        for a in np.linspace(0, 2 * np.pi, 96, endpoint=False)
        for x, y in [(25 + radius * np.cos(a), 18 + radius * np.sin(a))]
    )
    assert comparison.largest_deviation == pytest.approx(max(radius, wall), rel=0.02)


def test_open_meshes_are_compared_by_distance():
    old, new, _, radius = _holed_block()
    opened = old[:, :, 2:]  # two facets fewer: not a closed solid
    comparison = compare(opened, new)
    assert comparison.method == "distance"
    assert comparison.removed_volume is None and comparison.added_volume is None
    assert comparison.largest_deviation > radius / 2


# --- the command line ---------------------------------------------------------------


def _drill(stl: Path, centre: tuple[float, float], radius: float) -> None:
    """Drill a hole through the mesh in ``stl``, along z."""
    import manifold3d

    from ohw.mesh.reader import read_mesh
    from ohw.mesh.stl import stl_bytes
    from ohw.picture.compare import solid

    part = solid(by_coordinate(read_mesh(stl.name, path=stl).corners))
    drill = manifold3d.Manifold.cylinder(200, radius, radius, 64).translate((*centre, -100))
    mesh = (part - drill).to_mesh()
    corners = np.asarray(mesh.vert_properties)[:, :3][np.asarray(mesh.tri_verts)]
    stl.write_bytes(stl_bytes(corners, b"drilled"))


def test_diff_images_show_the_drilled_hole(tmp_path: Path):
    design = desk_lamp_repository(tmp_path / "lamp")
    _drill(design / "parts" / "base.stl", (30.0, 0.0), 6.0)
    done = run_ohw("diff", "--json", "--images", tmp_path / "pictures", cwd=design)
    assert done.returncode == 0, done.stderr
    (picture,) = json.loads(done.stdout)["images"]
    assert picture["part"] == "base" and picture["mesh"] == "parts/base.stl"
    figures = picture["figures"]["change"]
    assert figures["method"] == "boolean"
    assert figures["added_volume"] == pytest.approx(0, abs=1e-3)
    assert figures["removed_volume"] > 1000  # some 36 pi mm² through an 8 mm plate, and more
    pixels = np.asarray(Image.open(picture["image"]).convert("RGB"))
    red, green = _colour_masks(pixels)
    assert red.sum() > 200 and not green.any()
    assert red[:, : pixels.shape[1] // 2].sum() == red.sum()  # only in "before"
    text = run_ohw("diff", "--images", tmp_path / "again", cwd=design)
    assert "removed" in text.stdout and (tmp_path / "again" / "base.png").is_file()


def test_merge_and_resolve_draw_the_sides_of_a_conflicted_mesh(tmp_path: Path):
    design = desk_lamp_repository(tmp_path / "lamp")
    git("branch", "fork", cwd=design)
    for branch, centre in (("fork", (30.0, 0.0)), ("main", (-30.0, 0.0))):
        git("checkout", "-q", branch, cwd=design)
        _drill(design / "parts" / "base.stl", centre, 6.0)
        git("commit", "-qam", f"hole at {centre}", cwd=design)
    done = run_ohw("merge", "fork", "--json", "--images", tmp_path / "merge", cwd=design)
    assert done.returncode == 1, done.stderr
    (picture,) = json.loads(done.stdout)["images"]
    assert set(picture["figures"]) == {"ours", "theirs"}
    for side in ("ours", "theirs"):
        assert picture["figures"][side]["removed_volume"] > 1000
    assert Image.open(picture["image"]).width > 3 * 300  # base, ours, theirs
    shown = run_ohw("resolve", "parts/base.stl", "--images", tmp_path / "look", cwd=design)
    assert shown.returncode == 0, shown.stderr
    assert (tmp_path / "look" / "parts-base.stl.png").is_file()
    first, *sides = shown.stdout.splitlines()
    assert first == f"picture of parts/base.stl: {tmp_path / 'look' / 'parts-base.stl.png'}"
    assert [line.split()[0] for line in sides] == ["ours", "theirs"]
    assert "UU parts/base.stl" in git("status", "--porcelain", cwd=design)  # still conflicted
    both = run_ohw("resolve", "parts/base.stl", "--ours", "--images", tmp_path / "x", cwd=design)
    assert both.returncode == 2
