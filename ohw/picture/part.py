"""Pictures of parts, drawn with no display and no OpenGL: numpy works out
which facet each pixel shows (ohw.picture.raster), shades it flat
(ohw.picture.shade), and Pillow writes the words and the PNG.

``thumbnail(triangles)`` is the call for anything that wants a picture of a
part: PNG bytes, with the part's size in millimetres written under it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ohw.picture.annotate import band, size_label, text_height
from ohw.picture.camera import VIEWS, Camera, View, bounds, by_coordinate, fit_camera
from ohw.picture.shade import PART, Layer, draw, supersampling

if TYPE_CHECKING:
    from PIL import Image

    from ohw.mesh.stl import Triangles

DEFAULT_SIZE = 512
MIN_SIZE, MAX_SIZE = 64, 4096


@dataclass(frozen=True)
class Picture:
    """A picture of a part, and where the part's drawing sits in it: the
    camera's picture begins at pixel ``origin`` (column, row)."""

    image: Image.Image
    camera: Camera
    origin: tuple[int, int]

    def png(self) -> bytes:
        return png_bytes(self.image)


def part_picture(triangles: Triangles, view: View = "iso", size: int = DEFAULT_SIZE) -> Picture:
    """The part, shaded, ``size`` pixels square, its size in mm written below it."""
    from PIL import Image

    facets = by_coordinate(triangles.corners)
    caption = band(size, [size_label(*bounds(facets))], text_height(size))
    camera = fit_camera(facets, view, size, size - caption.height)
    shot = draw([Layer(facets, PART)], camera, supersampling(size))
    picture = Image.new("RGB", (size, size), "white")
    picture.paste(Image.fromarray(shot.pixels), (0, 0))
    picture.paste(caption, (0, size - caption.height))
    return Picture(picture, camera, (0, 0))


def thumbnail(triangles: Triangles, view: View = "iso", size: int = DEFAULT_SIZE) -> bytes:
    """A PNG picture of the part (see ``part_picture``)."""
    return part_picture(triangles, view, size).png()


def png_bytes(image: Image.Image) -> bytes:
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return stream.getvalue()


__all__ = ["DEFAULT_SIZE", "VIEWS", "Picture", "View", "part_picture", "png_bytes", "thumbnail"]
