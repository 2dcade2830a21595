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
- fins: a touching edge whose two contact facets end up in one body is no
  contact between bodies but a wall of no thickness (a facet and its reverse
  hung on an edge): it stays a non-manifold edge.
- bodies: facets connected across edges used twice, and across touching edges
  (pairing each facet with its partner). On any other non-manifold edge, a
  facet that copies another there (the same three corners, either way round)
  goes with it, and where the copies taken away leave two facets, those two
  are connected: a stray copy of a facet is no body of its own. A group of
  facets none of which has any area is not a body.
- cavities: closed bodies wound inward (negative volume) that lie in the
  material of the bodies around them (ohw.mesh.nesting): a hollow, which
  prints. Inside out: a closed body wound inward that nothing encloses.
- Euler characteristic: V - E + F. Volume: the sum of dot(v0, cross(v1, v2))/6
  in float64, signed (negative: inside out). Area: the sum of
  |cross(v1 - v0, v2 - v0)|/2.
- flipped normals: stored normals that are not zero and point against the
  winding (negative dot product with the cross product).

Memory is what costs most here: a 1.3M-facet file fills arrays of 4 million
corners and half-edges, and fresh memory is slow to touch. So corners are
hashed and sorted together with their index in one array of 64-bit words,
sorted in place, and that array is reused for the half-edges; the file itself
is only ever read in slices of a megabyte or so, which stay in the processor's
cache yet are big enough that numpy, not the interpreter, takes the time (two
threads share one interpreter). Vertices are numbered in the order they first
come in the file, so that the vertices of neighbouring facets lie together.
Two sorts of four million words (numpy's vectorised sort, about 45 ms each)
and one scatter of the vertex numbers set the floor; everything else is a
pass in file order or a gather, split in halves between two threads.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ohw.mesh.graph import components
from ohw.mesh.stl import first_not_finite, not_finite

if TYPE_CHECKING:
    from concurrent.futures import Executor

    import numpy as np

    from ohw.mesh.stl import Triangles

# Results depend on this code: cached results carry it, and a change bumps it.
ANALYSER_VERSION = 5
# Where defects are, the first few by position in the file.
EXAMPLES = 3
# Facets of two bodies in contact lie in one plane; 1e-3 radians (0.06°) allows
# for coordinates rounded to float32 on thin facets, and is far from any real angle.
COPLANAR = 1e-3
_SLICE = 1 << 15
_CHUNK = 1 << 18
# From this many facets on, one mesh is analysed on two threads. On small arrays
# numpy keeps the interpreter, and two threads would only take turns.
_THREADED = 1 << 17
# The memory the analysis takes afresh after the corners are numbered, by corner.
_AHEAD_BYTES_PER_CORNER = 13
# Buckets of half-edges, at most 2**12: beyond, an exact key is sorted instead.
_MAX_BUCKET_BITS = 12

Point = tuple[float, float, float]
T = TypeVar("T")


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
    cavities: int
    cavity_volume: float  # of the hollows, in mm³ (a positive number)
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
        self.slice_volumes6: list[float] = []  # of each slice of _SLICE facets, in order

    def join(self, later: _Geometry) -> None:
        """Add the sums of the facets after these."""
        self.volume6 += later.volume6
        self.area2 += later.area2
        self.zero_area += later.zero_area
        self.flipped += later.flipped
        self.slice_volumes6 += later.slice_volumes6

    def add(self, block: np.ndarray, normals: np.ndarray | None, start: int) -> None:
        import numpy as np

        first, (cx, cy, cz) = facet_crosses(block)
        length = np.sqrt(cx * cx + cy * cy + cz * cz)
        self.area2 += float(length.sum())
        self.slice_volumes6.append(float(six_volumes(block, first, (cx, cy, cz)).sum()))
        self.volume6 += self.slice_volumes6[-1]
        self.zero_area.append(np.flatnonzero(length == 0) + start)
        if normals is not None:
            # A stored normal of zero ("work it out") has a zero dot product: never against.
            nx, ny, nz = normals.T
            against = (nx * cx + ny * cy + nz * cz) < 0
            self.flipped.append(np.flatnonzero(against) + start)


Rows = tuple["np.ndarray", "np.ndarray", "np.ndarray"]


def facet_crosses(block: np.ndarray) -> tuple[Rows, Rows]:
    """Each facet's first corner and cross(v1 - v0, v2 - v0), in float64, as three
    contiguous rows each: arithmetic on whole rows is several times faster than
    on (n, 3) columns."""
    import numpy as np

    # order="C": astype would otherwise keep the transposed layout, every row strided.
    rows = block.reshape(-1, 9).T.astype(np.float64, order="C")
    x0, y0, z0, x1, y1, z1, x2, y2, z2 = rows
    return (x0, y0, z0), _cross((x1 - x0, y1 - y0, z1 - z0), (x2 - x0, y2 - y0, z2 - z0))


def six_volumes(
    block: np.ndarray, first: Rows | None = None, cross: Rows | None = None
) -> np.ndarray:
    """Six times each facet's signed volume on the origin: dot(v0, cross(v1 - v0,
    v2 - v0)), which is dot(v0, cross(v1, v2)). Every volume ohw reports is a sum
    of these, so a body's volume and the file's agree."""
    if first is None or cross is None:
        first, cross = facet_crosses(block)
    return _dot(first, cross)


def _dot(a: Any, b: Any) -> Any:
    """The dot products of vectors given coordinate first, as rows."""
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: Any, b: Any) -> Rows:
    """The cross products of vectors given coordinate first, as rows."""
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _bits(count: int) -> int:
    return max(1, (count - 1).bit_length())


