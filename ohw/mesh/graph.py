"""Connected components of a graph given as edge arrays, vectorised.

Shiloach and Vishkin's scheme: every round, each edge whose ends lie in
different trees hooks the larger root under the smaller, then every node jumps
to its root. A mesh needs a handful of rounds, however long or large it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def components(first: np.ndarray, second: np.ndarray, count: int) -> np.ndarray:
    """For each of ``count`` nodes, the smallest node of its component; the graph's
    edges join ``first[i]`` and ``second[i]``."""
    import numpy as np

    dtype = np.int32 if count < 2**31 else np.int64
    root = np.arange(count, dtype=dtype)
    first, second = first.astype(dtype, copy=False), second.astype(dtype, copy=False)
    a, b = first, second  # every node is its own root at first: no need to look up
    while True:
        np.minimum.at(root, np.maximum(a, b), np.minimum(a, b))
        while True:
            jumped = root[root]
            if np.array_equal(jumped, root):
                break
            root = jumped
        a, b = root[first], root[second]
        apart = np.flatnonzero(a != b)
        if len(apart) == 0:
            return root
        first, second = first[apart], second[apart]
        a, b = a[apart], b[apart]
