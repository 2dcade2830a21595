"""How two versions of a mesh differ, in material and in shape.

Where both are closed solids, manifold3d's exact booleans say what material
went and came: old minus new is removed, new minus old is added, their
intersection stayed.
Otherwise (an open or non-manifold mesh) each facet is measured by its
distance to the other mesh. Either way the largest deviation is sampled:
points spread over each surface by area, each one's nearest points on the
other surface found through a KD-tree and then measured exactly against
the facets they lie on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ohw.picture.shade import Colour, Layer

if TYPE_CHECKING:
    import numpy as np

KEPT: Colour = (190, 190, 190)
REMOVED: Colour = (214, 48, 49)
ADDED: Colour = (46, 160, 67)
# Points sampled on each surface to measure deviation, and facets tried per point.
_SAMPLES = 60_000
_CANDIDATES = 6


@dataclass(frozen=True)
class MeshComparison:
    """What changed from one mesh to another, and how to draw it: ``before``
    (the old mesh, removed material red), ``after`` (the new one, added
    material green) and ``change`` (both at once, as one picture)."""

    method: Literal["boolean", "distance"]
    removed_volume: float | None  # mm³; None where the meshes are not both closed solids
    added_volume: float | None
    largest_deviation: float  # mm
    before: list[Layer]
    after: list[Layer]
    change: list[Layer]

    def summary(self) -> list[str]:
        """The figures, in words for a picture or a terminal."""
        lines = []
        if self.removed_volume is not None and self.added_volume is not None:
            lines.append(f"removed {self.removed_volume / 1000:,.2f} cm3 (red)")
            lines.append(f"added {self.added_volume / 1000:,.2f} cm3 (green)")
        else:
            lines.append("not both closed solids: facets coloured by distance (red, green)")
        lines.append(f"largest deviation {self.largest_deviation:,.2f} mm")
        return lines


def compare(old: np.ndarray, new: np.ndarray) -> MeshComparison:
    """Compare facets ``old`` and ``new`` (each (3, 3, n) as
    ``camera.by_coordinate`` gives them, in mm)."""
    deviation = largest_deviation(old, new)
    old_solid, new_solid = solid(old), solid(new)
    if old_solid is not None and new_solid is not None:
        kept = _facets(old_solid ^ new_solid)
        removed_solid, added_solid = old_solid - new_solid, new_solid - old_solid
        removed, added = _facets(removed_solid), _facets(added_solid)
        return MeshComparison(
            "boolean",
            max(0.0, removed_solid.volume()),
            max(0.0, added_solid.volume()),
            deviation,
            [Layer(kept, KEPT), Layer(removed, REMOVED)],
            [Layer(kept, KEPT), Layer(added, ADDED)],
            [Layer(kept, KEPT), Layer(removed, REMOVED), Layer(added, ADDED)],
        )
    tolerance = _tolerance(old, new)
    gone = distances(_centres(old), new) > tolerance
    came = distances(_centres(new), old) > tolerance
    before = Layer(old, _colours(gone, REMOVED))
    after = Layer(new, _colours(came, ADDED))
    return MeshComparison(
        "distance", None, None, deviation, [before], [after],
        [after, Layer(old[:, :, gone], REMOVED)],
    )  # fmt: skip


def solid(facets: np.ndarray) -> Any:
    """The facets as a manifold3d solid, or None if they are not a closed,
    manifold solid. Corners are welded where their coordinates are equal."""
    import manifold3d
    import numpy as np

    corners = np.ascontiguousarray(facets.transpose(2, 1, 0).reshape(-1, 3), dtype=np.float32)
    corners += np.float32(0)  # -0.0 becomes 0.0, so that equal coordinates weld
    rows = corners.view(np.dtype((np.void, corners.dtype.itemsize * 3))).ravel()
    _, first, index = np.unique(rows, return_index=True, return_inverse=True)
    mesh = manifold3d.Mesh(
        vert_properties=np.ascontiguousarray(corners[first]),
        tri_verts=np.ascontiguousarray(index.reshape(-1, 3), dtype=np.uint32),
    )
    result = manifold3d.Manifold(mesh)
    if result.status() != manifold3d.Error.NoError or result.volume() <= 0:
        return None
    return result


def _facets(result: Any) -> np.ndarray:
    """A manifold3d solid's facets, (3, 3, n) float32."""
    import numpy as np

    mesh = result.to_mesh()
    vertices = np.asarray(mesh.vert_properties, dtype=np.float32)[:, :3]
    corners = vertices[np.asarray(mesh.tri_verts, dtype=np.int64)]
    return np.ascontiguousarray(corners.transpose(2, 1, 0))


