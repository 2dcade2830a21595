"""ohw.mesh.topology.analyse against a slow, plain reference written here from the
definitions in topology.py's docstring, on the corpus and on generated meshes; and
its volumes and bodies against ADMesh, an independent program."""

from __future__ import annotations

import functools
import math
import re
import shutil
import subprocess
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import CORPUS
from support.meshes import binary_stl, box_facets, corpus_stls, outward_normals

from ohw.mesh.reader import MeshError, read_mesh
from ohw.mesh.topology import MeshReport, analyse
from ohw.mesh.verdict import judge

# --- the reference ------------------------------------------------------------------------


@dataclass
class Reference:
    """What topology.py's docstring says a mesh is made of, counted the slow way."""

    corners: list[list[float]]  # per facet: x0 y0 z0 x1 y1 z1 x2 y2 z2
    facets: int
    vertices: int
    edges: int
    open_edges: int
    holes: int
    nonmanifold_edges: int
    misoriented_edges: int
    degenerate_facets: int
    flipped_normals: int
    euler: int
    volume: float
    # What a float64 sum of the facets' volumes may be off by: n·ε·Σ|term|, the
    # classic bound, which matters where the terms cancel (a solid with flipped facets).
    volume_error: float
    area: float
    minimum: tuple[float, float, float]
    maximum: tuple[float, float, float]
    # Whether every edge is used as often one way as the other: then the volume does
    # not depend on the point it is summed about.
    balanced: bool
    # Edges used four times, twice each way: the only ones that may be touching.
    four_way_edges: int
    # Only when no edge is used more than twice (None otherwise):
    bodies: int | None
    open_bodies: int | None
    # Closed bodies whose volume is negative beyond doubt, and negative or too close to
    # zero for its sign to be sure: inside-out bodies are between the two.
    inside_out_at_least: int | None
    inside_out_at_most: int | None


def _find(parent: list[int], item: int) -> int:
    while parent[item] != item:
        parent[item] = parent[parent[item]]
        item = parent[item]
    return item


def _union(parent: list[int], a: int, b: int) -> None:
    a, b = _find(parent, a), _find(parent, b)
    if a != b:
        parent[max(a, b)] = min(a, b)


def six_volume(row) -> float:
    """v0 . (v1 x v2) of one facet's corners, in Python floats."""
    x0, y0, z0, x1, y1, z1, x2, y2, z2 = row
    return x0 * (y1 * z2 - z1 * y2) + y0 * (z1 * x2 - x1 * z2) + z0 * (x1 * y2 - y1 * x2)


@dataclass
class _Pass:
    """One pass over the facets: corners welded, half-edges listed, facets measured."""

    vertices: int
    key_base: int  # an edge {low, high} is keyed low * key_base + high
    uses: dict[int, list[int]]  # edge -> its half-edges, as 2 * facet + (low→high)
    six_volumes: list[float]
    double_areas: list[float]
    degenerate: set[int]  # facets without three distinct corners or without area
    flipped: int


def _first_pass(corners: list[list[float]], normals: list[list[float]] | None) -> _Pass:
    # Python compares floats exactly, and -0.0 == 0.0 with the same hash: a dict keyed
    # by coordinates welds exactly as the definition says.
    index: dict[tuple[float, float, float], int] = {}
    key_base = 3 * len(corners) + 1
    uses: dict[int, list[int]] = {}
    six_volumes, double_areas = [], []
    degenerate: set[int] = set()
    flipped = 0
    for facet, row in enumerate(corners):
        x0, y0, z0, x1, y1, z1, x2, y2, z2 = row
        a = index.setdefault((x0, y0, z0), len(index))
        b = index.setdefault((x1, y1, z1), len(index))
        c = index.setdefault((x2, y2, z2), len(index))
        for start, end in ((a, b), (b, c), (c, a)):
            if start != end:
                if start < end:
                    key, half = start * key_base + end, 2 * facet + 1
                else:
                    key, half = end * key_base + start, 2 * facet
                listed = uses.get(key)
                if listed is None:
                    uses[key] = [half]
                else:
                    listed.append(half)
        ux, uy, uz = x1 - x0, y1 - y0, z1 - z0
        wx, wy, wz = x2 - x0, y2 - y0, z2 - z0
        cx, cy, cz = uy * wz - uz * wy, uz * wx - ux * wz, ux * wy - uy * wx
        if a in (b, c) or b == c or (cx == 0 and cy == 0 and cz == 0):
            degenerate.add(facet)
        double_areas.append(math.sqrt(cx * cx + cy * cy + cz * cz))
        six_volumes.append(six_volume(row))
        if normals is not None:
            nx, ny, nz = normals[facet]
            flipped += nx * cx + ny * cy + nz * cz < 0  # a zero normal never is
    return _Pass(len(index), key_base, uses, six_volumes, double_areas, degenerate, flipped)


