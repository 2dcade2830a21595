"""A z-buffer rasteriser in numpy: which facet is nearest at every pixel.

No Python loop runs over facets. Facets are sorted into classes by the size of
their pixel bounding box (1, 2, 4, 8, ... pixels across); a class is tested
against every pixel centre of a box that size at once, in chunks that bound the
memory one step uses. Each covered pixel centre gives a key, depth in the high
32 bits and facet number in the low 32, and the smallest key per pixel wins:
the nearest facet, ties broken the same way every time.

A facet covers a pixel when the pixel's centre lies inside it or on its edge,
so facets smaller than a pixel may cover none: the caller supersamples.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# Candidate pixels tested in one step: some 100 MB of temporary arrays.
_CHUNK = 1 << 22
NOTHING = -1
_DEPTH_STEPS = (1 << 31) - 1
# Boxes this many pixels across or more are drawn row by row: a large facet
# covers a small share of the square of candidates a class tests.
_SPANS_FROM = 32


def nearest_facets(screen: np.ndarray, width: int, height: int, pixel: float) -> np.ndarray:
    """For each pixel of a ``height`` by ``width`` picture, the number of the
    nearest facet covering its centre, or -1. ``screen`` is (3, 3, n) as
    Camera.project gives it: column, row and depth of each facet's corners;
    ``pixel`` is the width of a pixel in units of depth.

    Facets facing the camera are drawn first. A facet facing away is drawn only
    where its box of pixels is not all covered already: on a closed, consistently
    wound mesh it would be hidden anyway, and skipping it halves the work; on an
    open or inside-out mesh it shows where nothing is in front of it."""
    import numpy as np

    empty = np.iinfo(np.int64).max
    best = np.full(width * height, empty, dtype=np.int64)
    if screen.shape[2]:
        boxes = _Boxes(screen, width, height)
        (ax, bx, cx), (ay, by, cy) = screen[0], screen[1]
        # Rows grow downwards, so a facet wound anticlockwise towards the viewer
        # has a negative area in pixels.
        facing = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax) < 0
        _draw(
            screen, boxes, np.flatnonzero(facing & boxes.drawn), width=width, pixel=pixel, best=best
        )
        covered = np.zeros((height + 1, width + 1), dtype=np.int32)
        covered[1:, 1:] = (best != empty).reshape(height, width).cumsum(0).cumsum(1)
        away = np.flatnonzero(~facing & boxes.drawn)
        x0, x1, y0, y1 = (v[away] for v in (boxes.x0, boxes.x1, boxes.y0, boxes.y1))
        inside = (
            covered[y1 + 1, x1 + 1] - covered[y0, x1 + 1] - covered[y1 + 1, x0] + covered[y0, x0]
        )
        hidden = inside == (x1 - x0 + 1) * (y1 - y0 + 1)
        _draw(screen, boxes, away[~hidden], width=width, pixel=pixel, best=best)
    facets = np.where(best == empty, NOTHING, best & 0xFFFFFFFF)
    return facets.reshape(height, width)


class _Boxes:
    """Each facet's box of pixels, from the first pixel whose centre its range
    covers to the last, clipped to the picture; ``drawn``: the box is not empty."""

    def __init__(self, screen: np.ndarray, width: int, height: int) -> None:
        self.x0, self.x1 = _pixel_span(screen[0], width)
        self.y0, self.y1 = _pixel_span(screen[1], height)
        self.drawn = (self.x1 >= self.x0) & (self.y1 >= self.y0)
        # Depth as an integer that keeps its order: 0 nearest, 2^31 - 1 farthest.
        self.near = float(screen[2].min())
        self.depth_scale = _DEPTH_STEPS / max(float(screen[2].max()) - self.near, 1e-12)


def _draw(
    screen: np.ndarray,
    boxes: _Boxes,
    facets: np.ndarray,
    *,
    width: int,
    pixel: float,
    best: np.ndarray,
) -> None:
    """Draw ``facets`` into the z-buffer ``best``, a class of box sizes at a time."""
    import numpy as np

    if not len(facets):
        return
    across = np.maximum(boxes.x1[facets] - boxes.x0[facets], boxes.y1[facets] - boxes.y0[facets])
    # Class k holds boxes up to 2^k pixels across; classes 0 and 1 go together
    # (most facets of a fine mesh are there, and 2 by 2 costs little more than 1).
    size_class = np.ones(len(facets), dtype=np.int64)
    wide = across > 1
    size_class[wide] = np.ceil(np.log2(across[wide] + 1)).astype(np.int64)
    order = np.argsort(size_class, kind="stable")
    bounds = np.searchsorted(size_class[order], np.arange(size_class.max() + 2))
    for level in range(1, len(bounds) - 1):
        members = facets[order[bounds[level] : bounds[level + 1]]]
        side = 1 << level
        step = max(1, _CHUNK // (side * side))
        for start in range(0, len(members), step):
            chosen = members[start : start + step]
            spans = (boxes.x0[chosen], boxes.y0[chosen], boxes.x1[chosen], boxes.y1[chosen])
            cover = _cover if side < _SPANS_FROM else _cover_rows
            facet, pixels, depth = cover(
                screen[:, :, chosen], side, spans, width=width, pixel=pixel
            )
            # In float64: float32 rounds 2^31 - 1 up, and the shift would overflow.
            rank = (depth.astype(np.float64) - boxes.near) * boxes.depth_scale
            key = np.clip(rank, 0, _DEPTH_STEPS).astype(np.int64) << 32
            np.minimum.at(best, pixels, key | chosen[facet])


def _pixel_span(values: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """The first and last pixel whose centre (at .5) lies within each facet's
    range of ``values`` (3, n), clipped to the picture."""
    import numpy as np

    low = np.minimum(np.minimum(values[0], values[1]), values[2])
    high = np.maximum(np.maximum(values[0], values[1]), values[2])
    first = np.ceil(low - np.float32(0.5)).astype(np.int32)
    last = np.floor(high - np.float32(0.5)).astype(np.int32)
    return np.maximum(first, 0), np.minimum(last, limit - 1)


def _cover(
    screen: np.ndarray,
    side: int,
    box: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    *,
    width: int,
    pixel: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which of the facets ``screen`` (each within a box ``side`` pixels across,
    from pixel x0, y0 to x1, y1) cover which pixel centres: for each covered
    pixel, the facet (its position in ``screen``), the pixel and the depth.
    Every pixel of a square ``side`` across is tested."""
    import numpy as np

    x0, y0, x1, y1 = box
    planes = _Planes(screen, x0, y0, pixel)
    steps = np.arange(side, dtype=np.int32)
    dx, dy = np.tile(steps, side), np.repeat(steps, side)
    ox, oy = dx.astype(np.float32) + np.float32(0.5), dy.astype(np.float32) + np.float32(0.5)
    wa = planes.pa[:, None] * ox + planes.qa[:, None] * oy + planes.ra[:, None]
    wb = planes.pb[:, None] * ox + planes.qb[:, None] * oy + planes.rb[:, None]
    inside = (wa >= 0) & (wb >= 0) & (wa + wb <= 1) & (planes.area != 0)[:, None]
    if side > 1:
        inside &= (dx <= (x1 - x0)[:, None]) & (dy <= (y1 - y0)[:, None])
    facet, at = np.nonzero(inside)
    return planes.covered(facet, dx[at], dy[at], width)


