"""ohw.mesh.nesting and what rests on it: a body wound inward inside another is a
cavity, which prints, and only one that nothing encloses is inside out; the
repair never turns a cavity. Solids built here, and the corpus's real parts."""

from __future__ import annotations

import numpy as np
import pytest
from support.meshes import binary_stl, box_facets, corpus_stls

from ohw.mesh.nesting import winding_numbers
from ohw.mesh.reader import read_mesh
from ohw.mesh.repair import repair_mesh
from ohw.mesh.topology import MeshReport, analyse
from ohw.mesh.verdict import judge


def inward(low, high) -> list:
    return [facet[::-1] for facet in box_facets(low, high)]


def report_of(facets) -> MeshReport:
    return analyse(read_mesh("part.stl", data=binary_stl(np.asarray(facets, dtype=float))))


OUTER = box_facets((0, 0, 0), (10, 10, 10))
HOLLOW = inward((3, 3, 3), (6, 6, 6))  # 27 mm³ of void


def test_a_hollow_cube_is_printable_with_one_cavity():
    report = report_of(OUTER + HOLLOW)
    assert (report.bodies, report.cavities, report.inside_out_bodies) == (2, 1, 0)
    assert report.cavity_volume == pytest.approx(27.0)
    assert report.volume == pytest.approx(1000.0 - 27.0)
    verdict = judge(report)
    assert verdict.printable, verdict.summary
    assert verdict.summary.startswith("printable: 1 closed body with 1 cavity, ")
    assert verdict.notes == ["1 cavity inside the part, 27 mm³ of hollow, printed as a void"]


def test_the_order_of_the_bodies_in_the_file_does_not_matter():
    assert report_of(HOLLOW + OUTER).cavities == 1


def test_an_inward_cube_alone_is_inside_out():
    report = report_of(inward((0, 0, 0), (10, 10, 10)))
    assert (report.cavities, report.inside_out_bodies) == (0, 1)
    assert not judge(report).printable


def test_an_inward_cube_beside_a_solid_is_inside_out():
    report = report_of(OUTER + inward((20, 0, 0), (25, 5, 5)))
    assert (report.bodies, report.cavities, report.inside_out_bodies) == (2, 0, 1)
    assert report.near["inside-out bodies"]
    assert not judge(report).printable


def test_islands_in_cavities_in_solids_nest_at_any_depth():
    island = box_facets((4, 4, 4), (5, 5, 5))
    pocket = inward((4.2, 4.2, 4.2), (4.8, 4.8, 4.8))
    report = report_of(OUTER + HOLLOW + island + pocket)
    assert (report.bodies, report.cavities, report.inside_out_bodies) == (4, 2, 0)
    assert report.cavity_volume == pytest.approx(27.0 + 0.216)
    assert judge(report).printable


def test_an_inward_body_in_a_cavity_is_inside_out_not_a_cavity():
    report = report_of(OUTER + HOLLOW + inward((4, 4, 4), (5, 5, 5)))
    assert (report.cavities, report.inside_out_bodies) == (1, 1)
    assert not judge(report).printable


def test_a_cavity_of_a_part_touching_another_body_is_still_a_cavity():
    touching = box_facets((10, 0, 0), (20, 10, 10))
    report = report_of(OUTER + HOLLOW + touching)
    assert report.touching_bodies == 2
    assert report.cavities == 1
    assert judge(report).printable


def test_a_cavity_in_a_rotated_sphere_of_many_facets():
    import trimesh

    outer = trimesh.creation.icosphere(subdivisions=3, radius=20)
    inner = trimesh.creation.icosphere(subdivisions=2, radius=8)
    inner.apply_translation((3, -2, 1))
    facets = np.concatenate([outer.vertices[outer.faces], inner.vertices[inner.faces][:, ::-1]])
    report = report_of(facets)
    assert (report.cavities, report.inside_out_bodies) == (1, 0)
    assert report.cavity_volume == pytest.approx(inner.volume, rel=1e-6)


def test_winding_numbers_are_one_inside_zero_outside_and_minus_one_inward():
    cube = np.asarray(OUTER, dtype=float)
    points = np.array([[5.0, 5.0, 5.0], [15.0, 5.0, 5.0], [9.99, 0.01, 5.0]])
    assert np.allclose(winding_numbers(points, cube), [1.0, 0.0, 1.0])
    assert np.allclose(winding_numbers(points[:1], cube[:, ::-1]), [-1.0])


def test_repair_leaves_a_cavity_as_it_is():
    triangles = read_mesh("hollow.stl", data=binary_stl(np.asarray(OUTER + HOLLOW, dtype=float)))
    repaired = repair_mesh(triangles, "STL")
    assert repaired.repair.bodies_turned == 0
    assert repaired.repair.cavities_kept == 1
    after = analyse(read_mesh("fixed.stl", data=repaired.data))
    before = analyse(triangles)
    assert (after.volume, after.minimum, after.maximum) == (
        before.volume,
        before.minimum,
        before.maximum,
    )
    assert after.cavities == 1


def test_repair_turns_only_the_body_truly_inside_out_and_says_where():
    stray = inward((20, 0, 0), (25, 5, 5))
    triangles = read_mesh("part.stl", data=binary_stl(np.asarray(OUTER + HOLLOW + stray, float)))
    repaired = repair_mesh(triangles, "STL")
    assert repaired.repair.bodies_turned == 1
    (x, y, z) = repaired.repair.turned_near[0]
    assert 20 <= x <= 25 and 0 <= y <= 5 and 0 <= z <= 5
    assert repaired.repair.cavities_kept == 1
    after = analyse(read_mesh("fixed.stl", data=repaired.data))
    assert after.volume == pytest.approx(1000 - 27 + 125)
    assert after.cavities == 1
    assert judge(after).printable


@pytest.mark.corpus
@pytest.mark.parametrize("name", corpus_stls(leaving_out=("empty.stl",)))
def test_a_real_part_keeps_its_volume_and_cavities_through_repair(corpus, name):
    """No real printer part is inside out; repairing one turns no body of it, and
    keeps its volume, its box and its cavities."""
    triangles = read_mesh(name, path=corpus / "stl" / name)
    report = analyse(triangles)
    closed = not report.open_bodies and report.nonmanifold_edges == report.touching_edges
    if not name.startswith("trimesh-models/"):
        assert report.inside_out_bodies == 0
    repaired = repair_mesh(triangles, "STL")
    if closed and not report.inside_out_bodies:
        assert repaired.repair.bodies_turned == 0
        after = analyse(read_mesh("fixed.stl", data=repaired.data))
        assert after.volume == pytest.approx(report.volume, rel=1e-9, abs=1e-9)
        assert (after.minimum, after.maximum) == (report.minimum, report.maximum)
        assert after.cavities == report.cavities