def _centres(facets: np.ndarray) -> np.ndarray:
    import numpy as np

    return facets.mean(axis=1).T.astype(np.float64)


def _tolerance(old: np.ndarray, new: np.ndarray) -> float:
    """Deviations below this are the same surface: a thousandth of the size."""
    import numpy as np

    both = np.concatenate([old.reshape(3, -1), new.reshape(3, -1)], axis=1)
    diagonal = float(np.linalg.norm(both.max(axis=1) - both.min(axis=1)))
    return max(1e-3 * diagonal, 1e-4)


def _colours(changed: np.ndarray, colour: Colour) -> np.ndarray:
    import numpy as np

    colours = np.empty((len(changed), 3), dtype=np.float32)
    colours[:] = KEPT
    colours[changed] = colour
    return colours


def largest_deviation(old: np.ndarray, new: np.ndarray) -> float:
    """The largest distance from a point of either surface to the other, sampled."""
    return max(
        float(distances(surface_points(old), new).max()),
        float(distances(surface_points(new), old).max()),
    )


def surface_points(facets: np.ndarray, count: int = _SAMPLES) -> np.ndarray:
    """Points (m, 3) on the facets: every corner of a small mesh, and points
    spread by area (the same ones every time) over any mesh."""
    import numpy as np

    corners = facets.transpose(2, 1, 0).reshape(-1, 3).astype(np.float64)
    generator = np.random.default_rng(0)
    if len(corners) > count:
        corners = corners[generator.choice(len(corners), count, replace=False)]
    a, b, c = (facets[:, k].T.astype(np.float64) for k in range(3))
    area = np.linalg.norm(np.cross(b - a, c - a), axis=1)
    if area.sum() <= 0:
        return corners
    chosen = generator.choice(len(area), count, p=area / area.sum())
    u, v = generator.random(count), generator.random(count)
    flip = u + v > 1
    u[flip], v[flip] = 1 - u[flip], 1 - v[flip]
    spread = a[chosen] + u[:, None] * (b - a)[chosen] + v[:, None] * (c - a)[chosen]
    return np.concatenate([corners, spread])


def distances(points: np.ndarray, facets: np.ndarray) -> np.ndarray:
    """Each point's distance to the surface ``facets``: the nearest of the
    facets under its few nearest sample points, measured exactly."""
    import numpy as np
    from scipy.spatial import cKDTree
    from trimesh.triangles import closest_point

    if not len(points):
        return np.zeros(0)
    samples, owner = _samples_with_facets(facets)
    _, nearest = cKDTree(samples).query(points, k=min(_CANDIDATES, len(samples)))
    nearest = nearest.reshape(len(points), -1)
    candidates = owner[nearest]  # (m, k) facet numbers
    triangles = facets.transpose(2, 1, 0)[candidates.ravel()].astype(np.float64)
    repeated = np.repeat(points, candidates.shape[1], axis=0)
    found = closest_point(triangles, repeated)  # type: ignore[no-untyped-call]
    gaps = np.linalg.norm(found - repeated, axis=1).reshape(candidates.shape)
    return gaps.min(axis=1)


def _samples_with_facets(facets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points over the surface for the KD-tree, each with the facet it lies on:
    every facet's centre and corners, and more points on large facets."""
    import numpy as np

    count = facets.shape[2]
    a, b, c = (facets[:, k].T.astype(np.float64) for k in range(3))
    points = [(a + b + c) / 3, a, b, c]
    owners = [np.arange(count)] * 4
    area = np.linalg.norm(np.cross(b - a, c - a), axis=1)
    extra = min(_SAMPLES, 4 * count)
    if area.sum() > 0:
        generator = np.random.default_rng(1)
        chosen = generator.choice(count, extra, p=area / area.sum())
        u, v = generator.random(extra), generator.random(extra)
        flip = u + v > 1
        u[flip], v[flip] = 1 - u[flip], 1 - v[flip]
        points.append(a[chosen] + u[:, None] * (b - a)[chosen] + v[:, None] * (c - a)[chosen])
        owners.append(chosen)
    return np.concatenate(points), np.concatenate(owners)
