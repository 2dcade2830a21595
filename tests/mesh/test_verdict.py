"""ohw.mesh.verdict.judge on cubes built to have one thing wrong each: what it says,
where, and whether the part is still printable."""

from __future__ import annotations

import numpy as np
import pytest
from support.meshes import binary_stl, box_facets, corpus_stls, outward_normals

from ohw.mesh.reader import read_mesh
from ohw.mesh.topology import analyse
from ohw.mesh.verdict import Verdict, judge, units_warning


def verdict_of(facets, normals=None) -> Verdict:
    """Write the facets as binary STL (with ``normals``, else zero normals, which mean
    "work it out"), read, analyse and judge them."""
    data = binary_stl(facets, normals, header=b"verdict test")
    return judge(analyse(read_mesh("part.stl", data=data)))


def rules(verdict: Verdict) -> list[str]:
    return [problem.rule for problem in verdict.problems]


def the(verdict: Verdict, rule: str):
    found = [problem for problem in verdict.problems if problem.rule == rule]
    assert len(found) == 1, verdict.problems
    return found[0]


def test_a_closed_cube_is_printable_with_nothing_to_say():
    verdict = verdict_of(box_facets(), outward_normals(box_facets()))
    assert verdict.printable
    assert verdict.problems == []
    assert verdict.notes == []
    assert verdict.summary.startswith("printable: 1 closed body, ")


@pytest.mark.parametrize("missing", [0, 5, 11])
def test_a_cube_missing_a_facet_has_a_hole_where_the_facet_was(missing):
    facets = box_facets()
    gone = np.asarray(facets.pop(missing), dtype=float)
    verdict = verdict_of(facets)
    assert not verdict.printable
    assert rules(verdict) == ["OHW302"]
    hole = the(verdict, "OHW302")
    assert hole.message.startswith("1 hole (3 open edges), first near (")
    midpoints = {tuple((gone[i] + gone[(i + 1) % 3]) / 2) for i in range(3)}
    assert hole.near
    assert hole.near[0] in midpoints
    x, y, z = hole.near[0]
    assert f"first near ({x:.1f}, {y:.1f}, {z:.1f}) mm" in hole.message
    assert verdict.summary.startswith("not printable: 1 hole (3 open edges)")


def test_one_flipped_facet_makes_three_misoriented_edges():
    facets = box_facets()
    facets[4] = facets[4][::-1]
    verdict = verdict_of(facets)
    assert not verdict.printable
    assert rules(verdict) == ["OHW304"]
    problem = the(verdict, "OHW304")
    assert problem.message.startswith("3 edges between facets wound opposite ways")
    flipped = np.asarray(facets[4], dtype=float)
    midpoints = {tuple((flipped[i] + flipped[(i + 1) % 3]) / 2) for i in range(3)}
    assert set(problem.near) == midpoints


def test_a_cube_turned_inside_out_is_not_printable():
    facets = [facet[::-1] for facet in box_facets()]
    verdict = verdict_of(facets, outward_normals(facets))
    assert not verdict.printable
    assert rules(verdict) == ["OHW305"]
    assert the(verdict, "OHW305").message.startswith("1 body inside out (negative volume)")


def test_a_zero_area_facet_is_a_warning_only():
    """A T-junction filled with a sliver, as CAD exports do: the first facet's edge a-b
    is split at its middle m on one side only, and the facet (a, b, m), with no area,
    closes the gap. Every edge is still used twice, once each way."""
    facets = box_facets()
    a, b, c = facets[0]
    m = tuple((p + q) / 2 for p, q in zip(a, b, strict=True))
    facets[0:1] = [[a, m, c], [m, b, c]]
    facets.append([a, b, m])
    verdict = verdict_of(facets)
    assert verdict.printable, verdict.summary
    assert rules(verdict) == ["OHW306"]
    problem = the(verdict, "OHW306")
    assert problem.message.startswith("1 degenerate facet (no area)")
    assert verdict.notes == []


def test_normals_stored_inwards_are_a_warning_only():
    facets = box_facets()
    verdict = verdict_of(facets, -outward_normals(facets))
    assert verdict.printable
    assert rules(verdict) == ["OHW307"]
    assert the(verdict, "OHW307").message.startswith(
        "12 stored normals pointing against the facet's winding"
    )