def _hash_corners(block: np.ndarray, index_bits: int, start: int, out: np.ndarray) -> None:
    """Top bits: a hash of each corner's coordinates; low bits: its corner index.
    Equal hashes are checked against the coordinates later, so the hash only has
    to be fast and spread well."""
    import numpy as np

    bits = block.reshape(-1, block.shape[-1]).view(np.uint32)
    out[:] = bits[:, 0]
    for column in range(1, bits.shape[1]):
        out *= np.uint64(0x9E3779B97F4A7C15)
        out ^= bits[:, column]
    out ^= out >> np.uint64(29)
    out *= np.uint64(0xBF58476D1CE4E5B9)
    out ^= out >> np.uint64(32)
    shift = np.uint64(index_bits)
    out >>= shift
    out <<= shift
    out |= np.arange(3 * start, 3 * start + len(bits), dtype=np.uint64)


def _slices(triangles: Triangles, begin: int, end: int) -> Iterator[tuple[int, np.ndarray]]:
    """The facets ``begin`` to ``end`` in slices: a copy of each slice's corners,
    with -0.0 made 0.0, and the file's memory let go behind it."""
    corners = triangles.corners
    for start in range(begin, end, _SLICE):
        stop = min(start + _SLICE, end)
        yield start, corners[start:stop] + 0.0
        triangles.release(start, stop)


@functools.cache
def _tune_memory() -> None:
    """Make fresh memory cheap, as this analysis fills arrays of tens of
    megabytes and many slice-sized temporaries. Measured on a 1.3M-facet file,
    each halves the time it touches:

    - numpy asks the kernel for huge pages for large arrays; where the kernel
      compacts memory to provide them (transparent huge pages on "madvise"), a
      fresh array costs three to four times as much to fill;
    - glibc returns freed blocks above 128 kB to the kernel, so every slice's
      temporaries fault their pages in again; ohw is a short-lived process,
      and keeping freed memory for reuse costs it nothing.
    """
    import ctypes

    try:
        from numpy._core.multiarray import (  # type: ignore[attr-defined]
            _set_madvise_hugepage,
        )
    except ImportError:  # numpy < 2, or a future numpy without the switch
        pass
    else:
        _set_madvise_hugepage(False)
    try:
        # The process's own symbols, the C library's among them: finding libc by
        # name (ctypes.util.find_library) runs ldconfig, which costs milliseconds.
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc: nothing to tune
        return
    mallopt(-3, 1 << 30)  # M_MMAP_THRESHOLD: large blocks from the reusable heap
    mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: keep freed heap memory


def weld(triangles: Triangles) -> Welding:
    """Weld the corners into vertices, exactly."""
    numbering = _number(*_hash(triangles))
    return Welding(numbering.vertex, _placed(triangles, numbering))


def analyse(triangles: Triangles) -> MeshReport:
    """Count, measure and locate the defects of ``triangles``. Raises MeshError
    for a coordinate that is NaN or infinite where the reader left that check
    to this first pass of the facets (Triangles.checked_finite)."""
    from concurrent.futures import ThreadPoolExecutor

    _tune_memory()
    if len(triangles) < _THREADED:
        return _analyse(triangles, None)
    # A second thread works beside the first wherever the work splits: numpy lets
    # go of the interpreter while it computes on large arrays, so the two share
    # the processor's cores.
    with ThreadPoolExecutor(max_workers=1) as beside:
        return _analyse(triangles, beside)


def _analyse(triangles: Triangles, beside: Executor | None) -> MeshReport:
    geometry = _Geometry()
    numbering = _number(*_hash(triangles, beside, geometry), beside)
    points = _placed(triangles, numbering, beside)
    half_edges = _HalfEdges(numbering.vertex, len(points), numbering.keys, beside)
    del numbering
    return half_edges.report(triangles, geometry, points, beside)


def _placed(
    triangles: Triangles, numbering: _Numbering, beside: Executor | None = None
) -> np.ndarray:
    """The position of each vertex, with vertices whose corners hashed alike but
    lie apart parted (numbered after all others): rare."""
    points, wrong = _place(triangles, numbering, beside)
    if len(wrong):
        members = _same_hash(triangles.corners, numbering, wrong)
        points = _part_collisions(triangles.corners, numbering.vertex, points, members)
    return points


@dataclass
class Welding:
    """Corners welded into vertices."""

    vertex: np.ndarray  # the vertex of each corner (int32)
    points: np.ndarray  # the position of each vertex


@dataclass
class _Numbering:
    """Corners numbered by vertex, before any corner is checked against its vertex."""

    vertex: np.ndarray  # the vertex of each corner (int32)
    vertices: int
    leader: np.ndarray  # each vertex's first corner, in file order
    placed: np.ndarray  # the vertex of each leader
    keys: np.ndarray  # the sorted keys: a buffer of one 64-bit word per corner, free for reuse
    index_bits: int  # the low bits of a key that hold its corner's index


def _hash(
    triangles: Triangles, beside: Executor | None = None, geometry: _Geometry | None = None
) -> tuple[np.ndarray, int]:
    """Every corner's key (``_hash_corners``), and how many low bits hold its
    index; with ``geometry``, the sums over facets added to it from the same
    slices, while they are in the cache. With ``beside``, a second thread takes
    the second half."""
    import numpy as np

    _tune_memory()
    index_bits = _bits(3 * len(triangles))
    keys = np.empty(3 * len(triangles), dtype=np.uint64)
    normals = triangles.normals

    def hash_corners(begin: int, end: int) -> tuple[_Geometry, int | None]:
        measured = _Geometry()
        for start, block in _slices(triangles, begin, end):
            if not triangles.checked_finite and (bad := first_not_finite(block)) is not None:
                return measured, start + bad
            _hash_corners(block, index_bits, start, keys[3 * start : 3 * (start + len(block))])
            if geometry is not None:
                stored = None if normals is None else normals[start : start + len(block)]
                measured.add(block, stored, start)
        return measured, None

    halves = _halves(beside, hash_corners, len(triangles))  # each slice's keys: their own place
    bad_facets = [bad for _, bad in halves if bad is not None]
    if bad_facets:
        raise not_finite(min(bad_facets))
    if geometry is not None:
        for measured, _ in halves:
            geometry.join(measured)
    return keys, index_bits


