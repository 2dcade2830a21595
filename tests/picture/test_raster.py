"""The z-buffer rasteriser (ohw.picture.raster): large facets, drawn row by
row, cover exactly the pixels that testing every pixel of their square finds."""

from __future__ import annotations

import numpy as np
import pytest

from ohw.picture.raster import _cover, _cover_rows, _pixel_span, nearest_facets


def covered_both_ways(
    screen: np.ndarray, width: int, height: int
) -> tuple[list[tuple[int, int, float]], list[tuple[int, int, float]]]:
    """What both ways find for facets ``screen`` (3, 3, n), each facet on its own
    (the square tested is the facet's own), as sorted (facet, pixel, depth)."""
    x0, x1 = _pixel_span(screen[0], width)
    y0, y1 = _pixel_span(screen[1], height)
    drawn = np.flatnonzero((x1 >= x0) & (y1 >= y0))
    found: tuple[list[tuple[int, int, float]], list[tuple[int, int, float]]] = ([], [])
    for number in drawn:
        one = screen[:, :, [number]]
        box = (x0[[number]], y0[[number]], x1[[number]], y1[[number]])
        side = 1 << int(np.ceil(np.log2(max(x1[number] - x0[number], y1[number] - y0[number]) + 1)))
        for kept, cover in zip(found, (_cover, _cover_rows), strict=True):
            _, pixels, depth = cover(one, max(side, 1), box, width=width, pixel=0.01)
            pairs = zip(pixels.tolist(), depth.tolist(), strict=True)
            kept.extend(sorted((int(number), int(p), float(d)) for p, d in pairs))
    return found


def random_facets(seed: int, count: int, size: int) -> np.ndarray:
    pick = np.random.default_rng(seed)
    corners = pick.uniform(-20, size + 20, (2, 3, count))
    depth = pick.uniform(0, 100, (1, 3, count))
    return np.concatenate([corners, depth]).astype(np.float32)


@pytest.mark.parametrize("seed", range(4))
def test_large_facets_cover_the_same_pixels_row_by_row(seed: int):
    screen = random_facets(seed, 40, 300)
    dense, rows = covered_both_ways(screen, 300, 300)
    assert len(dense) > 100_000  # large facets, many pixels
    assert rows == dense


def test_slivers_and_edges_along_rows_and_on_pixel_centres_agree():
    facets = [
        [(0.5, 10.5, 1), (200.5, 10.5, 2), (100.5, 90.5, 3)],  # an edge along a row of centres
        [(3.5, 3.5, 1), (3.5, 180.5, 1), (150.5, 100.5, 1)],  # an edge along a column
        [(0, 50, 5), (250, 50.0001, 5), (125, 51, 5)],  # a sliver, nearly along the rows
        [(0, 0, 5), (250, 250, 5), (250.0003, 250, 5)],  # a sliver on the diagonal
        [(10, 10, 5), (200, 200, 5), (100, 100, 5)],  # no area: edge on, covers nothing
        [(40.5, 40.5, 5), (140.5, 40.5, 7), (40.5, 140.5, 9)],  # corners on pixel centres
        [(-500, -500, 5), (900, 0, 5), (0, 900, 5)],  # far beyond the picture
    ]
    screen = np.array(facets, dtype=np.float32).transpose(2, 1, 0)
    dense, rows = covered_both_ways(screen, 256, 256)
    assert len(dense) > 10_000
    assert rows == dense


def test_a_large_square_is_all_covered_and_the_nearer_wins():
    near = [[(10, 10, 1), (200, 10, 1), (200, 200, 1)], [(10, 10, 1), (200, 200, 1), (10, 200, 1)]]
    far = [[(0, 0, 9), (255, 0, 9), (0, 255, 9)]]
    screen = np.array(far + near, dtype=np.float32).transpose(2, 1, 0)
    shown = nearest_facets(screen, 256, 256, 0.01)
    inner = shown[10:200, 10:200]
    assert set(np.unique(inner)) == {1, 2}
    assert shown[2, 2] == 0 and shown[250, 250] == -1
