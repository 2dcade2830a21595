"""Pictures of parts and of changes, checked by what they show: silhouettes of
known solids cover the pixel area the camera predicts, and a drilled hole is
red where the hole is and nowhere else."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from support import EXAMPLES, binary_stl, box_facets, desk_lamp_repository, git, run_ohw

from ohw.mesh.stl import Triangles
from ohw.picture.camera import Camera, by_coordinate, fit_camera
from ohw.picture.compare import compare
from ohw.picture.part import part_picture
from ohw.picture.raster import nearest_facets
from ohw.picture.shade import draw

SIDES = 128  # of the test cylinder


def cube(size: float = 30.0) -> Triangles:
    return Triangles(np.array(box_facets(high=(size, size, size)), dtype=np.float32), None, "STL")


def cylinder(radius: float = 10.0, height: float = 30.0) -> Triangles:
    """A closed prism of SIDES sides around the z axis, wound outwards, a corner on +x."""
    angles = np.linspace(0, 2 * np.pi, SIDES, endpoint=False)
    ring = np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1)
    facets = []
    for k in range(SIDES):
        (x0, y0), (x1, y1) = ring[k], ring[(k + 1) % SIDES]
        facets += [
            [(0, 0, height), (x0, y0, height), (x1, y1, height)],
            [(0, 0, 0), (x1, y1, 0), (x0, y0, 0)],
            [(x0, y0, 0), (x1, y1, 0), (x1, y1, height)],
            [(x0, y0, 0), (x1, y1, height), (x0, y0, height)],
        ]
    return Triangles(np.array(facets, dtype=np.float32), None, "STL")


def silhouette(image: Image.Image, camera: Camera) -> int:
    """Pixels of the camera's part of the picture that are more part than background."""
    pixels = np.asarray(image.convert("RGB"), dtype=np.int32)[: camera.height, : camera.width]
    # An edge pixel half covered is half as far from white as the part is.
    return int(((255 - pixels.min(axis=2)) > 40).sum())


@pytest.mark.parametrize(
    ("view", "area"),
    [
        ("top", 30.0 * 30.0),
        ("front", 30.0 * 30.0),
        ("side", 30.0 * 30.0),
        # Along (1, -1, 1) a cube shows three faces, each at cos = 1/sqrt(3).
        ("iso", 3 * 30.0 * 30.0 / math.sqrt(3)),
    ],
)
def test_a_cube_covers_its_projected_area(view: str, area: float):
    picture = part_picture(cube(), view, 256)  # type: ignore[arg-type]
    expected = area * picture.camera.scale**2
    assert silhouette(picture.image, picture.camera) == pytest.approx(expected, rel=0.02)


@pytest.mark.parametrize("view", ["top", "front"])
def test_a_cylinder_covers_its_projected_area(view: str):
    radius, height = 10.0, 30.0
    polygon = SIDES / 2 * math.sin(2 * math.pi / SIDES) * radius**2
    area = polygon if view == "top" else 2 * radius * height
    picture = part_picture(cylinder(radius, height), view, 320)  # type: ignore[arg-type]
    expected = area * picture.camera.scale**2
    assert silhouette(picture.image, picture.camera) == pytest.approx(expected, rel=0.02)


def test_the_nearest_facet_wins_whatever_the_order():
    near = [[(0, 0, 8), (10, 0, 8), (0, 10, 8)]]  # facing up, towards the top view
    far = [[(0, 0, 0), (10, 0, 0), (0, 10, 0)]]
    for facets in (near + far, far + near):
        corners = by_coordinate(np.array(facets, dtype=np.float32))
        camera = fit_camera(corners, "top", 32, 32)
        shown = nearest_facets(camera.project(corners), 32, 32, 1 / camera.scale)
        winner = 0 if facets[0] == near[0] else 1
        assert set(np.unique(shown)) == {-1, winner}


def test_an_inside_out_cube_still_shows_its_whole_silhouette():
    right = cube()
    inside_out = Triangles(right.corners[:, ::-1].copy(), None, "STL")
    a, b = part_picture(right, "iso", 200), part_picture(inside_out, "iso", 200)
    assert silhouette(b.image, b.camera) == silhouette(a.image, a.camera)


def test_the_size_in_millimetres_is_written_under_the_part():
    picture = part_picture(cube(), "iso", 256)
    band = np.asarray(picture.image)[picture.camera.height :]
    assert (band.min(axis=2) < 128).any()  # the text
    assert picture.image.size == (256, 256)


# --- a hole drilled through a block -------------------------------------------------


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


def test_render_a_part_of_the_design_by_its_id(tmp_path: Path):
    out = tmp_path / "base.png"
    done = run_ohw("render", "base", "--out", out, "--size", "200", cwd=EXAMPLES / "desk-lamp")
    assert done.returncode == 0, done.stderr
    assert "parts/base.stl" in done.stdout
    image = Image.open(out)
    assert image.format == "PNG" and image.size == (200, 200)
    assert (np.asarray(image.convert("RGB")).min(axis=2) < 200).mean() > 0.1


def test_render_a_file_draws_what_the_core_draws(tmp_path: Path):
    stl = tmp_path / "cube.stl"
    stl.write_bytes(binary_stl(box_facets(high=(30, 30, 30))))
    out = tmp_path / "cube.png"
    done = run_ohw("render", stl, "--out", out, "--view", "top", "--size", "256")
    assert done.returncode == 0, done.stderr
    picture = part_picture(cube(), "top", 256)
    expected = 30.0 * 30.0 * picture.camera.scale**2
    assert silhouette(Image.open(out), picture.camera) == pytest.approx(expected, rel=0.02)


def test_render_at_a_revision(tmp_path: Path):
    design = desk_lamp_repository(tmp_path / "lamp")
    (design / "parts" / "knob.stl").unlink()
    out = tmp_path / "knob.png"
    done = run_ohw("render", "knob", "--rev", "HEAD", "--out", out, cwd=design)
    assert done.returncode == 0, done.stderr
    assert Image.open(out).size == (512, 512)
    missing = run_ohw("render", "knob", "--out", tmp_path / "now.png", cwd=design)
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_render_refuses_bad_inputs_with_exit_2(tmp_path: Path):
    lamp = EXAMPLES / "desk-lamp"
    truncated = tmp_path / "truncated.stl"
    truncated.write_bytes((lamp / "parts" / "base.stl").read_bytes()[:600])
    cases = [
        (("render", truncated, "--out", tmp_path / "a.png"), "truncated"),
        (("render", "lid", "--out", tmp_path / "a.png"), "no part lid in the design"),
        (("render", "base", "--out", lamp / "ohw.yaml" / "a.png"), "is not a folder"),
        (("render", "base", "--out", "/proc/ohw-test.png"), "cannot write"),
        (("render", "base", "--out", tmp_path / "a.jpg"), "not a .png file"),
        (("render", tmp_path / "missing.stl", "--out", tmp_path / "a.png"), "no such file"),
    ]
    for args, message in cases:
        done = run_ohw(*args, cwd=lamp)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "a.png").exists()


def test_render_replaces_a_picture_only_with_force(tmp_path: Path):
    out = tmp_path / "base.png"
    out.write_bytes(b"mine")
    lamp = EXAMPLES / "desk-lamp"
    refused = run_ohw("render", "base", "--out", out, "--size", "64", cwd=lamp)
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert out.read_bytes() == b"mine"
    done = run_ohw("render", "base", "--out", out, "--size", "64", "--force", cwd=lamp)
    assert done.returncode == 0 and Image.open(out).size == (64, 64)


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
