"""Which bodies of a mesh lie inside others: a closed body wound inward is a
cavity (a hollow, a trapped nut pocket) when it lies in the material of the
bodies around it, and inside out only when nothing encloses it.

Whether a point lies inside a closed surface is told by the surface's winding
number there: the solid angle its facets subtend, over 4π (van Oosterom and
Strackee's formula, in float64). It is 1 inside a body wound outward, -1 inside
one wound inward, 0 outside; summed over the other bodies it is 1 in material
and 0 in a void or outside. A body is judged at a few of its own vertices (the
extreme ones along x, y and z): the median of their winding numbers, rounded,
so that a vertex where the body touches another (a contribution of one half)
does not decide alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# Facets at a time in the solid-angle sums: the temporaries stay small.
_CHUNK = 1 << 16


def surrounding_winding(
    corners: np.ndarray, body: np.ndarray, closed: np.ndarray, chosen: np.ndarray
) -> np.ndarray:
    """For each body in ``chosen``, the winding number of the other closed
    bodies at its surface (an integer: 1 in material, 0 outside or in a void).
    ``body`` is each facet's body, ``closed`` says which bodies are closed (only
    they have a winding number)."""
    import numpy as np

    found = np.zeros(len(chosen), dtype=np.int64)
    if not len(chosen) or closed.sum() < 2:
        return found
    order = np.argsort(body, kind="stable")
    bounds = np.searchsorted(body[order], np.arange(len(closed) + 1))
    low, high = _boxes(corners, order, bounds, closed)
    for number, chosen_body in enumerate(chosen):
        points = _samples(corners[order[bounds[chosen_body] : bounds[chosen_body + 1]]])
        windings = np.zeros(len(points))
        for other in np.flatnonzero(closed):
            if other == chosen_body:
                continue
            inside = np.all((points >= low[other]) & (points <= high[other]), axis=1)
            if inside.any():  # outside its box a closed body winds zero times
                facets = corners[order[bounds[other] : bounds[other + 1]]]
                windings[inside] += winding_numbers(points[inside], facets)
        found[number] = round(float(np.median(windings)))
    return found


def winding_numbers(points: np.ndarray, facets: np.ndarray) -> np.ndarray:
    """The winding number of the surface ``facets`` (n, 3, 3) at each of
    ``points`` (k, 3): the sum of the solid angles its facets subtend, over 4π."""
    import numpy as np

    total = np.zeros(len(points))
    for start in range(0, len(facets), _CHUNK):
        block = facets[start : start + _CHUNK].astype(np.float64)
        for number, point in enumerate(points):
            a, b, c = (block[:, corner] - point for corner in range(3))
            la, lb, lc = (np.sqrt(np.einsum("ij,ij->i", v, v)) for v in (a, b, c))
            volume = np.einsum("ij,ij->i", a, np.cross(b, c))
            below = (
                la * lb * lc
                + np.einsum("ij,ij->i", a, b) * lc
                + np.einsum("ij,ij->i", a, c) * lb
                + np.einsum("ij,ij->i", b, c) * la
            )
            total[number] += float(np.arctan2(volume, below).sum())
    return total * 2 / (4 * np.pi)


def _boxes(
    corners: np.ndarray, order: np.ndarray, bounds: np.ndarray, closed: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The bounding box of each closed body (others are left empty)."""
    import numpy as np

    low = np.full((len(closed), 3), np.inf)
    high = np.full((len(closed), 3), -np.inf)
    for number in np.flatnonzero(closed):
        points = corners[order[bounds[number] : bounds[number + 1]]].reshape(-1, 3)
        low[number], high[number] = points.min(axis=0), points.max(axis=0)
    return low, high


def _samples(facets: np.ndarray) -> np.ndarray:
    """A few of a body's vertices: the extreme ones along each axis."""
    import numpy as np

    points = facets.reshape(-1, 3).astype(np.float64)
    extremes = np.concatenate([points.argmin(axis=0), points.argmax(axis=0)])
    return points[np.unique(extremes)]