@dataclass
class _Edges:
    open_edges: int = 0
    holes: int = 0
    nonmanifold: int = 0
    misoriented: int = 0
    four_way: int = 0
    balanced: bool = True
    open_facets: set[int] = field(default_factory=set)


def _edges(counted: _Pass) -> _Edges:
    edges = _Edges()
    vertex_parent = list(range(counted.vertices))
    on_open_edges = set()
    for key, halves in counted.uses.items():
        used = len(halves)
        forward = sum(half & 1 for half in halves)
        edges.balanced = edges.balanced and 2 * forward == used
        if used == 1:
            edges.open_edges += 1
            low, high = divmod(key, counted.key_base)
            _union(vertex_parent, low, high)
            on_open_edges.add(low)
            edges.open_facets.add(halves[0] >> 1)
        elif used == 2:
            edges.misoriented += forward != 1
        else:
            edges.nonmanifold += 1
            edges.four_way += used == 4 and forward == 2
    edges.holes = len({_find(vertex_parent, v) for v in on_open_edges})
    return edges


def _bodies(counted: _Pass, open_facets: set[int]) -> tuple[int, int, int, int]:
    """Bodies, open bodies, and the least and most inside-out bodies there can be,
    for a mesh with no edge used more than twice."""
    count = len(counted.six_volumes)
    facet_parent = list(range(count))
    for halves in counted.uses.values():
        if len(halves) == 2:
            _union(facet_parent, halves[0] >> 1, halves[1] >> 1)
    roots = [_find(facet_parent, f) for f in range(count)]
    # A group of facets none of which has any area is not a body.
    real = {roots[f] for f in range(count) if f not in counted.degenerate}
    opened = {roots[f] for f in open_facets} & real
    terms: dict[int, list[float]] = {}
    for facet, root in enumerate(roots):
        if root in real and root not in opened:
            terms.setdefault(root, []).append(counted.six_volumes[facet])
    at_least = at_most = 0
    for body in terms.values():
        volume = math.fsum(body)
        doubt = 1e-9 * math.fsum(map(abs, body)) + 1e-300
        at_least += volume < -doubt
        at_most += volume < doubt
    return len(real), len(opened), at_least, at_most


def reference(triangles) -> Reference:
    corners = np.asarray(triangles.corners).reshape(-1, 9).tolist()
    normals = None if triangles.normals is None else np.asarray(triangles.normals).tolist()
    counted = _first_pass(corners, normals)
    edges = _edges(counted)
    bodies = open_bodies = at_least = at_most = None
    if not edges.nonmanifold:
        bodies, open_bodies, at_least, at_most = _bodies(counted, edges.open_facets)
    xs = [row[i] for row in corners for i in (0, 3, 6)]
    ys = [row[i] for row in corners for i in (1, 4, 7)]
    zs = [row[i] for row in corners for i in (2, 5, 8)]
    return Reference(
        corners=corners,
        facets=len(corners),
        vertices=counted.vertices,
        edges=len(counted.uses),
        open_edges=edges.open_edges,
        holes=edges.holes,
        nonmanifold_edges=edges.nonmanifold,
        misoriented_edges=edges.misoriented,
        degenerate_facets=len(counted.degenerate),
        flipped_normals=counted.flipped,
        euler=counted.vertices - len(counted.uses) + len(corners),
        volume=math.fsum(counted.six_volumes) / 6,
        volume_error=len(corners) * 2.3e-16 * math.fsum(map(abs, counted.six_volumes)) / 6,
        area=math.fsum(counted.double_areas) / 2,
        minimum=(min(xs), min(ys), min(zs)),
        maximum=(max(xs), max(ys), max(zs)),
        balanced=edges.balanced,
        four_way_edges=edges.four_way,
        bodies=bodies,
        open_bodies=open_bodies,
        inside_out_at_least=at_least,
        inside_out_at_most=at_most,
    )


