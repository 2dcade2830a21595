"""Connected components of a graph given as edge arrays, vectorised.

Every node hooks under its smallest neighbour, and jumps to the root of its
tree; the roots, numbered afresh, make a much smaller graph of the edges still
between trees, solved the same way. A mesh shrinks to a few nodes in two or
three such steps, however large it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


def components(first: np.ndarray, second: np.ndarray, count: int) -> np.ndarray:
    """For each of ``count`` nodes, the smallest node of its component; the graph's
    edges join ``first[i]`` and ``second[i]``."""
    import numpy as np

    dtype: Any = np.int32 if count < 2**31 else np.int64
    first, second = first.astype(dtype, copy=False), second.astype(dtype, copy=False)
    root = np.arange(count, dtype=dtype)
    np.minimum.at(root, np.maximum(first, second), np.minimum(first, second))
    # np.take gathers faster than indexing does.
    while not np.array_equal(jumped := np.take(root, root), root):
        root = jumped
    first, second = np.take(root, first), np.take(root, second)
    apart = np.flatnonzero(first != second)
    if len(apart) == 0:
        return root
    # Each edge hooked its larger end under its smaller one, so a tree's root is a
    # node with no smaller neighbour: fewer nodes remain than there were.
    is_root = root == np.arange(count, dtype=dtype)
    number = np.cumsum(is_root, dtype=dtype)
    number -= 1
    roots = np.flatnonzero(is_root).astype(dtype)
    between = components(np.take(number, first[apart]), np.take(number, second[apart]), len(roots))
    if not between.any():  # one component, as most meshes are: node 0 is every node's
        return np.zeros(count, dtype=dtype)
    # Numbering keeps the order of the roots, so the smallest stays the smallest.
    return np.take(roots, np.take(between, np.take(number, root)))