def _number(keys: np.ndarray, index_bits: int, beside: Executor | None = None) -> _Numbering:
    """The corners' ``keys`` sorted: corners with equal hashes are one vertex,
    numbered in the sorted order. With ``beside``, a second thread numbers the
    second half of the sorted corners."""
    import numpy as np

    vertex = np.empty(len(keys), dtype=np.int32)
    # Fresh memory costs a fault a page when first written, a few hundredths of a
    # second for these millions of numbers: taken on the second thread, which
    # has nothing else to do while the first sorts. It touches the vertex
    # numbers, and as much memory as the rest of the analysis will take afresh
    # (about 13 bytes a corner), given back to the allocator to be used again
    # (_tune_memory has it keep what is freed).
    touched = []
    if beside is not None:
        ahead = np.empty(_AHEAD_BYTES_PER_CORNER * len(keys), dtype=np.uint8)
        touched = [beside.submit(np.copyto, vertex, 0), beside.submit(np.copyto, ahead, 0)]
        del ahead  # freed once touched
    # Every key holds its corner's index, so no two are equal and any sort gives
    # the same order: numpy's default sort is the vectorised one.
    keys.sort()
    for done in touched:
        done.result()
    if beside is None:
        leaders, vertices = _number_runs(
            keys, 0, len(keys), 0, vertex=vertex, index_bits=index_bits
        )
    else:
        # The second half only needs to know how many vertices the first holds.
        middle = len(keys) // 2
        before = _count_runs(keys, middle, index_bits)
        second = beside.submit(
            _number_runs, keys, middle, len(keys), before, vertex=vertex, index_bits=index_bits
        )
        leaders, _ = _number_runs(keys, 0, middle, 0, vertex=vertex, index_bits=index_bits)
        more, vertices = second.result()
        leaders += more
    # Leaders in file order: each comes before the other corners of its vertex,
    # so one pass in file order can place each vertex and check every corner.
    leader = np.concatenate(leaders)
    leader.sort()
    return _Numbering(vertex, vertices, leader, np.take(vertex, leader), keys, index_bits)


def _count_runs(keys: np.ndarray, end: int, index_bits: int) -> int:
    """How many runs of equal hashes start among the sorted ``keys[:end]``."""
    import numpy as np

    shift, count = np.uint64(index_bits), 1 if end else 0
    for begin in range(0, end, _CHUNK):
        hashed = keys[begin : min(begin + _CHUNK + 1, end)] >> shift  # and the next one
        count += int(np.count_nonzero(hashed[1:] != hashed[:-1]))
    return count


def _number_runs(
    keys: np.ndarray, begin: int, end: int, vertices: int, *, vertex: np.ndarray, index_bits: int
) -> tuple[list[np.ndarray], int]:
    """Number the runs of equal hashes in the sorted ``keys[begin:end]`` from
    ``vertices`` on (a run from before ``begin`` keeps its number), writing each
    corner's vertex. Returns the leaders, each vertex's first corner (the first
    of its run: keys sort by hash, then index), and the vertices counted so far."""
    import numpy as np

    shift, mask = np.uint64(index_bits), np.uint64((1 << index_bits) - 1)
    leaders: list[np.ndarray] = []
    previous = keys[begin - 1] >> shift if begin else None
    for start in range(begin, end, _CHUNK):  # in chunks: the temporaries stay in cache
        part = keys[start : min(start + _CHUNK, end)]
        hashed = part >> shift
        first = np.empty(len(part), dtype=bool)
        first[0] = previous is None or hashed[0] != previous
        np.not_equal(hashed[1:], hashed[:-1], out=first[1:])
        previous = hashed[-1]
        # 64-bit, numpy's own index type: it would convert 32-bit indices first.
        corner = (part & mask).view(np.int64)
        number = np.cumsum(first, dtype=np.int32)
        number += vertices - 1
        vertex[corner] = number
        leaders.append(corner[first].astype(np.int32))  # half the fresh memory of int64
        vertices = int(number[-1]) + 1
    return leaders, vertices