def volumes_about(corners: list[list[float]], origin) -> tuple[float, float]:
    """The signed volume of the facets summed about ``origin``, and the sum of the
    absolute volumes of its tetrahedra."""
    shift = list(origin) * 3
    terms = [six_volume([v - o for v, o in zip(row, shift, strict=True)]) for row in corners]
    return math.fsum(terms) / 6, math.fsum(map(abs, terms)) / 6


def assert_matches(report: MeshReport, ref: Reference) -> None:
    """Every count exactly as the reference has it, volume and area to 1e-9."""
    names = [
        "facets",
        "vertices",
        "edges",
        "open_edges",
        "holes",
        "nonmanifold_edges",
        "misoriented_edges",
        "degenerate_facets",
        "flipped_normals",
        "euler",
        "minimum",
        "maximum",
    ]
    ours = {name: getattr(report, name) for name in names}
    expected = {name: getattr(ref, name) for name in names}
    if ref.bodies is not None:  # no crowded edge: bodies as simple components
        ours |= {
            "bodies": report.bodies,
            "open_bodies": report.open_bodies,
            "touching_edges": report.touching_edges,
            "touching_bodies": report.touching_bodies,
        }
        expected |= {
            "bodies": ref.bodies,
            "open_bodies": ref.open_bodies,
            "touching_edges": 0,
            "touching_bodies": 0,
        }
    assert ours == expected
    if ref.bodies is not None:
        assert ref.inside_out_at_least <= report.inside_out_bodies <= ref.inside_out_at_most
    else:
        assert 0 <= report.touching_edges <= ref.four_way_edges
    assert report.touching_edges <= report.nonmanifold_edges
    assert report.volume == pytest.approx(ref.volume, rel=1e-9, abs=max(1e-12, ref.volume_error))
    assert report.area == pytest.approx(ref.area, rel=1e-9, abs=1e-12)


# --- writing meshes ---------------------------------------------------------------------------


def check(corners, normals=None) -> MeshReport | None:
    """Write ``corners`` as binary STL, read it back and compare analyse() with the
    reference. Returns the report; None for facets none of which has an area,
    which no reader takes as a mesh."""
    data = binary_stl(corners, normals)
    single = np.asarray(corners, dtype=np.float32).astype(np.float64).reshape(-1, 3, 3)
    if not np.cross(single[:, 1] - single[:, 0], single[:, 2] - single[:, 0]).any():
        with pytest.raises(MeshError, match="no facet with an area"):
            read_mesh("generated.stl", data=data)
        return None
    triangles = read_mesh("generated.stl", data=data)
    ref = reference(triangles)
    report = analyse(triangles)
    assert_matches(report, ref)
    return report


GRID = st.sampled_from([-1.0, -0.0, 0.0, 0.5, 1.0, 2.0, 3.0])
GENERATED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def soups(draw):
    """Triangles whose corners come from a few grid points, so that corners weld,
    edges are shared (often by many facets) and facets degenerate."""
    points = draw(st.lists(st.tuples(GRID, GRID, GRID), min_size=3, max_size=9))
    corner = st.integers(0, len(points) - 1)
    facets = draw(st.lists(st.tuples(corner, corner, corner), min_size=1, max_size=40))
    normals = draw(
        st.lists(st.tuples(GRID, GRID, GRID), min_size=len(facets), max_size=len(facets))
    )
    return [[points[i] for i in facet] for facet in facets], normals


