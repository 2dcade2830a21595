"""What a triangle mesh is made of, counted exactly and fast.

Definitions (the tests' slow reference implements exactly these):

- vertices: distinct corner positions. Corners are welded only when their
  coordinates are exactly equal (-0.0 equals 0.0).
- half-edges: facet (a, b, c) has a→b, b→c and c→a; one whose two ends are the
  same vertex belongs to a degenerate facet and is left out.
- edges: distinct unordered vertex pairs of the half-edges; an edge's *uses*
  are the half-edges on it. Open: used once. Non-manifold: used more than
  twice. Misoriented: used twice, both times in the same direction.
- degenerate facets: corners that are not three distinct vertices, or a zero
  area (the float64 cross product of two sides is exactly zero).
- holes: loops of open edges (connected components of the open edges).
- touching: two bodies printed in contact (a multi-colour part) have facets
  on their contact surface that lie in the same plane, on the same side of an
  edge they share, with opposite winding. An edge used four times, twice each
  way, is *touching* when exactly one way of pairing each half-edge with an
  opposite one never pairs two such contact facets (within COPLANAR radians);
  that pairing tells which facets belong together. Bodies meeting only along
  an edge, and any other non-manifold edge, are defects.
- bodies: facets connected across edges used twice and across touching edges.
- Euler characteristic: V - E + F. Volume: the sum of dot(v0, cross(v1, v2))/6
  in float64, signed (negative: inside out). Area: the sum of
  |cross(v1 - v0, v2 - v0)|/2.
- flipped normals: stored normals that are not zero and point against the
  winding (negative dot product with the cross product).

Memory is what costs most here: a 1.3M-facet file fills arrays of 4 million
corners and half-edges. So corners are hashed and sorted together with their
index in one array of 64-bit words, sorted in place, and that array is reused
for the half-edges; the file itself is only ever read in slices.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ohw.mesh.graph import components

if TYPE_CHECKING:
    import numpy as np

    from ohw.mesh.stl import Triangles

# Results depend on this code: cached results carry it, and a change bumps it.
ANALYSER_VERSION = 1
# Where defects are, the first few by position in the file.
EXAMPLES = 3
# Facets of two bodies in contact lie in one plane; 1e-3 radians (0.06°) allows
# for coordinates rounded to float32 on thin facets, and is far from any real angle.
COPLANAR = 1e-3
_SLICE = 1 << 16

Point = tuple[float, float, float]


@dataclass
class MeshReport:
    """Counts, measures and defects of one mesh, as defined above."""

    format: str
    facets: int
    vertices: int
    edges: int
    open_edges: int
    holes: int
    nonmanifold_edges: int
    touching_edges: int
    misoriented_edges: int
    degenerate_facets: int
    flipped_normals: int
    bodies: int
    touching_bodies: int
    open_bodies: int
    inside_out_bodies: int
    euler: int
    volume: float
    area: float
    minimum: Point
    maximum: Point
    near: dict[str, list[Point]] = field(default_factory=dict)

    @property
    def size(self) -> Point:
        return (
            self.maximum[0] - self.minimum[0],
            self.maximum[1] - self.minimum[1],
            self.maximum[2] - self.minimum[2],
        )


class _Geometry:
    """Sums over facets, gathered slice by slice."""

    def __init__(self) -> None:
        self.volume6 = 0.0
        self.area2 = 0.0
        self.zero_area: list[Any] = []
        self.flipped: list[Any] = []

    def add(self, block: np.ndarray, normals: np.ndarray | None, start: int) -> None:
        import numpy as np

        wide = block.astype(np.float64)
        cross = np.cross(wide[:, 1] - wide[:, 0], wide[:, 2] - wide[:, 0])
        length = np.sqrt(np.einsum("ij,ij->i", cross, cross))
        self.area2 += float(length.sum())
        # dot(v0, cross(v1 - v0, v2 - v0)) is dot(v0, cross(v1, v2)): the tetrahedron
        # on the origin.
        self.volume6 += float(np.einsum("ij,ij->", wide[:, 0], cross))
        self.zero_area.append(np.flatnonzero(length == 0) + start)
        if normals is not None:
            # A stored normal of zero ("work it out") has a zero dot product: never against.
            against = np.einsum("ij,ij->i", normals.astype(np.float64), cross) < 0
            self.flipped.append(np.flatnonzero(against) + start)


def _bits(count: int) -> int:
    return max(1, (count - 1).bit_length())


def _hash_corners(block: np.ndarray, index_bits: int, start: int) -> np.ndarray:
    """Top bits: a hash of each corner's coordinates; low bits: its corner index."""
    import numpy as np

    columns = block.reshape(len(block) * 3, -1).view(np.uint32)
    mixed = np.zeros(len(columns), dtype=np.uint64)
    for column in columns.T:
        mixed ^= column.astype(np.uint64)
        # splitmix64's finaliser: every input bit reaches every output bit.
        mixed ^= mixed >> np.uint64(30)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(27)
        mixed *= np.uint64(0x94D049BB133111EB)
        mixed ^= mixed >> np.uint64(31)
    shift = np.uint64(index_bits)
    mixed >>= shift
    mixed <<= shift
    mixed |= np.arange(3 * start, 3 * start + len(columns), dtype=np.uint64)
    return mixed


