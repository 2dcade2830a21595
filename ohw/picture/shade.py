"""Pictures of facets: flat Lambert shading of what the z-buffer shows, drawn
at several times the size and averaged down, which smooths the edges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ohw.picture.camera import Camera
from ohw.picture.raster import NOTHING, nearest_facets

if TYPE_CHECKING:
    import numpy as np

Colour = tuple[int, int, int]
BACKGROUND: Colour = (255, 255, 255)
PART: Colour = (110, 142, 186)  # the blue-grey of a plastic part
# How much light a facet gets: some from everywhere, the most from a lamp above
# and left of the viewer, some from the viewer's own direction.
_AMBIENT, _KEY, _HEADLIGHT = 0.28, 0.55, 0.22


@dataclass(frozen=True)
class Layer:
    """Facets (3, 3, n) as ``camera.by_coordinate`` gives them, in mm, drawn in
    one colour, or in a colour (n, 3) each."""

    facets: np.ndarray
    colour: Colour | np.ndarray


@dataclass(frozen=True)
class Shot:
    """A drawn picture: RGB pixels (height, width, 3, uint8), and how much of
    each pixel the facets cover (0 to 1), the rest being background."""

    pixels: np.ndarray
    coverage: np.ndarray


def supersampling(size: int) -> int:
    """How many samples each way per pixel: 2 for 512-pixel pictures, more for
    small ones, where a pixel is a larger share of the part."""
    return max(2, min(4, 1024 // max(size, 1)))


def draw(layers: list[Layer], camera: Camera, samples: int) -> Shot:
    """``layers`` as ``camera`` sees them, each pixel averaged from ``samples``²."""
    import numpy as np

    fine = camera.scaled(samples)
    if len(layers) == 1:
        facets = layers[0].facets
    else:
        facets = np.concatenate([layer.facets for layer in layers] or [np.zeros((3, 3, 0))], axis=2)
    facets = facets.astype(np.float32, copy=False)
    facet = nearest_facets(fine.project(facets), fine.width, fine.height, 1 / fine.scale)
    seen = facet != NOTHING
    shown = facet[seen]
    colours = _facet_colours(layers, facets, camera)
    fine_pixels = np.empty((fine.height, fine.width, 3), dtype=np.float32)
    fine_pixels[...] = np.array(BACKGROUND, dtype=np.float32)
    fine_pixels[seen] = colours[shown]
    shape = (camera.height, samples, camera.width, samples)
    pixels = fine_pixels.reshape(*shape, 3).mean(axis=(1, 3))
    coverage = seen.reshape(shape).mean(axis=(1, 3))
    return Shot(np.clip(pixels + 0.5, 0, 255).astype(np.uint8), coverage)


def _facet_colours(layers: list[Layer], facets: np.ndarray, camera: Camera) -> np.ndarray:
    """Each facet's shaded colour (n, 3), float32."""
    import numpy as np

    x, y, z = facets
    ux, uy, uz = x[1] - x[0], y[1] - y[0], z[1] - z[0]
    vx, vy, vz = x[2] - x[0], y[2] - y[0], z[2] - z[0]
    normal = (uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx)
    length = np.sqrt(normal[0] ** 2 + normal[1] ** 2 + normal[2] ** 2)
    length = np.maximum(length, np.float32(1e-30))
    right, up, toward = (np.array(v) for v in (camera.right, camera.up, camera.toward))
    key = toward + 0.6 * up - 0.35 * right
    key /= np.linalg.norm(key)

    def lit(direction: np.ndarray) -> np.ndarray:
        # Both sides alike: an inside-out or misoriented facet shades as it should look.
        a, b, c = (np.float32(v) for v in direction)
        return np.abs(normal[0] * a + normal[1] * b + normal[2] * c) / length

    light = np.minimum(_AMBIENT + _KEY * lit(key) + _HEADLIGHT * lit(toward), np.float32(1))
    base = np.concatenate(
        [
            np.broadcast_to(np.asarray(layer.colour, dtype=np.float32), (layer.facets.shape[2], 3))
            for layer in layers
        ]
    )
    return np.minimum(base * light[:, None], np.float32(255))