@st.composite
def placements(draw):
    """A rotation and a translation."""
    import trimesh

    angle = st.floats(0, 2 * math.pi)
    shift = st.floats(-100, 100)
    rotation = trimesh.transformations.euler_matrix(draw(angle), draw(angle), draw(angle))
    rotation[:3, 3] = [draw(shift), draw(shift), draw(shift)]
    return rotation


@st.composite
def solids(draw):
    """A closed solid of trimesh's, placed anywhere: (n, 3, 3) float64 corners."""
    import trimesh

    size = st.floats(0.5, 80)
    kind = draw(st.sampled_from(["box", "icosphere", "cylinder"]))
    if kind == "box":
        mesh = trimesh.creation.box(extents=(draw(size), draw(size), draw(size)))
    elif kind == "icosphere":
        mesh = trimesh.creation.icosphere(subdivisions=draw(st.integers(1, 2)), radius=draw(size))
    else:
        mesh = trimesh.creation.cylinder(
            radius=draw(size), height=draw(size), sections=draw(st.integers(3, 24))
        )
    assert mesh.is_watertight and mesh.is_winding_consistent and mesh.volume > 0
    mesh.apply_transform(draw(placements()))
    return np.asarray(mesh.vertices, dtype=np.float64)[mesh.faces]


def some_facets(draw, count: int, most: int) -> list[int]:
    return draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=most, unique=True))


@GENERATED
@given(soups())
def test_triangle_soups_match_the_reference(soup):
    corners, normals = soup
    check(corners, normals)


@GENERATED
@given(solids())
def test_closed_solids_match_the_reference(corners):
    report = check(corners, outward_normals(corners))
    assert report.open_edges == report.nonmanifold_edges == report.misoriented_edges == 0
    assert (report.bodies, report.open_bodies, report.inside_out_bodies) == (1, 0, 0)
    assert report.euler == 2
    assert report.flipped_normals == 0
    assert report.volume > 0
    assert judge(report).printable


@GENERATED
@given(st.data())
def test_solids_cut_open_match_the_reference(data):
    corners = data.draw(solids())
    gone = set(some_facets(data.draw, len(corners), len(corners) - 1))
    kept = np.array([f for i, f in enumerate(corners) if i not in gone])
    report = check(kept, outward_normals(kept))
    assert report.open_edges > 0
    assert report.holes > 0
    assert report.open_bodies == report.bodies
    assert not judge(report).printable


@GENERATED
@given(st.data())
def test_solids_with_flipped_facets_match_the_reference(data):
    corners = data.draw(solids())
    normals = outward_normals(corners)  # as exported, before the facets were flipped
    flipped = some_facets(data.draw, len(corners), len(corners))
    corners = corners.copy()
    corners[flipped] = corners[flipped][:, ::-1]
    report = check(corners, normals)
    assert report.flipped_normals == len(flipped)
    assert report.open_edges == 0
    if len(flipped) < len(corners):
        assert report.misoriented_edges > 0
    else:
        assert report.misoriented_edges == 0
        assert report.inside_out_bodies == 1
    assert not judge(report).printable


@GENERATED
@given(st.data())
def test_solids_with_duplicated_facets_match_the_reference(data):
    corners = data.draw(solids())
    copied = some_facets(data.draw, len(corners), 6)
    reverse = data.draw(st.booleans())
    extra = corners[copied][:, ::-1] if reverse else corners[copied]
    report = check(np.concatenate([corners, extra]))
    assert report.nonmanifold_edges > 0
    assert report.open_edges == 0