def _slices(triangles: Triangles) -> Iterator[tuple[int, np.ndarray]]:
    """The facets in slices: a copy of each slice's corners, with -0.0 made 0.0,
    and the file's memory let go behind it."""
    corners = triangles.corners
    for start in range(0, len(corners), _SLICE):
        stop = min(start + _SLICE, len(corners))
        yield start, corners[start:stop] + 0.0
        triangles.release(start, stop)


def _prefer_small_pages() -> None:
    """Stop numpy asking the kernel for huge pages for large arrays. Where the
    kernel compacts memory to provide them (transparent huge pages on
    "madvise"), a fresh array costs three to four times as much to fill, and
    this analysis fills fresh arrays of tens of megabytes."""
    try:
        from numpy._core.multiarray import (  # type: ignore[attr-defined]
            _set_madvise_hugepage,
        )
    except ImportError:  # numpy < 2, or a future numpy without the switch
        return
    _set_madvise_hugepage(False)


def analyse(triangles: Triangles) -> MeshReport:
    """Count, measure and locate the defects of ``triangles``."""
    import numpy as np

    _prefer_small_pages()

    normals = triangles.normals
    index_bits = _bits(3 * len(triangles))
    keys = np.empty(3 * len(triangles), dtype=np.uint64)
    geometry = _Geometry()
    for start, block in _slices(triangles):
        stored = None if normals is None else normals[start : start + len(block)]
        geometry.add(block, stored, start)
        keys[3 * start : 3 * (start + len(block))] = _hash_corners(block, index_bits, start)
    welding = _weld(triangles, keys, index_bits)
    return _HalfEdges(welding, keys).report(triangles, geometry)


@dataclass
class _Welding:
    """Corners welded into vertices."""

    vertex: np.ndarray  # the vertex of each corner (int32)
    points: np.ndarray  # the position of each vertex
    order: np.ndarray  # the corners, sorted by vertex (int32)
    star: np.ndarray  # the vertex at each place of that order: non-decreasing (int32)


