"""Fixing what is safe to fix in a mesh, and saying what changed.

Safe means the part's shape does not change: collapsed facets (without three
distinct corners) and exact duplicates go, facets wound against their
neighbours are turned so that each body is wound one way, bodies left inside
out are turned the right way out, and normals are written from the winding.
A body wound inward inside another is a cavity (ohw.mesh.nesting), a hollow
of the part: it is never turned, as that would fill it.
A facet with three distinct corners on one line stays: it may be what closes
an edge that was split, and removing it would open the mesh. Holes are not
closed and bodies are not merged: that changes the part, and is the designer's
call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ohw.mesh.nesting import surrounding_winding
from ohw.mesh.stl import Triangles, stl_bytes
from ohw.mesh.topology import Point, analyse, facet_crosses, six_volumes, weld
from ohw.mesh.verdict import Verdict, judge
from ohw.words import plural

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Repair:
    """A repaired mesh and what was done to it."""

    corners: np.ndarray  # (facets, 3, 3) float32
    collapsed_removed: int
    needles_kept: int  # zero area, three distinct corners: kept (see above)
    duplicates_removed: int
    normals_rewritten: int  # stored normals that pointed against the winding
    facets_turned: int  # to agree with their neighbours
    turned_near: list[Point]  # where each body that was inside out is, now turned
    cavities_kept: int  # bodies wound inward inside others: hollows, left as they are
    unorientable_bodies: int  # could not be wound one way (a Möbius-like surface)

    @property
    def bodies_turned(self) -> int:
        return len(self.turned_near)

    @property
    def changes(self) -> list[str]:
        done = []
        if self.collapsed_removed:
            done.append(f"removed {plural(self.collapsed_removed, 'collapsed facet')}")
        if self.duplicates_removed:
            done.append(f"removed {plural(self.duplicates_removed, 'duplicate facet')}")
        if self.facets_turned:
            turned = plural(self.facets_turned, "facet")
            done.append(f"turned {turned} to agree with their neighbours")
        for x, y, z in self.turned_near:
            done.append(
                f"turned an inside-out body the right way out (near ({x:.1f}, {y:.1f}, {z:.1f}) mm)"
            )
        if self.normals_rewritten:
            rewritten = plural(self.normals_rewritten, "normal")
            done.append(f"rewrote {rewritten} that pointed against the winding")
        return done

    @property
    def left_alone(self) -> list[str]:
        kept = []
        if self.cavities_kept:
            kept.append(
                f"left {plural(self.cavities_kept, 'cavity', 'cavities')} as wound: a cavity "
                "is a hollow inside the part's material, and turning it would fill it"
            )
        if self.needles_kept:
            kept.append(
                f"kept {self.needles_kept:,} facets of no area with three corners on "
                "a line: removing them would open the mesh"
            )
        if self.unorientable_bodies:
            kept.append(
                f"{self.unorientable_bodies:,} bodies cannot be wound one way "
                "(a surface with a twist)"
            )
        return kept


@dataclass(frozen=True)
class RepairedMesh:
    """A mesh file repaired: the verdict before and after, what was done, and
    the repaired mesh as binary STL."""

    before: Verdict
    repair: Repair
    after: Verdict
    data: bytes


def repair_mesh(triangles: Triangles, kind: str) -> RepairedMesh:
    """Repair a mesh, judge it before and after, and write it as ``kind`` (STL,
    3MF or OBJ: the format it was read from)."""
    before = judge(analyse(triangles))
    repaired = repair(triangles)
    after = judge(analyse(Triangles(repaired.corners, None, "binary STL")))
    return RepairedMesh(before, repaired, after, mesh_bytes(repaired.corners, kind))


def mesh_bytes(corners: np.ndarray, kind: str) -> bytes:
    """Facets as a file of ``kind``: binary STL, or 3MF or OBJ in millimetres
    with the corners welded into vertices exactly (trimesh writes those two)."""
    if kind == "STL":
        return stl_bytes(corners, b"ohw mesh repair")
    import numpy as np
    import trimesh

    welding = weld(Triangles(corners, None, kind))
    mesh = trimesh.Trimesh(
        welding.points.astype(np.float64), welding.vertex.reshape(-1, 3), process=False
    )
    data = mesh.export(file_type=kind.lower())
    assert isinstance(data, bytes | str)  # trimesh gives a dict only for formats of several files
    return data if isinstance(data, bytes) else data.encode()


def repair(triangles: Triangles) -> Repair:
    import numpy as np

    corners = np.array(triangles.corners, dtype=np.float32) + np.float32(0)
    welding = weld(Triangles(corners, None, triangles.format))
    vertex = welding.vertex.reshape(-1, 3)
    _, (cx, cy, cz) = facet_crosses(corners)
    against = 0
    if triangles.normals is not None:
        nx, ny, nz = np.asarray(triangles.normals, dtype=np.float64).T
        against = int(((nx * cx + ny * cy + nz * cz) < 0).sum())
    no_area = (cx == 0) & (cy == 0) & (cz == 0)
    # A collapsed facet crosses each of its edges both ways or not at all, so
    # removing it leaves every other facet's pairing as it was.
    flat = (
        (vertex[:, 0] == vertex[:, 1])
        | (vertex[:, 1] == vertex[:, 2])
        | (vertex[:, 0] == vertex[:, 2])
    )
    needles = int((~flat & no_area).sum())
    corners, vertex = corners[~flat], vertex[~flat]
    # Exact duplicates: the same corners in the same turning order.
    start = np.argmin(vertex, axis=1)[:, None]  # each facet read from its least vertex
    rotated = np.take_along_axis(vertex, (start + np.arange(3)) % 3, axis=1)
    _, first = np.unique(rotated, axis=0, return_index=True)
    keep = np.zeros(len(vertex), dtype=bool)
    keep[first] = True
    duplicates = int((~keep).sum())
    corners, vertex = corners[keep], vertex[keep]

    turn, body, unorientable = _orient(vertex)
    corners[turn] = corners[turn][:, ::-1]
    vertex[turn] = vertex[turn][:, ::-1]
    # A closed body with a negative volume is inside out, unless it lies in the
    # material of another: then it is a cavity. Turn all the facets of the first.
    volume = np.bincount(body, weights=six_volumes(corners))
    closed = _closed_bodies(vertex, body)
    inward = np.flatnonzero(closed & (volume < 0))
    cavity = surrounding_winding(corners, body, closed, inward) >= 1
    inverted = np.zeros(len(closed), dtype=bool)
    inverted[inward[~cavity]] = True
    flip = inverted[body]
    corners[flip] = corners[flip][:, ::-1]
    first_facets = np.unique(body, return_index=True)[1][inverted]
    return Repair(
        corners=corners,
        collapsed_removed=int(flat.sum()),
        needles_kept=needles,
        duplicates_removed=duplicates,
        normals_rewritten=against,
        facets_turned=int(turn.sum()),
        turned_near=[_centre(corners[facet]) for facet in np.sort(first_facets)],
        cavities_kept=int(cavity.sum()),
        unorientable_bodies=unorientable,
    )


def _orient(vertex: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Which facets to turn so that each body is wound one way; each facet's
    body; and how many bodies cannot be (a surface with a twist)."""
    import numpy as np

    count = len(vertex)
    halves = np.stack([vertex, np.roll(vertex, -1, axis=1)], axis=2).reshape(-1, 2)
    low, high = halves.min(axis=1), halves.max(axis=1)
    forward = halves[:, 0] < halves[:, 1]
    order = np.lexsort((high, low))
    low, high, forward = low[order], high[order], forward[order]
    facet = order // 3
    same = (low[1:] == low[:-1]) & (high[1:] == high[:-1])
    # Edges used exactly twice: its two facets agree if they cross it opposite ways.
    starts = np.flatnonzero(same)
    alone = np.ones(len(starts), dtype=bool)
    if len(starts) > 1:
        alone[1:] &= starts[1:] != starts[:-1] + 1
        alone[:-1] &= starts[:-1] + 1 != starts[1:]
    pair = starts[alone]
    a, b = facet[pair], facet[pair + 1]
    differ = forward[pair] == forward[pair + 1]  # crossing the same way: one must turn
    root, parity, contradictions = _components_with_parity(a, b, differ, count)
    _, body = np.unique(root, return_inverse=True)
    unorientable = len(np.unique(root[a[contradictions]])) if contradictions.any() else 0
    return parity.astype(bool), body.ravel(), unorientable