@GENERATED
@given(
    st.tuples(*[st.floats(0.5, 40)] * 4),
    placements(),
    st.booleans(),
)
def test_cubes_touching_along_a_face(sizes, placement, swapped):
    a, b, c, d = sizes
    first, second = box_facets((0, 0, 0), (a, b, c)), box_facets((a, 0, 0), (a + d, b, c))
    corners = np.array(second + first if swapped else first + second, dtype=np.float64)
    corners = corners @ placement[:3, :3].T + placement[:3, 3]
    report = check(corners, outward_normals(corners))
    assert report.bodies == 2
    assert report.touching_edges > 0
    assert report.nonmanifold_edges == report.touching_edges
    assert report.touching_bodies == 2
    assert report.open_bodies == report.inside_out_bodies == 0
    assert report.volume == pytest.approx(a * b * c + d * b * c, rel=1e-3)  # float32 corners
    verdict = judge(report)
    assert verdict.printable, verdict.summary
    assert [p.rule for p in verdict.problems if p.rule != "OHW308"] == []  # units aside


def test_cubes_touching_along_a_face_share_five_edges():
    """The shared square: its four sides and its diagonal, each used four times."""
    report = check(box_facets((0, 0, 0), (1, 1, 1)) + box_facets((1, 0, 0), (2, 1, 1)))
    assert (report.bodies, report.nonmanifold_edges, report.touching_edges) == (2, 5, 5)
    assert (report.vertices, report.edges, report.facets) == (12, 31, 24)


def test_cubes_touching_along_a_face_cut_differently_share_its_four_sides():
    """Each cube cuts the shared square along another diagonal: its sides are shared by
    four facets, the diagonals by two."""
    first, second = box_facets((0, 0, 0), (1, 1, 1)), box_facets((1, 0, 0), (2, 1, 1))
    (p00, p11, p10), (_, p01, _) = second[0], second[1]  # the square at x = 1, facing -x
    second[0:2] = [[p10, p00, p01], [p10, p01, p11]]
    report = check(first + second)
    assert (report.bodies, report.nonmanifold_edges, report.touching_edges) == (2, 4, 4)
    assert (report.open_bodies, report.misoriented_edges, report.touching_bodies) == (0, 0, 2)
    assert judge(report).printable


@GENERATED
@given(
    st.tuples(*[st.floats(0.5, 40)] * 5),
    placements(),
    st.booleans(),
)
def test_cubes_touching_along_an_edge_only(sizes, placement, swapped):
    a, b, c, d, e = sizes
    first, second = box_facets((0, 0, 0), (a, b, c)), box_facets((a, b, 0), (a + d, b + e, c))
    corners = np.array(second + first if swapped else first + second, dtype=np.float64)
    corners = corners @ placement[:3, :3].T + placement[:3, 3]
    report = check(corners, outward_normals(corners))
    assert report.nonmanifold_edges == 1
    assert report.touching_edges == 0
    assert report.bodies == 2
    assert report.near["non-manifold edges"]
    verdict = judge(report)
    assert not verdict.printable
    # Units aside: hypothesis finds sizes such as 2 x 1.75 x 1, fractions of an inch.
    assert [p.rule for p in verdict.problems if p.rule != "OHW308"] == ["OHW303"]


def test_bodies_meeting_along_an_edge_are_both_defective_whatever_their_order():
    """Neither body is closed: each holds facets on an edge shared by four. Which one
    comes first in the file changes nothing, even when one is inside out."""
    first = box_facets((0, 0, 0), (1, 1, 1))
    second = box_facets((1, 1, 0), (2, 2, 1))
    inverted = [facet[::-1] for facet in second]
    for corners in (first + second, second + first):
        report = check(corners)
        assert (report.bodies, report.nonmanifold_edges, report.touching_edges) == (2, 1, 0)
        assert report.open_bodies == 2
    inside_out = {
        check(corners).inside_out_bodies for corners in (first + inverted, inverted + first)
    }
    assert len(inside_out) == 1


