"""Where the camera looks from, and how millimetres become pixels.

Views are orthographic, as in a CAD drawing: a part's size on the picture does
not depend on how far it is from the camera, so a 40 mm cube is as many pixels
wide in every view, and the pixel area a silhouette covers is its projected
area in mm² times ``scale`` squared.

Screen axes: ``right`` and ``up`` are unit vectors in the part's coordinates,
``toward`` points from the part to the viewer (right cross up is toward). Pixel rows
count downwards from the top of the picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ohw.errors import OhwError

if TYPE_CHECKING:
    import numpy as np

View = Literal["iso", "top", "front", "side"]
VIEWS: tuple[View, ...] = ("iso", "top", "front", "side")

_S2, _S3, _S6 = 2**0.5, 3**0.5, 6**0.5
# (right, up, toward) for each view, z up as in printers and CAD programs.
_AXES: dict[View, tuple[tuple[float, float, float], ...]] = {
    # From the front, right and above, along (1, -1, 1): x runs to the lower right.
    "iso": ((1 / _S2, 1 / _S2, 0.0), (-1 / _S6, 1 / _S6, 2 / _S6), (1 / _S3, -1 / _S3, 1 / _S3)),
    "top": ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),  # looking down
    "front": ((1.0, 0.0, 0.0), (0.0, 0.0, 1.0), (0.0, -1.0, 0.0)),  # from -y
    "side": ((0.0, 1.0, 0.0), (0.0, 0.0, 1.0), (1.0, 0.0, 0.0)),  # from +x, the right side
}


@dataclass(frozen=True)
class Camera:
    """An orthographic camera onto a picture ``width`` by ``height`` pixels."""

    view: View
    right: tuple[float, float, float]
    up: tuple[float, float, float]
    toward: tuple[float, float, float]
    scale: float  # pixels per millimetre
    centre: tuple[float, float]  # the point (along right, along up) at the picture's centre
    width: int
    height: int

    def project(self, facets: np.ndarray) -> np.ndarray:
        """Facets (3, 3, n) as ``by_coordinate`` gives them, in mm, as screen
        coordinates (3, 3, n), float32: pixel column, pixel row (pixel centres
        at .5) and depth (smaller is nearer), each for corners 0, 1 and 2."""
        import numpy as np

        x, y, z = facets
        # Sums of products, not a matrix product: BLAS threads fight over a
        # shared machine's cores, and take seconds where this takes 0.1.
        screen = np.empty_like(facets)
        for row, (axis, scale, offset) in enumerate(
            (
                (self.right, self.scale, self.width / 2 - self.centre[0] * self.scale),
                (self.up, -self.scale, self.height / 2 + self.centre[1] * self.scale),
                (self.toward, -1.0, 0.0),
            )
        ):
            a, b, c = (np.float32(v * scale) for v in axis)
            np.multiply(x, a, out=screen[row])
            screen[row] += y * b
            screen[row] += z * c
            screen[row] += np.float32(offset)
        return screen

    def scaled(self, factor: int) -> Camera:
        """The same view on a picture ``factor`` times as many pixels each way."""
        return Camera(
            self.view, self.right, self.up, self.toward, self.scale * factor, self.centre,
            self.width * factor, self.height * factor,
        )  # fmt: skip


# Pictures are worked out in 32-bit floats, whose sums overflow past 3.4e38: a
# mesh reaching further than this from the origin (a million kilometres, no
# part's size) is refused rather than drawn wrong.
FARTHEST = 1e12


class Undrawable(OhwError):
    """A mesh no picture can show."""


def by_coordinate(corners: np.ndarray) -> np.ndarray:
    """Facet corners (n, 3, 3) as one contiguous float32 array (3, 3, n): x, y
    and z, each of corners 0, 1 and 2. Sums over whole rows of it run at
    memory speed, where reductions over the short last axis of (n, 3, 3) crawl."""
    import numpy as np

    facets = np.ascontiguousarray(corners.transpose(2, 1, 0), dtype=np.float32)
    farthest = max(abs(float(facets.min())), abs(float(facets.max()))) if facets.size else 0.0
    if farthest > FARTHEST:
        raise Undrawable(
            f"the mesh reaches {farthest:.3g} mm from the origin: too far to draw",
            "check the units of the CAD export: ohw designs are in millimetres",
        )
    return facets


def bounds(facets: np.ndarray) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The smallest and largest x, y and z of facets (3, 3, n)."""
    return (
        tuple(float(facets[k].min()) for k in range(3)),
        tuple(float(facets[k].max()) for k in range(3)),
    )


def fit_camera(
    facets: np.ndarray, view: View, width: int, height: int, margin: float = 0.06
) -> Camera:
    """The camera for ``view`` that shows all of ``facets`` (3, 3, n, in mm) as
    large as fits, with ``margin`` (a fraction of the picture) free on every side."""
    right, up, toward = _AXES[view]
    spans = []
    for axis in (right, up):
        along = facets[0] * axis[0] + facets[1] * axis[1] + facets[2] * axis[2]
        spans.append((float(along.min()), float(along.max())))
    (left, right_edge), (bottom, top) = spans
    span_right, span_up = right_edge - left, top - bottom
    free_width, free_height = width * (1 - 2 * margin), height * (1 - 2 * margin)
    # A part flat in this view (a sheet seen edge on) still gets a finite scale.
    tiny = 1e-9 + 1e-6 * max(span_right, span_up)
    scale = min(free_width / max(span_right, tiny), free_height / max(span_up, tiny))
    centre = ((left + right_edge) / 2, (bottom + top) / 2)
    return Camera(view, right, up, toward, scale, centre, width, height)
