"""Pictures of parts (ohw.picture.part, and `ohw render`), checked by what they
show: silhouettes of known solids cover the pixel area the camera predicts,
the nearest facet hides those behind it (ohw.picture.raster)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from support import EXAMPLES
from support.designs import desk_lamp_repository
from support.meshes import binary_stl, box_facets
from support.run import run_ohw

from ohw.mesh.stl import Triangles
from ohw.picture.camera import Camera, by_coordinate, fit_camera
from ohw.picture.part import part_picture
from ohw.picture.raster import nearest_facets

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


@pytest.mark.parametrize("reach", [3e38, -3e38, 2e12])
def test_a_mesh_too_far_from_the_origin_to_draw_is_refused(tmp_path, reach):
    mesh = tmp_path / "far.stl"
    mesh.write_bytes(binary_stl(box_facets((min(reach, 0), 0, 0), (max(reach, 0), 10, 10))))
    done = run_ohw("render", mesh, "--out", tmp_path / "far.png")
    assert done.returncode == 2, done.stderr
    assert "too far to draw" in done.stderr
    assert not (tmp_path / "far.png").exists()