@pytest.mark.parametrize("threaded", [False, True], ids=["one thread", "two threads"])
@pytest.mark.parametrize("fault", ["coarse hash", "wide keys", "wider keys"])
@GENERATED
@given(st.one_of(soups(), solids().map(lambda corners: (corners, None))))
def test_rare_paths_match_the_reference(fault, threaded, mesh):
    """Paths real meshes seldom take, forced: corners whose hashes collide though they
    lie apart (a hash of two bits), and half-edges too many to pack in a 64-bit word
    (put in buckets by their lower vertex, or, for more still, sorted by exact keys);
    on one thread, as small meshes are analysed, and on two, as large ones are (in
    slices of two facets, so that the second thread has a half of its own)."""
    from ohw.mesh import graph, topology

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(topology, "_THREADED", 0 if threaded else 1 << 62)
        patch.setattr(graph, "_THREADED", 0 if threaded else 1 << 62)
        if threaded:
            patch.setattr(topology, "_SLICE", 2)
        if fault == "coarse hash":
            original = topology._hash_corners

            def coarse(block, index_bits, start, out):
                original(block, index_bits, start, out)
                out &= np.uint64(0xC000000000000000) | np.uint64((1 << index_bits) - 1)

            patch.setattr(topology, "_hash_corners", coarse)
        else:  # keys in buckets; keys too wide even for buckets
            least = 23 if fault == "wide keys" else 30
            patch.setattr(topology, "_bits", lambda count: max(least, (count - 1).bit_length()))
        check(*mesh)


@pytest.mark.parametrize("threaded", [False, True], ids=["one thread", "two threads"])
def test_the_analysis_refuses_coordinates_the_reader_left_unchecked(tmp_path, threaded):
    """`ohw mesh` and `ohw check` read binary STL without checking each coordinate
    and leave it to the analysis' first pass of the file: it names the first
    facet with a NaN or an infinity, in whichever half of the file it lies."""
    from ohw.mesh import topology
    from ohw.mesh.source import MeshSource, analyse_source

    path = tmp_path / "part.stl"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(topology, "_THREADED", 0 if threaded else 1 << 62)
        patch.setattr(topology, "_SLICE", 2)
        for bad, value in (([10], math.nan), ([3, 10], math.inf), ([0, 1], -math.inf)):
            facets = [
                [list(corner) for corner in facet] for facet in box_facets((0, 0, 0), (1, 1, 1))
            ]
            for facet in bad:
                facets[facet][2][1] = value
            path.write_bytes(binary_stl(facets))
            assert read_mesh(path.name, path=path, check_finite=False).checked_finite is False
            assert analyse_source(MeshSource(path.name, path=path)) == {
                "error": f"facet {bad[0] + 1} has a coordinate that is not a finite number "
                "(NaN or infinity)"
            }


@pytest.mark.parametrize("threaded", [False, True], ids=["one thread", "two threads"])
@pytest.mark.parametrize("order", ["part after part", "mixed"])
def test_each_body_has_its_volume_whether_bodies_lie_in_runs_or_mixed(threaded, order):
    """A hollow sphere (an inward sphere inside an outward one) beside a solid one.
    Where each body's facets lie together in the file, its volume comes from the
    first pass's sums of whole slices and its ends read again (slices of 7
    facets here, so runs begin and end inside them); where bodies are mixed
    through the file, from a pass of its own. Both give the hollow's volume."""
    import trimesh

    from ohw.mesh import topology

    def sphere(radius, x=0.0):
        mesh = trimesh.creation.icosphere(subdivisions=2, radius=radius)
        return np.asarray(mesh.vertices)[np.asarray(mesh.faces)] + (x, 0.0, 0.0)

    hollow = sphere(5)[:, ::-1]
    corners = np.concatenate([sphere(10), hollow, sphere(4, x=40)])
    if order == "mixed":
        corners = corners[np.random.default_rng(3).permutation(len(corners))]
    wide = hollow.astype(np.float32).astype(np.float64)
    six = np.einsum("ij,ij->i", wide[:, 0], np.cross(wide[:, 1], wide[:, 2]))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(topology, "_THREADED", 0 if threaded else 1 << 62)
        patch.setattr(topology, "_SLICE", 7)
        report = analyse(read_mesh("spheres.stl", data=binary_stl(corners)))
    assert (report.bodies, report.cavities, report.inside_out_bodies) == (3, 1, 0)
    assert report.cavity_volume == pytest.approx(-math.fsum(six.tolist()) / 6, rel=1e-12)