def _cover_rows(
    screen: np.ndarray,
    side: int,
    box: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    *,
    width: int,
    pixel: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What ``_cover`` finds, the same to the bit, for facets too large to test
    every pixel of their square: on each row of its box, a facet covers one run
    of pixels, found from where the row crosses its edges (a pixel more either
    side, for rounding); only those are tested, with ``_cover``'s arithmetic."""
    import numpy as np

    del side  # the rows are each facet's own
    x0, y0, x1, y1 = box
    planes = _Planes(screen, x0, y0, pixel)
    rows = (y1 - y0 + 1).astype(np.int64)
    row_facet = np.repeat(np.arange(len(x0)), rows)
    row_dy = (np.arange(len(row_facet)) - np.repeat(np.cumsum(rows) - rows, rows)).astype(np.int32)
    oy = row_dy.astype(np.float32) + np.float32(0.5)
    last = (x1 - x0)[row_facet].astype(np.float64)
    low, high = np.zeros(len(row_facet)), last.copy()
    planes_of_weights = (
        (planes.pa, planes.qa, planes.ra),
        (planes.pb, planes.qb, planes.rb),
        (-(planes.pa + planes.pb), -(planes.qa + planes.qb), 1 - (planes.ra + planes.rb)),
    )
    for p, q, r in planes_of_weights:  # weight >= 0: the row on one side of a bound
        slope = p[row_facet].astype(np.float64)
        along = q[row_facet].astype(np.float64) * oy
        at_zero = along + r[row_facet]  # the weight at x = 0
        # What float32 may get wrong in the weight, as pixels along the row: an
        # edge almost along the row moves far for a small error.
        error = 1e-5 * (np.abs(slope) * (last + 1) + np.abs(along) + np.abs(at_zero) + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            crossing = -at_zero / slope - 0.5  # the offset of the pixel centred on it
            margin = 1 + error / np.abs(slope)
            first, final = np.floor(crossing - margin), np.ceil(crossing + margin)
        rising, falling = slope > 0, slope < 0
        low[rising] = np.maximum(low[rising], first[rising])
        high[falling] = np.minimum(high[falling], final[falling])
        high[(slope == 0) & (at_zero < -error)] = -1  # along the row, and outside
    high[planes.area[row_facet] == 0] = -1  # a facet seen edge on covers nothing
    count = np.maximum(high - low + 1, 0).astype(np.int64)
    keep = count > 0
    row_facet, row_dy, low, count = row_facet[keep], row_dy[keep], low[keep], count[keep]
    facet = np.repeat(row_facet, count)
    dx = (
        np.repeat(low.astype(np.int64) - (np.cumsum(count) - count), count) + np.arange(len(facet))
    ).astype(np.int32)
    dy = np.repeat(row_dy, count)
    ox, oy = dx.astype(np.float32) + np.float32(0.5), dy.astype(np.float32) + np.float32(0.5)
    wa = planes.pa[facet] * ox + planes.qa[facet] * oy + planes.ra[facet]
    wb = planes.pb[facet] * ox + planes.qb[facet] * oy + planes.rb[facet]
    inside = (wa >= 0) & (wb >= 0) & (wa + wb <= 1)
    return planes.covered(facet[inside], dx[inside], dy[inside], width)


class _Planes:
    """A facet's barycentric weights and depth as planes over its box of
    pixels, measured from the box's first pixel."""

    def __init__(self, screen: np.ndarray, x0: np.ndarray, y0: np.ndarray, pixel: float) -> None:
        import numpy as np

        # Corners relative to each facet's first pixel: the offsets tested are then
        # small exact numbers, and float32 keeps its precision on large pictures.
        columns = screen[0] - x0.astype(np.float32)
        rows = screen[1] - y0.astype(np.float32)
        (ax, bx, cx), (ay, by, cy), (az, bz, cz) = columns, rows, screen[2]
        area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)  # twice the signed area
        inverse = np.zeros_like(area)
        np.divide(1, area, out=inverse, where=area != 0)
        # Barycentric weights as planes w = p·x + q·y + r: corner a's weight is the
        # edge b→c seen from the point, b's the edge c→a, both over the area.
        pa, qa = (by - cy) * inverse, (cx - bx) * inverse
        ra = -(pa * bx + qa * by)
        pb, qb = (cy - ay) * inverse, (ax - cx) * inverse
        rb = -(pb * cx + qb * cy)
        # Depth is a plane too: c + wa (a - c) + wb (b - c).
        da, db = az - cz, bz - cz
        pz, qz, rz = pa * da + pb * db, qa * da + qb * db, cz + ra * da + rb * db
        # A facet seen almost edge on has a steep, ill-conditioned depth plane: keep
        # its depth within its corners', and push it back by up to a pixel's worth
        # (as OpenGL's polygon offset does), so that it never pokes through the
        # face it meets at the edge.
        low = np.minimum(np.minimum(az, bz), cz)
        high = np.maximum(np.maximum(az, bz), cz)
        back = np.minimum(np.float32(0.5) * np.maximum(np.abs(pz), np.abs(qz)), np.float32(pixel))
        self.x0, self.y0 = x0, y0
        self.area, self.low, self.high, self.back = area, low, high, back
        self.pa, self.qa, self.ra, self.pb, self.qb, self.rb = pa, qa, ra, pb, qb, rb
        self.pz, self.qz, self.rz = pz, qz, rz

    def covered(
        self, facet: np.ndarray, dx: np.ndarray, dy: np.ndarray, width: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The facet, pixel and depth of each covered pixel centre, at offset
        (``dx``, ``dy``) from its facet's box."""
        import numpy as np

        ox, oy = dx.astype(np.float32) + np.float32(0.5), dy.astype(np.float32) + np.float32(0.5)
        depth = self.pz[facet] * ox + self.qz[facet] * oy + self.rz[facet]
        depth = np.clip(depth, self.low[facet], self.high[facet]) + self.back[facet]
        pixels = (self.y0[facet] + dy).astype(np.int64) * width + (self.x0[facet] + dx)
        return facet, pixels, depth