def test_one_normal_stored_inwards_is_counted_once():
    facets = box_facets()
    normals = outward_normals(facets)
    normals[3] *= -1
    verdict = verdict_of(facets, normals)
    assert verdict.printable
    assert the(verdict, "OHW307").message.startswith("1 stored normal pointing against")


def test_a_part_of_a_twentieth_of_a_millimetre_was_probably_in_metres():
    verdict = verdict_of(box_facets(high=(0.05, 0.05, 0.05)))
    assert verdict.printable
    assert rules(verdict) == ["OHW308"]
    assert "metres" in the(verdict, "OHW308").message


def test_a_part_sized_in_fractions_of_an_inch_was_probably_in_inches():
    verdict = verdict_of(box_facets(high=(0.25, 0.5, 1.125)))
    assert verdict.printable
    assert rules(verdict) == ["OHW308"]
    problem = the(verdict, "OHW308")
    assert "inches" in problem.message
    assert "25.4" in problem.hint


@pytest.mark.parametrize("high", [(6.0, 6.0, 9.0), (20.0, 12.5, 3.5)])
def test_a_part_in_whole_and_half_millimetres_has_no_unit_warning(high):
    verdict = verdict_of(box_facets(high=high))
    assert verdict.printable
    assert verdict.problems == []


def test_a_part_larger_than_any_printer_was_probably_in_micrometres():
    verdict = verdict_of(box_facets(high=(5000.0, 100.0, 100.0)))
    assert verdict.printable
    assert rules(verdict) == ["OHW308"]
    assert "micrometres" in the(verdict, "OHW308").message


def test_two_separate_closed_cubes_are_printable_as_two_bodies():
    facets = box_facets() + box_facets(low=(20.0, 0.0, 0.0), high=(30.0, 10.0, 10.0))
    verdict = verdict_of(facets, outward_normals(facets))
    assert verdict.printable
    assert verdict.problems == []
    assert verdict.notes == ["2 bodies"]
    assert verdict.summary.startswith("printable: 2 closed bodies, ")


def test_two_cubes_touching_along_a_face_are_one_multi_colour_part():
    facets = box_facets() + box_facets(low=(10.0, 0.0, 0.0), high=(20.0, 10.0, 10.0))
    verdict = verdict_of(facets, outward_normals(facets))
    assert verdict.printable, verdict.summary
    assert verdict.problems == []
    assert verdict.notes == [
        "2 bodies, 2 of them touching along shared faces (a multi-colour part)"
    ]


def test_a_fin_hung_on_an_edge_is_a_non_manifold_edge_not_a_contact():
    """A facet and its reverse hung on an edge of a closed cube: a wall of no
    thickness, which a slicer cannot print. Its two facets lie in one
    half-plane, as two bodies' contact facets do; they are one body's."""
    a, b, fin = (0.0, 0.0, 0.0), (10.0, 0.0, 0.0), (5.0, -5.0, -5.0)
    verdict = verdict_of([*box_facets(), [a, b, fin], [b, a, fin]])
    assert not verdict.printable
    assert rules(verdict) == ["OHW303"]
    assert the(verdict, "OHW303").message.startswith("1 edge shared by more than two facets")
    assert verdict.notes == []  # no touching bodies


def test_a_stray_copy_of_a_facet_is_no_body_of_its_own():
    for copy in (box_facets()[0], box_facets()[0][::-1]):
        report = analyse(read_mesh("part.stl", data=binary_stl([*box_facets(), copy])))
        assert report.bodies == 1
        assert report.nonmanifold_edges == 3
        assert not judge(report).printable


@pytest.mark.parametrize(
    "high",
    [(6.5, 6.5, 20.0), (6.25, 6.25, 3.0), (7.0, 7.0, 0.5), (2.5, 3.0, 0.4), (5.0, 2.5, 1.375)],
)
def test_a_real_small_part_has_no_unit_warning(high):
    """Spacers, washers and shims: their sizes in quarter millimetres are
    fractions of an inch too, and say nothing of their units."""
    assert verdict_of(box_facets(high=high)).problems == []


# trimesh's test models are drawn in no unit at all; the Voron's parts, in millimetres.
PRINTER_PARTS = [n for n in corpus_stls() if not n.startswith("trimesh-models/")] or ["-"]


@pytest.mark.corpus
@pytest.mark.parametrize("name", PRINTER_PARTS)
def test_no_printer_part_of_the_corpus_gets_a_unit_warning(corpus, name):
    report = analyse(read_mesh(name, path=corpus / "stl" / name))
    assert units_warning(report) is None