@pytest.mark.parametrize("removed", [(), (0,), (0, 1000, 200_001, 359_998)])
def test_a_large_torus_is_counted_across_every_slice_and_chunk(removed):
    """360,000 facets: more than a million corners and half-edges, more than the
    slices and chunks ohw works in. The counts follow from the shape."""
    import trimesh

    torus = trimesh.creation.torus(
        major_radius=40, minor_radius=10, major_sections=600, minor_sections=300
    )
    faces = np.delete(np.asarray(torus.faces), list(removed), axis=0)
    rims = [set(torus.faces[f]) for f in removed]
    assert all(a.isdisjoint(b) for i, a in enumerate(rims) for b in rims[i + 1 :])
    corners = np.asarray(torus.vertices)[faces]
    report = analyse(read_mesh("torus.stl", data=binary_stl(corners)))
    k = len(removed)
    assert (report.facets, report.vertices, report.edges) == (360_000 - k, 180_000, 540_000)
    assert (report.open_edges, report.holes, report.euler) == (3 * k, k, -k)
    assert (report.nonmanifold_edges, report.misoriented_edges, report.degenerate_facets) == (
        0,
        0,
        0,
    )
    assert (report.bodies, report.open_bodies, report.inside_out_bodies) == (1, min(k, 1), 0)
    wide = corners.astype(np.float32).astype(np.float64)
    six = np.einsum("ij,ij->i", wide[:, 0], np.cross(wide[:, 1], wide[:, 2]))
    assert report.volume == pytest.approx(math.fsum(six.tolist()) / 6, rel=1e-9)


@pytest.mark.parametrize("suffix", [".obj", ".3mf"])
def test_obj_and_3mf_match_the_reference(tmp_path, suffix):
    """Meshes trimesh reads come, as every mesh, as 32-bit floats."""
    import trimesh

    mesh = trimesh.creation.icosphere(subdivisions=2, radius=7.3)
    mesh.apply_transform(trimesh.transformations.euler_matrix(0.3, 1.1, 2.9))
    mesh.apply_translation((12.5, -3.25, 40.0))
    mesh.faces[:5] = mesh.faces[:5, ::-1]  # a few misoriented edges
    path = tmp_path / f"sphere{suffix}"
    mesh.export(path)
    triangles = read_mesh(path.name, path=path)
    assert np.asarray(triangles.corners).dtype == np.float32
    report = analyse(triangles)
    assert_matches(report, reference(triangles))
    assert report.misoriented_edges > 0


def test_welding_is_exact_and_minus_zero_is_zero():
    facets = [
        [(0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0)],
        [(-0.0, 1.0, -0.0), (1.0, -0.0, 0.0), (1.0, 1.0, 0.0)],  # shares an edge
        [(0.0, 1.0, 1e-7), (1.0, 1.0, 0.0), (1.0, 0.0, 0.0)],  # one corner apart
    ]
    report = check(facets)
    assert report.vertices == 5
    assert report.misoriented_edges == 0


def test_degenerate_facets_by_repeated_corner_and_by_zero_area():
    facets = [
        [(0, 0, 0), (1, 0, 0), (0, 1, 0)],
        [(0, 0, 0), (0, 0, 0), (5, 5, 5)],  # a repeated corner
        [(0, 0, 0), (1, 1, 1), (3, 3, 3)],  # collinear: zero area
        [(1, 1, 1), (1, 1, 1), (1, 1, 1)],  # a point
    ]
    report = check(facets)
    assert report.degenerate_facets == 3


# --- the corpus ---------------------------------------------------------------------------------


# empty.stl holds no facets: test_reader.py checks it is refused.
CORPUS_STLS = corpus_stls(leaving_out=("empty.stl",))
MULTIBODY = [name for name in CORPUS_STLS if name.startswith("voron-0/Multibody_STLs/")]