def _components_with_parity(
    first: np.ndarray, second: np.ndarray, differ: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Components, with each node's parity relative to its root such that
    parity[first] ^ parity[second] == differ wherever that can hold; and which
    links contradict the others."""
    import numpy as np

    root = np.arange(count)
    parity = np.zeros(count, dtype=np.int8)
    want = differ.astype(np.int8)
    active = np.arange(len(first))
    while len(active):
        a, b = first[active], second[active]
        ra, rb = root[a], root[b]
        apart = ra != rb
        if not apart.any():
            break
        active = active[apart]
        ra, rb, a, b = ra[apart], rb[apart], a[apart], b[apart]
        child, parent = np.maximum(ra, rb), np.minimum(ra, rb)
        child_parity = parity[a] ^ parity[b] ^ want[active]
        # One hook per child root, the link to its smallest parent: deterministic.
        chosen = np.lexsort((parent, child))
        chosen = chosen[np.r_[True, child[chosen][1:] != child[chosen][:-1]]]
        root[child[chosen]] = parent[chosen]
        parity[child[chosen]] = child_parity[chosen]
        while True:  # every node to its root, collecting parity on the way
            up = root[root]
            if np.array_equal(up, root):
                break
            parity ^= parity[root]
            root = up
    contradictions = (parity[first] ^ parity[second]) != want
    return root, parity, contradictions


def _closed_bodies(vertex: np.ndarray, body: np.ndarray) -> np.ndarray:
    """Which bodies have every edge used exactly twice."""
    import numpy as np

    halves = np.stack([vertex, np.roll(vertex, -1, axis=1)], axis=2).reshape(-1, 2)
    edges = np.sort(halves, axis=1)
    _, edge, uses = np.unique(edges, axis=0, return_inverse=True, return_counts=True)
    good = uses[edge.ravel()] == 2
    facet_good = good.reshape(-1, 3).all(axis=1)
    open_body = np.zeros(body.max() + 1 if len(body) else 0, dtype=bool)
    open_body[body[~facet_good]] = True
    return ~open_body


def _centre(facet: np.ndarray) -> Point:
    """Where a facet is, as the analysis says where a body is: its centre."""
    x, y, z = facet.astype(float).mean(axis=0)
    return (float(x), float(y), float(z))