def _place(
    triangles: Triangles, numbering: _Numbering, beside: Executor | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Renumber the vertices in the order their leaders come in the file, and
    place each; return the positions and the corners that lie elsewhere than
    their vertex (hashed alike, but apart). With ``beside``, a second thread
    takes the second half of the file.

    Numbered in hash order, the vertices of neighbouring facets lie all over
    memory; in file order they lie together, and every later gather by vertex
    (this check, the facet graph's components) is served from the cache: at
    5.2M facets the components take a third less time."""
    import numpy as np

    vertex, leader, vertices = numbering.vertex, numbering.leader, numbering.vertices
    renumber = np.empty(vertices, dtype=np.int32)
    renumber[numbering.placed] = np.arange(vertices, dtype=np.int32)
    points = np.empty((vertices, 3), dtype=triangles.corners.dtype)
    starts = np.arange(0, len(vertex) + 3 * _SLICE, 3 * _SLICE, dtype=leader.dtype)
    bounds: Any = np.searchsorted(leader, starts)

    def number_and_place(begin: int, end: int) -> None:
        for start in range(begin, end, _SLICE):
            stop = min(start + _SLICE, end)
            corners = vertex[3 * start : 3 * stop]
            np.take(renumber, corners, out=corners)
            first, last = bounds[start // _SLICE], bounds[start // _SLICE + 1]
            facet, corner = np.divmod(leader[first:last], 3)
            points[first:last] = triangles.corners[facet, corner] + 0.0  # -0.0 made 0.0
            triangles.release(start, stop)

    def check(begin: int, end: int) -> list[np.ndarray]:
        wrong = []
        for start in range(begin, end, _SLICE):
            stop = min(start + _SLICE, end)
            # The corners as read, not copied: -0.0 equals 0.0 here.
            block = triangles.corners[start:stop]
            placed = np.take(points, vertex[3 * start : 3 * stop], axis=0).reshape(block.shape)
            if not np.array_equal(block, placed):
                apart = (block != placed).any(axis=2).ravel()
                wrong.append(np.flatnonzero(apart) + 3 * start)
            triangles.release(start, stop)
        return wrong

    # A corner's leader may lie in the other half: every vertex is placed
    # before any corner is checked against it.
    _halves(beside, number_and_place, len(triangles))
    wrong = [found for half in _halves(beside, check, len(triangles)) for found in half]
    return points, np.concatenate(wrong) if wrong else np.empty(0, dtype=np.int64)


def _halves(beside: Executor | None, work: Callable[[int, int], T], facets: int) -> list[T]:
    """``work`` on the first and the second half of the facets, the second beside
    where there is a second thread."""
    middle = _middle(facets)
    if beside is None or middle == 0:
        return [work(0, facets)]
    later = beside.submit(work, middle, facets)
    return [work(0, middle), later.result()]


def _middle(facets: int) -> int:
    """Where the two halves of ``facets`` meet: at a slice's end."""
    return facets // 2 // _SLICE * _SLICE


def _same_hash(corners: np.ndarray, numbering: _Numbering, wrong: np.ndarray) -> np.ndarray:
    """Every corner that hashed as one of the ``wrong`` corners did: the runs of
    their hashes among the sorted keys, found by search rather than by a pass
    over all corners."""
    import numpy as np

    keys, mask = numbering.keys, np.uint64((1 << numbering.index_bits) - 1)
    hashed = np.empty(len(wrong), dtype=np.uint64)
    _hash_corners(corners[wrong // 3, wrong % 3] + 0.0, numbering.index_bits, 0, hashed)
    hashed &= ~mask
    begins = np.searchsorted(keys, hashed)
    ends = np.searchsorted(keys, hashed | mask, side="right")
    runs = np.unique(np.column_stack([begins, ends]), axis=0)  # corners of one run share it
    positions = np.concatenate([np.arange(begin, end) for begin, end in runs])
    return np.sort((keys[positions] & mask).view(np.int64))


def _part_collisions(
    corners: np.ndarray, vertex: np.ndarray, points: np.ndarray, members: np.ndarray
) -> np.ndarray:
    """Split vertices whose corners hashed alike but lie apart: each corner of
    such a vertex (``members``, all of them) is regrouped by its exact position,
    the first position keeping the vertex's number and the others numbered
    after all vertices. Returns the positions of all vertices."""
    import numpy as np

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


@dataclass
class Contacts:
    """The edges where two bodies may touch along a face, and the defects left."""

    starts: np.ndarray  # each resolved edge's first sorted position
    facets: np.ndarray  # (edges, 2): its two facets in contact, one of each body
    all_facets: np.ndarray  # (edges, 4): all its facets
    bad_starts: np.ndarray  # each edge that stays a defect: its first sorted position
    bad_positions: np.ndarray  # and all its sorted positions


class _HalfEdges:
    """Half-edges sorted by their edge, and what follows from them.

    Each is a 64-bit word: its edge's lower and higher vertex, whether it runs
    from the higher to the lower, and its corner index. Sorting the words
    groups the half-edges of each edge, and within an edge puts the ones
    running up first. Where the four do not fit in 64 bits (a mesh of more
    than a million vertices or so), the half-edges are first placed in buckets
    by the top bits of their lower vertex, which the words then leave out:
    each bucket sorted is the same order, found without a wider key.
    """

    def __init__(
        self,
        vertex: np.ndarray,
        vertices: int,
        buffer: np.ndarray,
        beside: Executor | None = None,
    ) -> None:
        """The half-edges of the facets whose corners are at ``vertex`` (numbers
        below ``vertices``), their words sorted in ``buffer``; with ``beside``,
        a second thread fills and sorts half of the buckets."""
        import numpy as np

        self.vertex = vertex
        self.points = np.empty((0, 3))  # the vertices' positions, given to the report
        count = len(vertex)
        self.index_bits = _bits(count)
        self.vertex_bits = _bits(vertices)
        self.words: np.ndarray | None = None
        self.half: np.ndarray | None = None
        self.edge_key: np.ndarray | None = None
        self.touching_facets = np.empty(0, dtype=np.int64)
        self.bucket_bits = max(0, 2 * self.vertex_bits + 1 + self.index_bits - 64)
        if self.bucket_bits > _MAX_BUCKET_BITS:
            self._sort_exact_keys(vertices)
            return
        facets = count // 3
        middle = _middle(facets) if beside is not None else 0
        self.bucket_starts = np.zeros(1, dtype=np.int64)
        # Where each half's words go: the second's after the first's in every bucket.
        firsts = [self.bucket_starts, np.full(1, 3 * middle)]
        if self.bucket_bits:
            counts = _halves(beside, self._count_buckets, facets)
            self.bucket_starts = np.concatenate([[0], np.cumsum(sum(counts))[:-1]])
            firsts = [self.bucket_starts, self.bucket_starts + counts[0]]

        def fill(begin: int, end: int) -> int:
            return self._fill(buffer, firsts[int(begin > 0)].copy(), begin, end)

        listed = _halves(beside, fill, facets)
        if not self.bucket_bits and len(listed) == 2 and listed[0] < 3 * middle:
            # The first half left out degenerate half-edges: close the gap.
            buffer[listed[0] : listed[0] + listed[1]] = buffer[3 * middle : 3 * middle + listed[1]]
        self.half_count = sum(listed)
        self.words = buffer[: self.half_count]
        self._sort_buckets(beside)

    @property
    def _low_bits(self) -> int:
        """The bits of a lower vertex that a word holds; its bucket holds the rest."""
        return self.vertex_bits - self.bucket_bits

    def _count_buckets(self, begin: int, end: int) -> np.ndarray:
        """How many half-edges of the facets ``begin`` to ``end`` each bucket holds."""
        import numpy as np

        counts = np.zeros(1 << self.bucket_bits, dtype=np.int64)
        for low, _, _, _ in self._slices(begin, end):
            counts += np.bincount(low >> self._low_bits, minlength=len(counts))
        return counts

    def _fill(self, buffer: np.ndarray, filled: np.ndarray, begin: int, end: int) -> int:
        """Write the words of the facets ``begin`` to ``end`` into ``buffer``, each
        at its bucket's next place in ``filled``; returns how many there are."""
        import numpy as np

        listed = 0
        for low, high, down, halves in self._slices(begin, end):
            words = low.astype(np.uint64)
            if self.bucket_bits:
                words &= np.uint64((1 << self._low_bits) - 1)
            words <<= np.uint64(self.vertex_bits)
            words |= high
            words <<= np.uint64(1)
            words |= down
            words <<= np.uint64(self.index_bits)
            words |= halves
            if not self.bucket_bits:
                buffer[filled[0] + listed : filled[0] + listed + len(words)] = words
            else:  # each word to its bucket; the order within a bucket comes later
                bucket = (low >> self._low_bits).astype(np.uint16)
                order = np.argsort(bucket, kind="stable")  # a radix sort, for 16 bits
                grouped = np.take(bucket, order)
                # Where each bucket's words begin here, and where each word goes:
                # its bucket's next place, and its rank among them.
                begins = np.searchsorted(grouped, np.arange(len(filled) + 1, dtype=np.uint16))
                places = np.take(filled - begins[:-1], grouped)
                places += np.arange(len(order))
                buffer[places] = np.take(words, order)
                filled += np.diff(begins)
            listed += len(words)
        return listed

    def _slices(
        self, begin: int = 0, end: int | None = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """The half-edges of the facets ``begin`` to ``end``, a few thousand facets
        at a time, degenerate ones left out: lower and higher vertex, whether
        each runs down, and its index."""
        import numpy as np

        vertex = self.vertex
        step, last = 3 * _SLICE, len(vertex) if end is None else 3 * end
        for first in range(3 * begin, last, step):
            tail = vertex[first : min(first + step, last)].view(np.uint32)
            head = np.empty_like(tail)  # the next corner round the facet: a→b, b→c, c→a
            head[:-1], head[2::3] = tail[1:], tail[0::3]
            low, high = np.minimum(tail, head), np.maximum(tail, head)
            keep = low != high  # both ends at one vertex: a degenerate facet's
            halves = np.arange(first, first + len(tail), dtype=np.uint64)
            if keep.all():
                yield low, high, tail > head, halves
            else:
                yield low[keep], high[keep], (tail > head)[keep], halves[keep]

    def _sort_buckets(self, beside: Executor | None) -> None:
        """Sort each bucket's words; the words are distinct: any sort gives one order."""
        assert self.words is not None
        words = self.words
        starts = self.bucket_starts.tolist()
        ends = [*starts[1:], len(words)]
        spans = [(b, e) for b, e in zip(starts, ends, strict=True) if e > b]

        def sort(spans: list[tuple[int, int]]) -> None:
            for begin, end in spans:
                words[begin:end].sort()

        if beside is None or len(spans) < 2:
            sort(spans)
            return
        middle = next(n for n, (_, end) in enumerate(spans) if 2 * end >= len(words))
        later = beside.submit(sort, spans[middle + 1 :])
        sort(spans[: middle + 1])
        later.result()

    def _sort_exact_keys(self, vertices: int) -> None:
        """Too many vertices even for buckets (a soup of millions of facets): each
        half-edge's edge as an exact key, and the half-edges sorted by it."""
        import numpy as np

        vertex = self.vertex
        pieces = [
            (low.astype(np.int64) * vertices + high, halves.astype(np.int64))
            for low, high, _, halves in self._slices()
        ]
        key = np.concatenate([k for k, _ in pieces])
        half = np.concatenate([h for _, h in pieces])
        by_edge = np.lexsort((vertex[half] > vertex[_ahead(half)], key))
        self.edge_key, self.half = key[by_edge], half[by_edge]
        self.half_count = len(key)

    def edge_keys(self, begin: int, end: int) -> np.ndarray:
        """The edges of the sorted half-edges from ``begin`` to ``end``."""
        import numpy as np

        if self.words is None:
            assert self.edge_key is not None
            return self.edge_key[begin:end]
        keys = self.words[begin:end] >> np.uint64(self.index_bits + 1)
        if self.bucket_bits and end > begin:
            # The buckets the span meets, each repeated over its part of the span.
            starts = self.bucket_starts
            first, last = np.searchsorted(starts, [begin, end - 1], side="right") - 1
            bounds = np.clip([*starts[first + 1 : last + 1], end], begin, end) - begin
            lengths = np.diff(bounds, prepend=0)
            buckets = np.arange(first, last + 1, dtype=np.uint64)
            keys |= np.repeat(buckets << np.uint64(self._low_bits + self.vertex_bits), lengths)
        return keys

    def half_of(self, positions: np.ndarray) -> np.ndarray:
        """The half-edge at each position of the sorted order."""
        import numpy as np

        if self.words is None:
            assert self.half is not None
            return self.half[positions].astype(np.int32)
        mask = np.uint64((1 << self.index_bits) - 1)
        found = np.empty(positions.shape, dtype=np.int32)
        flat, out = positions.reshape(-1), found.reshape(-1)
        for begin in range(0, len(flat), _CHUNK):  # in chunks: no 64-bit temporaries
            words = self.words[flat[begin : begin + _CHUNK]]
            words &= mask
            out[begin : begin + len(words)] = words
        return found

    def down(self, positions: np.ndarray) -> np.ndarray:
        """Whether each half-edge at ``positions`` of the sorted order runs from its
        edge's higher vertex to the lower."""
        import numpy as np

        if self.words is None:
            assert self.half is not None
            half = self.half[positions]
            return self.vertex[half] > self.vertex[_ahead(half)]
        return ((self.words[positions] >> np.uint64(self.index_bits)) & np.uint64(1)).astype(bool)

    def closed(
        self, beside: Executor | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """When every edge has exactly two half-edges (a closed surface, the common
        case), each edge's two, and whether they run the same way (misoriented);
        else None. Told in one pass, without listing the edges; with ``beside``,
        a second thread takes the second half."""
        import numpy as np

        count = self.half_count
        if self.words is None or count % 2:
            return None
        first = np.empty(count // 2, dtype=np.int32)
        second, same = np.empty_like(first), np.empty(count // 2, dtype=bool)
        if beside is None:
            paired = self._pairs(0, count, first, second, same)
        else:
            middle = count // 4 * 2  # even: a pair is never cut in two
            later = beside.submit(self._pairs, middle, count, first, second, same)
            paired = self._pairs(0, middle, first, second, same)
            paired = later.result() and paired
        return (first, second, same) if paired else None

    def _pairs(
        self, begin: int, end: int, first: np.ndarray, second: np.ndarray, same: np.ndarray
    ) -> bool:
        """For the sorted half-edges ``begin`` to ``end``, taken two by two: whether
        each two share an edge that no other half-edge has; and if so, their
        half-edges and whether they run the same way, at place ``i // 2``."""
        import numpy as np

        assert self.words is not None
        words, count = self.words, self.half_count
        shift, mask = np.uint64(self.index_bits), np.uint64((1 << self.index_bits) - 1)
        for start in range(begin, end, _CHUNK):
            stop = min(start + _CHUNK, end)
            chunk = words[start : min(stop + 1, count)]  # and the next pair's first
            edge = self.edge_keys(start, min(stop + 1, count))
            # 2i and 2i + 1 on one edge, and 2i + 1 and 2i + 2 on different ones.
            if not np.array_equal(edge[0 : stop - start : 2], edge[1 : stop - start : 2]):
                return False
            if np.any(edge[1 : len(edge) - 1 : 2] == edge[2::2]):
                return False
            ups, downs = chunk[0 : stop - start : 2], chunk[1 : stop - start : 2]
            pairs = slice(start // 2, stop // 2)
            np.bitwise_and(ups, mask, out=first[pairs], casting="unsafe")
            np.bitwise_and(downs, mask, out=second[pairs], casting="unsafe")
            direction = ups ^ downs
            direction >>= shift
            np.equal(direction & np.uint64(1), 0, out=same[pairs])
        return True

    def runs(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each edge's half-edges start in the sorted order, and how many
        there are."""
        import numpy as np

        count = self.half_count
        pieces = [np.zeros(1 if count else 0, dtype=np.int32)]
        for begin in range(0, count, _CHUNK):
            # One half-edge of overlap, to see whether the first one starts an edge.
            keys = self.edge_keys(max(begin - 1, 0), min(begin + _CHUNK, count))
            pieces.append((np.flatnonzero(keys[1:] != keys[:-1]) + max(begin, 1)).astype(np.int32))
        starts = np.concatenate(pieces)
        return starts, np.diff(starts, append=np.int32(count))

    def report(
        self,
        triangles: Triangles,
        geometry: _Geometry,
        points: np.ndarray,
        beside: Executor | None = None,
    ) -> MeshReport:
        import numpy as np

        self.points = points

        count = self.half_count
        facets = len(triangles)
        closed = self.closed(beside)
        if closed is not None:
            edges = count // 2
            first, second, misoriented = closed
            once = crowded_starts = crowded_uses = np.empty(0, dtype=np.int32)
        else:
            starts, uses = self.runs()
            edges = len(starts)
            once = starts[uses == 1]
            twice = starts[uses == 2]
            first, second = self.half_of(twice), self.half_of(twice + 1)
            misoriented = self.down(twice) == self.down(twice + 1)
            crowded = uses > 2
            crowded_starts, crowded_uses = starts[crowded], uses[crowded]
            del starts, uses, crowded, twice
        misoriented_near = np.sort(first[misoriented])
        links = [(first, second)]
        contacts = self._touching(crowded_starts, crowded_uses, links)
        open_halves = np.sort(self.half_of(once))
        nonmanifold = len(crowded_starts)
        bad_halves = self.half_of(contacts.bad_starts)
        contact_halves = self.half_of(contacts.starts)
        bad_facets = self.half_of(contacts.bad_positions) // 3
        del once
        self.words = None  # every half-edge needed is out: let the 64-bit words go
        first //= 3
        second //= 3
        box = functools.partial(_degenerate_and_box, self.vertex, geometry.zero_area, points)
        aside = beside.submit(box) if beside is not None else None  # beside the serial hooks
        root = components(*_joined(links), facets, beside)
        degenerate, minimum, maximum = aside.result() if aside is not None else box()
        # A contact within one body is a fin: a defect, and no contact at all.
        fins = root[contacts.facets[:, 0]] == root[contacts.facets[:, 1]]
        touching = int((~fins).sum())
        self.touching_facets = contacts.all_facets[~fins].ravel()
        bad_halves = np.sort(np.concatenate([bad_halves, contact_halves[fins]]))
        bad_facets = np.concatenate([bad_facets, contacts.all_facets[fins].ravel()])
        bodies = Bodies(root, facets, ~degenerate)
        flipped = np.concatenate(geometry.flipped) if geometry.flipped else np.empty(0, np.int64)
        hole_count, hole_near = self._holes(open_halves)
        defective = np.concatenate([open_halves // 3, bad_facets])
        volumes = bodies.volumes(triangles, geometry, beside)
        open_bodies = bodies.touched(defective)
        cavities, inside_out = bodies.hollows(triangles, volumes, ~open_bodies)
        near = {
            "holes": hole_near,
            "non-manifold edges": self._midpoints(bad_halves),
            "misoriented edges": self._midpoints(misoriented_near),
            "degenerate facets": _centres(triangles, np.flatnonzero(degenerate)),
            "flipped normals": _centres(triangles, flipped),
            "inside-out bodies": _centres(triangles, bodies.first_facets(inside_out)),
        }
        return MeshReport(
            format=triangles.format,
            facets=facets,
            vertices=len(self.points),
            edges=edges,
            open_edges=len(open_halves),
            holes=hole_count,
            nonmanifold_edges=nonmanifold,
            touching_edges=touching,
            misoriented_edges=int(misoriented.sum()),
            degenerate_facets=int(degenerate.sum()),
            flipped_normals=len(flipped),
            bodies=bodies.count,
            touching_bodies=int(bodies.touched(self.touching_facets).sum()),
            open_bodies=int(open_bodies.sum()),
            inside_out_bodies=int(inside_out.sum()),
            cavities=int(cavities.sum()),
            cavity_volume=float(-volumes[cavities].sum()) if cavities.any() else 0.0,
            euler=len(self.points) - edges + facets,
            volume=geometry.volume6 / 6,
            area=geometry.area2 / 2,
            minimum=minimum,
            maximum=maximum,
            near={kind: points for kind, points in near.items() if points},
        )

    def _touching(
        self, starts: np.ndarray, uses: np.ndarray, links: list[tuple[np.ndarray, np.ndarray]]
    ) -> Contacts:
        """Resolve the edges where bodies may touch, and add their pairings to
        ``links``; link the facets of every other non-manifold edge together."""
        import numpy as np

        if len(starts) == 0:  # the common case, a manifold: some forty array operations saved
            nothing = np.empty((0, 2), dtype=np.int64)
            return Contacts(starts, nothing, nothing, starts, starts)
        four = starts[uses == 4]
        halves = self.half_of(four[:, None] + np.arange(4))  # (edges, 4)
        start, end = self.vertex[halves], self.vertex[_ahead(halves)]
        forward = start < end
        rank = np.argsort(~forward, axis=1, kind="stable")  # the two forward ones first
        f0, f1, b0, b1 = rank.T
        rows = np.arange(len(four))
        # Each edge's half-planes in the order f0, f1, b0, b1: coordinate, edge, which.
        plane = np.take_along_axis(self._half_planes(halves, start, end), rank[None], axis=2)

        def together(i: int, j: int) -> np.ndarray:
            """Whether two facets lie in one half-plane round the edge: in contact."""
            a, b = plane[:, :, i], plane[:, :, j]
            cross = _cross(a, b)
            return (_dot(a, b) > 0) & (np.sqrt(_dot(cross, cross)) < COPLANAR)

        straight = ~together(0, 2) & ~together(1, 3)
        crossed = ~together(0, 3) & ~together(1, 2)
        resolved = (forward.sum(axis=1) == 2) & (straight != crossed)
        facet = halves // 3
        for f, b in ((f0, np.where(straight, b0, b1)), (f1, np.where(straight, b1, b0))):
            links.append((facet[rows, f][resolved], facet[rows, b][resolved]))
        # The two facets in contact: the pair in one half-plane, which the valid
        # pairing keeps apart (straight: f0 with b1 or f1 with b0; crossed: f0
        # with b0 or f1 with b1).
        first_03, first_02 = together(0, 3), together(0, 2)
        one = np.where(straight, np.where(first_03, f0, f1), np.where(first_02, f0, f1))
        other = np.where(straight, np.where(first_03, b1, b0), np.where(first_02, b0, b1))
        contact = np.stack([facet[rows, one], facet[rows, other]], axis=1)[resolved]
        bad_starts = np.concatenate([starts[uses != 4], four[~resolved]])
        bad_uses = np.concatenate([uses[uses != 4], np.full(int((~resolved).sum()), 4)])
        # Every half-edge of each defective edge: its facets' bodies are all defective.
        within = np.arange(int(bad_uses.sum())) - np.repeat(
            np.cumsum(bad_uses) - bad_uses, bad_uses
        )
        positions = np.repeat(bad_starts, bad_uses) + within
        links += self._copies(np.repeat(np.arange(len(bad_starts)), bad_uses), positions)
        return Contacts(four[resolved], contact, facet[resolved], bad_starts, positions)

    def _copies(
        self, edge: np.ndarray, positions: np.ndarray
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Links for the facets of defective edges that copy another facet there
        (the same three corners, either way round): a copy is no body of its
        own, so it goes with the facet it copies; and where the copies taken
        away leave an edge two facets, those two are one surface."""
        import numpy as np

        facet = self.half_of(positions) // 3
        corners = np.sort(self.vertex.reshape(-1, 3)[facet], axis=1)
        order = np.lexsort((corners[:, 2], corners[:, 1], corners[:, 0], edge))
        edge, facet, corners = edge[order], facet[order], corners[order]
        new = np.ones(len(edge), dtype=bool)
        new[1:] = (edge[1:] != edge[:-1]) | (corners[1:] != corners[:-1]).any(axis=1)
        first = np.flatnonzero(new)
        copied = facet[first][np.cumsum(new) - 1]  # each facet's first of its kind
        kinds = np.bincount(edge[first], minlength=int(edge.max()) + 1 if len(edge) else 0)
        two = first[kinds[edge[first]] == 2].reshape(-1, 2)  # edges with two kinds of facet
        return [(copied[~new], facet[~new]), (facet[two[:, 0]], facet[two[:, 1]])]

    def _half_planes(self, halves: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """For each facet on an edge, the unit direction from the edge towards the
        facet's third corner, square to the edge: the half-plane the facet lies in.
        Coordinate first (3, edges, 4): arithmetic on whole rows is several times
        faster than across rows of three."""
        import numpy as np

        third = self.vertex.reshape(-1, 3)[halves // 3].sum(axis=2, dtype=np.int64) - start - end

        def position(vertices: np.ndarray) -> np.ndarray:
            return np.moveaxis(self.points[vertices], -1, 0).astype(np.float64, order="C")

        origin = position(start)
        axis = position(end) - origin
        towards = position(third) - origin
        square = towards - _dot(towards, axis) / _dot(axis, axis) * axis
        with np.errstate(invalid="ignore", divide="ignore"):
            return square / np.sqrt(_dot(square, square))  # NaN for a degenerate facet

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
    """Facets grouped into bodies. A group of facets none of which has any area
    (a stray collapsed facet) is not a body, and is left out of every count."""

    def __init__(self, root: np.ndarray, facets: int, with_area: np.ndarray) -> None:
        import numpy as np

        is_root = root == np.arange(facets, dtype=root.dtype)
        groups = int(is_root.sum())
        self.number = None
        if groups > 1:
            numbers = np.cumsum(is_root, dtype=np.int32)
            numbers -= 1
            self.number = np.take(numbers, root)  # np.take gathers faster than indexing
        self.real = np.zeros(groups, dtype=bool)
        self.real[0 if self.number is None else self.number[with_area]] = bool(with_area.any())
        self.count = int(self.real.sum())

    def volumes(
        self, triangles: Triangles, geometry: _Geometry, beside: Executor | None = None
    ) -> np.ndarray:
        """Signed volume of each group. For one, the sum over all facets. For
        several lying in runs of the file (a file of parts holds each whole,
        one after another), each run's whole slices summed from the first
        pass's sums and only its ends read again; for bodies mixed through the
        file, a second pass over the facets, its second half beside."""
        import numpy as np

        if self.number is None:
            return np.array([geometry.volume6 / 6])
        corners, number = triangles.corners, self.number
        starts = np.concatenate([[0], np.flatnonzero(number[1:] != number[:-1]) + 1])
        if len(starts) <= len(geometry.slice_volumes6) // 4:
            return self._volumes_of_runs(triangles, geometry.slice_volumes6, starts) / 6

        def add(begin: int, end: int) -> np.ndarray:
            sums = np.zeros(len(self.real))
            for start in range(begin, end, _SLICE):
                stop = min(start + _SLICE, end)
                six = six_volumes(corners[start:stop])
                sums += np.bincount(number[start:stop], weights=six, minlength=len(sums))
                triangles.release(start, stop)
            return sums

        return np.sum(_halves(beside, add, len(corners)), axis=0) / 6

    def _volumes_of_runs(
        self, triangles: Triangles, slice_volumes6: list[float], starts: np.ndarray
    ) -> np.ndarray:
        """Six times each group's volume, its facets in runs beginning at ``starts``."""
        import numpy as np

        assert self.number is not None
        sums = np.zeros(len(self.real))
        ends = [*starts[1:].tolist(), len(triangles)]
        bodies = self.number[starts].tolist()
        for begin, end, body in zip(starts.tolist(), ends, bodies, strict=True):
            whole_first, whole_end = -(-begin // _SLICE), end // _SLICE
            pieces = [(begin, end)]
            if whole_first < whole_end:
                sums[body] += sum(slice_volumes6[whole_first:whole_end])
                pieces = [(begin, whole_first * _SLICE), (whole_end * _SLICE, end)]
            for first, last in pieces:
                if last > first:
                    sums[body] += float(six_volumes(triangles.corners[first:last]).sum())
                    triangles.release(first, last)
        return sums

    def hollows(
        self, triangles: Triangles, volumes: np.ndarray, closed: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Which bodies are cavities, and which inside out: of the closed bodies
        wound inward, those in the material of the others, and the rest."""
        import numpy as np

        from ohw.mesh.nesting import surrounding_winding

        closed = closed & self.real
        inward = closed & (volumes < 0)
        cavities = np.zeros_like(inward)
        if inward.any() and self.number is not None:
            chosen = np.flatnonzero(inward)
            winding = surrounding_winding(triangles.corners, self.number, closed, chosen)
            cavities[chosen[winding >= 1]] = True
        return cavities, inward & ~cavities

    def touched(self, facets: np.ndarray) -> np.ndarray:
        """Which bodies hold one of ``facets``."""
        import numpy as np

        mark = np.zeros(len(self.real), dtype=bool)
        if len(facets):
            mark[0 if self.number is None else self.number[facets]] = True
        return mark & self.real

    def first_facets(self, chosen: np.ndarray) -> np.ndarray:
        """The first facet, in file order, of each chosen body."""
        import numpy as np

        if not chosen.any():
            return np.empty(0, np.int64)
        if self.number is None:
            return np.zeros(1, dtype=np.int64)
        _, first = np.unique(self.number, return_index=True)
        return np.sort(first[chosen])


def _degenerate_and_box(
    vertex: np.ndarray, zero_area: list[np.ndarray], points: np.ndarray
) -> tuple[np.ndarray, Point, Point]:
    """Which facets are degenerate, and the corners of the box around the
    vertices: what needs no bodies, found beside the search for them."""
    import numpy as np

    repeated = vertex.reshape(-1, 3)
    degenerate = (
        (repeated[:, 0] == repeated[:, 1])
        | (repeated[:, 1] == repeated[:, 2])
        | (repeated[:, 0] == repeated[:, 2])
    )
    degenerate[np.concatenate(zero_area)] = True
    # Column by column: a reduction across rows of three is slow in numpy.
    minimum = _point([column.min() for column in points.T])
    return degenerate, minimum, _point([column.max() for column in points.T])


def _joined(links: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The two ends of all ``links``; a single pair as it is, not copied: tens of
    megabytes of fresh memory for a big closed mesh."""
    import numpy as np

    if len(links) == 1:
        return links[0]
    return np.concatenate([a for a, _ in links]), np.concatenate([b for _, b in links])


def _ahead(halves: np.ndarray) -> np.ndarray:
    """The next half-edge round the same facet: a→b, b→c, c→a."""
    return halves + 1 - 3 * (halves % 3 == 2)


def _centres(triangles: Triangles, facets: np.ndarray) -> list[Point]:
    chosen = triangles.corners[facets[:EXAMPLES]].astype(float)
    return [_point(c) for c in chosen.mean(axis=1)]


def _point(values: Any) -> Point:
    return (float(values[0]), float(values[1]), float(values[2]))