@functools.cache
def corpus_mesh(name: str) -> tuple[MeshReport, Reference]:
    path = CORPUS / "stl" / name
    ref = reference(read_mesh(path.name, path=path))
    report = analyse(read_mesh(path.name, path=path))
    return report, ref


@pytest.mark.corpus
@pytest.mark.parametrize("name", CORPUS_STLS)
def test_corpus_matches_the_reference(corpus, name):
    report, ref = corpus_mesh(name)
    assert_matches(report, ref)


@pytest.mark.corpus
def test_the_voron_multibody_parts_are_found(corpus):
    assert len(MULTIBODY) == 7


@pytest.mark.corpus
@pytest.mark.parametrize("name", MULTIBODY or ["(the corpus is absent)"])
def test_voron_multibody_parts_touch_and_are_printable(corpus, name):
    report, _ = corpus_mesh(name)
    assert report.bodies > 1
    assert report.nonmanifold_edges > 0
    assert report.touching_edges == report.nonmanifold_edges
    assert report.open_bodies == 0
    assert report.touching_bodies > 1
    verdict = judge(report)
    assert verdict.printable, verdict.summary
    assert "touching" in verdict.notes[0]


@pytest.mark.corpus
def test_shared_stl_has_bodies_meeting_along_an_edge(corpus):
    report, _ = corpus_mesh("trimesh-models/shared.STL")
    assert report.nonmanifold_edges == 1
    assert report.touching_edges == 0
    assert report.bodies == 2
    verdict = judge(report)
    assert not verdict.printable
    assert "OHW303" in [p.rule for p in verdict.problems]


# --- ADMesh -------------------------------------------------------------------------------------

ADMESH_NUMBER = r"\s*:\s*(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)"


def admesh(*args) -> subprocess.CompletedProcess[str]:
    if shutil.which("admesh") is None:
        pytest.fail("admesh is not installed: run .ci/run or apt-get install admesh")
    return subprocess.run(
        ["admesh", *map(str, args)], capture_output=True, text=True, check=False, timeout=120
    )


def admesh_figure(output: str, label: str) -> float:
    found = re.search(re.escape(label) + ADMESH_NUMBER, output)
    assert found, f"ADMesh printed no {label!r}:\n{output}"
    return float(found.group(1))


@pytest.mark.corpus
@pytest.mark.parametrize("name", CORPUS_STLS)
def test_corpus_volume_agrees_with_admesh(corpus, name, tmp_path):
    """ADMesh sums the volume in single precision, about the first corner of the
    file, with normals it recomputes (--normal-values, which changes no facet; its
    default would also fill holes and turn facets round). About any point, when every
    edge is used as often one way as the other (a closed surface); otherwise the
    reference sums about the same point as ADMesh."""
    report, ref = corpus_mesh(name)
    path = corpus / "stl" / name
    done = admesh("--normal-values", path)
    if done.returncode != 0:
        # ADMesh reads only one `solid` block of an ASCII file: give it the facets ohw
        # read (the reader's tests check them), as binary STL.
        assert "ASCII" in done.stderr + done.stdout, done.stderr
        path = tmp_path / "rewritten.stl"
        path.write_bytes(binary_stl(ref.corners))
        done = admesh("--normal-values", path)
    assert done.returncode == 0, done.stderr
    theirs = admesh_figure(done.stdout, "Volume")
    first = ref.corners[0][:3]
    about_first, spread = volumes_about(ref.corners, first)
    ours = report.volume if ref.balanced else about_first
    # ADMesh prints six decimals.
    assert abs(ours - theirs) <= 4 * ref.facets * 2**-24 * spread + 5e-7, (ours, theirs)


@pytest.mark.corpus
@pytest.mark.parametrize("name", [*MULTIBODY, "trimesh-models/shared.STL"])
def test_corpus_bodies_agree_with_admesh_parts(corpus, name):
    report, _ = corpus_mesh(name)
    done = admesh(corpus / "stl" / name)
    assert done.returncode == 0, done.stderr
    assert report.bodies == admesh_figure(done.stdout, "Number of parts")