def _weld(triangles: Triangles, keys: np.ndarray, index_bits: int) -> _Welding:
    """Corners with equal hashes are one vertex, once every corner has been
    compared with its vertex's position; corners that hashed alike but lie
    apart (it happens) are parted."""
    import numpy as np

    keys.sort()
    shift = np.uint64(index_bits)
    first = np.empty(len(keys), dtype=bool)
    first[0] = True
    for start in range(1, len(keys), 1 << 20):
        part = keys[start - 1 : start + (1 << 20)] >> shift
        first[start : start + len(part) - 1] = part[1:] != part[:-1]
    keys &= np.uint64((1 << index_bits) - 1)
    order = keys.view(np.int64).astype(np.int32)
    star = np.cumsum(first, dtype=np.int32)
    star -= 1
    vertex = np.empty(len(keys), dtype=np.int32)
    vertex[order] = star
    leaders = order[first]
    corners = triangles.corners
    points = corners[leaders // 3, leaders % 3] + 0.0
    del first, leaders
    wrong = []
    for start, block in _slices(triangles):
        flat = block.reshape(-1, 3)
        leader = points[vertex[3 * start : 3 * start + len(flat)]]
        if not np.array_equal(flat, leader):
            wrong.append(np.flatnonzero((flat != leader).any(axis=1)) + 3 * start)
    if wrong:
        points = _part_collisions(corners, vertex, points, np.concatenate(wrong))
        order = np.argsort(vertex, kind="stable").astype(np.int32)
        star = vertex[order]
    return _Welding(vertex, points, order, star)


def _part_collisions(
    corners: np.ndarray, vertex: np.ndarray, points: np.ndarray, wrong: np.ndarray
) -> np.ndarray:
    """Split vertices whose corners hashed alike but lie apart: each corner of
    such a vertex is regrouped by its exact position, the first position keeping
    the vertex's number and the others numbered after all vertices. Returns the
    positions of all vertices."""
    import numpy as np

    shared = np.zeros(len(points), dtype=bool)
    shared[vertex[wrong]] = True
    members = np.flatnonzero(shared[vertex])
    where = (corners[members // 3, members % 3] + 0.0).astype(np.float64)
    table = np.column_stack([vertex[members].astype(np.float64), where])
    distinct, group = np.unique(table, axis=0, return_inverse=True)
    old = distinct[:, 0].astype(np.int64)
    keeps = np.ones(len(distinct), dtype=bool)
    keeps[1:] = old[1:] != old[:-1]
    number = np.where(keeps, old, len(points) + np.cumsum(~keeps) - 1)
    vertex[members] = number[group.ravel()]
    points = points.copy()
    points[old[keeps]] = distinct[keeps, 1:].astype(points.dtype)
    return np.concatenate([points, distinct[~keeps, 1:].astype(points.dtype)])


class _HalfEdges:
    """Half-edges sorted by their edge, and what follows from them.

    Every half-edge of an edge {u, v} with u < v shows in the star of u: as
    u→v from a corner at u, or as v→u into a corner at u. Listed star by star,
    in the welding's vertex order, the half-edges are already sorted by their
    lower vertex, and a stable sort (which finds runs) finishes in one pass.
    """

    def __init__(self, welding: _Welding, buffer: np.ndarray) -> None:
        import numpy as np

        self.vertex = vertex = welding.vertex
        self.points = welding.points
        count = len(vertex)
        self.index_bits = _bits(count)
        self.vertex_bits = _bits(len(self.points))
        self.words: np.ndarray | None = None
        self.half: np.ndarray | None = None
        self.edge_key: np.ndarray | None = None
        self.touching_facets = np.empty(0, dtype=np.int64)
        packed = 2 * self.vertex_bits + self.index_bits <= 64
        listed = 0
        pieces: list[tuple[np.ndarray, np.ndarray]] = []
        for begin in range(0, count, 1 << 20):
            corner = welding.order[begin : begin + (1 << 20)].astype(np.int64)
            centre = welding.star[begin : begin + len(corner)].astype(np.int64)
            outward, inward = _ahead(corner), _behind(corner)
            ends = np.stack([vertex[outward], vertex[inward]], axis=1).astype(np.int64)
            halves = np.stack([corner, inward], axis=1)  # centre→next, previous→centre
            keep = centre[:, None] < ends
            if packed:
                words = ends.astype(np.uint64) << np.uint64(self.index_bits)
                lower = centre.astype(np.uint64) << np.uint64(self.vertex_bits + self.index_bits)
                words |= lower[:, None]
                words |= halves.astype(np.uint64)
                chosen = words[keep]
                buffer[listed : listed + len(chosen)] = chosen
                listed += len(chosen)
            else:
                key = centre[:, None] * len(self.points) + ends
                pieces.append((key[keep], halves[keep]))
        if packed:
            self.words = buffer[:listed]
            self.words.sort(kind="stable")
        else:  # too many vertices to pack a half-edge in a word: sort an exact key
            key = np.concatenate([k for k, _ in pieces])
            half = np.concatenate([h for _, h in pieces])
            by_edge = np.argsort(key, kind="stable")
            self.edge_key, self.half = key[by_edge], half[by_edge]
            listed = len(key)
        self.half_count = listed

    def edge_keys(self, begin: int, end: int) -> np.ndarray:
        """The edges of the sorted half-edges from ``begin`` to ``end``."""
        import numpy as np

        if self.words is not None:
            return self.words[begin:end] >> np.uint64(self.index_bits)
        assert self.edge_key is not None
        return self.edge_key[begin:end]

    def half_of(self, positions: np.ndarray) -> np.ndarray:
        """The half-edge at each position of the sorted order."""
        import numpy as np

        if self.words is not None:
            mask = np.uint64((1 << self.index_bits) - 1)
            return (self.words[positions] & mask).astype(np.int64)
        assert self.half is not None
        return self.half[positions]

    def report(self, triangles: Triangles, geometry: _Geometry) -> MeshReport:
        import numpy as np

        count = self.half_count
        pieces = []
        step = 1 << 20
        for begin in range(0, count, step):
            # One half-edge of overlap, to see whether the first one starts an edge.
            keys = self.edge_keys(max(begin - 1, 0), min(begin + step, count))
            new = keys[1:] != keys[:-1]
            pieces.append(np.flatnonzero(new) + max(begin, 1))
        starts = np.concatenate([np.zeros(1 if count else 0, dtype=np.int64), *pieces])
        uses = np.diff(np.append(starts, count))
        facets = len(triangles)

        once = starts[uses == 1]
        twice = starts[uses == 2]
        first, second = self.half_of(twice), self.half_of(twice + 1)
        misoriented = self.vertex[first] == self.vertex[second]
        links = [(first // 3, second // 3)]
        crowded = uses > 2
        touching, unresolved = self._touching(starts[crowded], uses[crowded], links)
        root = components(
            np.concatenate([a for a, _ in links]), np.concatenate([b for _, b in links]), facets
        )
        bodies = Bodies(root, facets)
        bodies.touching = int(bodies.touched(self.touching_facets).sum())

        repeated = self.vertex.reshape(-1, 3)
        degenerate = (
            (repeated[:, 0] == repeated[:, 1])
            | (repeated[:, 1] == repeated[:, 2])
            | (repeated[:, 0] == repeated[:, 2])
        )
        degenerate[np.concatenate(geometry.zero_area)] = True
        flipped = np.concatenate(geometry.flipped) if geometry.flipped else np.empty(0, np.int64)

        open_halves = np.sort(self.half_of(once))
        bad_halves = np.sort(self.half_of(unresolved)) if len(unresolved) else unresolved
        hole_count, hole_near = self._holes(open_halves)
        defective = np.concatenate([open_halves, bad_halves]) // 3
        volumes = bodies.volumes(triangles, geometry.volume6)
        open_bodies = bodies.touched(defective)
        closed = ~open_bodies
        inside_out = closed & (volumes < 0)
        near = {
            "holes": hole_near,
            "non-manifold edges": self._midpoints(bad_halves),
            "misoriented edges": self._midpoints(np.sort(first[misoriented])),
            "degenerate facets": _centres(triangles, np.flatnonzero(degenerate)),
            "flipped normals": _centres(triangles, flipped),
            "inside-out bodies": _centres(triangles, bodies.first_facets(inside_out)),
        }
        return MeshReport(
            format=triangles.format,
            facets=facets,
            vertices=len(self.points),
            edges=len(starts),
            open_edges=len(once),
            holes=hole_count,
            nonmanifold_edges=int(crowded.sum()),
            touching_edges=touching,
            misoriented_edges=int(misoriented.sum()),
            degenerate_facets=int(degenerate.sum()),
            flipped_normals=len(flipped),
            bodies=bodies.count,
            touching_bodies=bodies.touching,
            open_bodies=int(open_bodies.sum()),
            inside_out_bodies=int(inside_out.sum()),
            euler=len(self.points) - len(starts) + facets,
            volume=geometry.volume6 / 6,
            area=geometry.area2 / 2,
            minimum=_point(self.points.min(axis=0)),
            maximum=_point(self.points.max(axis=0)),
            near={kind: points for kind, points in near.items() if points},
        )

    def _touching(
        self, starts: np.ndarray, uses: np.ndarray, links: list[tuple[np.ndarray, np.ndarray]]
    ) -> tuple[int, np.ndarray]:
        """Resolve the edges where bodies touch and add their pairings to ``links``.
        Returns how many were resolved, and the first sorted position of each
        non-manifold edge that remains a defect."""
        import numpy as np

        four = starts[uses == 4]
        halves = self.half_of(four[:, None] + np.arange(4))  # (edges, 4)
        start, end = self.vertex[halves], self.vertex[_ahead(halves)]
        forward = start < end
        rank = np.argsort(~forward, axis=1, kind="stable")  # the two forward ones first
        f0, f1, b0, b1 = rank.T
        rows = np.arange(len(four))
        plane = self._half_planes(halves, start, end)

        def together(i: np.ndarray, j: np.ndarray) -> np.ndarray:
            """Whether two facets lie in one half-plane round the edge: in contact."""
            a, b = plane[rows, i], plane[rows, j]
            return (np.einsum("ij,ij->i", a, b) > 0) & (
                np.linalg.norm(np.cross(a, b), axis=1) < COPLANAR
            )

        straight = ~together(f0, b0) & ~together(f1, b1)
        crossed = ~together(f0, b1) & ~together(f1, b0)
        resolved = (forward.sum(axis=1) == 2) & (straight != crossed)
        facet = halves // 3
        for f, b in ((f0, np.where(straight, b0, b1)), (f1, np.where(straight, b1, b0))):
            links.append((facet[rows, f][resolved], facet[rows, b][resolved]))
        self.touching_facets = facet[resolved].ravel()
        return int(resolved.sum()), np.concatenate([starts[uses != 4], four[~resolved]])

    def _half_planes(self, halves: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """For each facet on an edge, the unit direction from the edge towards the
        facet's third corner, square to the edge: the half-plane the facet lies in."""
        import numpy as np

        third = self.vertex.reshape(-1, 3)[halves // 3].sum(axis=2, dtype=np.int64) - start - end
        origin = self.points[start].astype(np.float64)
        axis = self.points[end].astype(np.float64) - origin
        towards = self.points[third].astype(np.float64) - origin
        along = np.einsum("eij,eij->ei", towards, axis) / np.einsum("eij,eij->ei", axis, axis)
        square = towards - along[..., None] * axis
        length = np.linalg.norm(square, axis=2, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return square / length  # NaN for a degenerate facet: in no half-plane

    def _holes(self, open_halves: np.ndarray) -> tuple[int, list[Point]]:
        """Loops of open edges, and a point on each of the first few."""
        import numpy as np

        if len(open_halves) == 0:
            return 0, []
        ends = np.concatenate([self.vertex[open_halves], self.vertex[_ahead(open_halves)]])
        numbered, compact = np.unique(ends, return_inverse=True)
        compact = compact.ravel()
        half = len(open_halves)
        root = components(compact[:half], compact[half:], len(numbered))
        loop_of_edge = root[compact[:half]]
        loops, first_edge = np.unique(loop_of_edge, return_index=True)
        earliest = np.sort(open_halves[first_edge])  # open_halves is sorted: file order
        return len(loops), self._midpoints(earliest)

    def _midpoints(self, halves: np.ndarray) -> list[Point]:
        chosen = halves[:EXAMPLES]
        a = self.points[self.vertex[chosen]].astype(float)
        b = self.points[self.vertex[_ahead(chosen)]].astype(float)
        return [_point(p) for p in (a + b) / 2]


class Bodies:
    """Facets grouped into bodies."""

    def __init__(self, root: np.ndarray, facets: int) -> None:
        import numpy as np

        is_root = root == np.arange(facets, dtype=root.dtype)
        self.count = int(is_root.sum())
        self.number = (np.cumsum(is_root, dtype=np.int32) - 1)[root] if self.count > 1 else None
        self.touching = 0

    def volumes(self, triangles: Triangles, total6: float) -> np.ndarray:
        """Signed volume of each body; a second pass over the facets if there are several."""
        import numpy as np

        if self.number is None:
            return np.array([total6 / 6])
        sums = np.zeros(self.count)
        corners = triangles.corners
        for start in range(0, len(corners), _SLICE):
            wide = corners[start : start + _SLICE].astype(np.float64)
            six = np.einsum("ij,ij->i", wide[:, 0], np.cross(wide[:, 1], wide[:, 2]))
            sums += np.bincount(
                self.number[start : start + _SLICE], weights=six, minlength=self.count
            )
        return sums / 6

    def touched(self, facets: np.ndarray) -> np.ndarray:
        """Which bodies hold one of ``facets``."""
        import numpy as np

        mark = np.zeros(self.count, dtype=bool)
        if len(facets):
            mark[0 if self.number is None else self.number[facets]] = True
        return mark

    def first_facets(self, chosen: np.ndarray) -> np.ndarray:
        """The first facet, in file order, of each chosen body."""
        import numpy as np

        if self.number is None:
            return np.zeros(1, dtype=np.int64) if chosen.any() else np.empty(0, np.int64)
        _, first = np.unique(self.number, return_index=True)
        return np.sort(first[chosen])


def _ahead(halves: np.ndarray) -> np.ndarray:
    """The next half-edge round the same facet: a→b, b→c, c→a."""
    return halves + 1 - 3 * (halves % 3 == 2)


def _behind(halves: np.ndarray) -> np.ndarray:
    """The previous half-edge round the same facet."""
    return halves - 1 + 3 * (halves % 3 == 0)


def _centres(triangles: Triangles, facets: np.ndarray) -> list[Point]:
    chosen = triangles.corners[facets[:EXAMPLES]].astype(float)
    return [_point(c) for c in chosen.mean(axis=1)]


def _point(values: Any) -> Point:
    return (float(values[0]), float(values[1]), float(values[2]))
