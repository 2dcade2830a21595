"""Connected components of a graph given as edge arrays, vectorised.

Every node hooks under its smallest neighbour, and jumps to the root of its
tree; the roots, numbered afresh, make a much smaller graph of the edges still
between trees, solved the same way. A mesh shrinks to a few nodes in two or
three such steps, however large it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Executor

    import numpy as np

# Passes over fewer edges than this are not worth a second thread (as in ohw.mesh.topology).
_THREADED = 1 << 17


def components(
    first: np.ndarray, second: np.ndarray, count: int, beside: Executor | None = None
) -> np.ndarray:
    """For each of ``count`` nodes, the smallest node of its component; the graph's
    edges join ``first[i]`` and ``second[i]``. With ``beside``, a second thread
    takes one of each pair of passes over the edges."""
    import numpy as np

    dtype: Any = np.int32 if count < 2**31 else np.int64
    first, second = first.astype(dtype, copy=False), second.astype(dtype, copy=False)
    root = np.arange(count, dtype=dtype)
    edges = len(first)
    higher, lower = _both(
        beside, lambda: np.maximum(first, second), lambda: np.minimum(first, second), edges
    )
    np.minimum.at(root, higher, lower)
    del higher, lower
    # np.take gathers faster than indexing does.
    while not np.array_equal(jumped := np.take(root, root), root):
        root = jumped
    # Gathers lead to memory all over: half on each thread, nearly twice as fast.
    first, second = _both(
        beside, lambda: np.take(root, first), lambda: np.take(root, second), edges
    )
    apart = np.flatnonzero(first != second)
    if len(apart) == 0:
        return root
    # Each edge hooked its larger end under its smaller one, so a tree's root is a
    # node with no smaller neighbour: fewer nodes remain than there were.
    is_root = root == np.arange(count, dtype=dtype)
    number = np.cumsum(is_root, dtype=dtype)
    number -= 1
    roots = np.flatnonzero(is_root).astype(dtype)
    first, second = _both(
        beside,
        lambda: np.take(number, first[apart]),
        lambda: np.take(number, second[apart]),
        len(apart),
    )
    between = components(first, second, len(roots), beside)
    if not between.any():  # one component, as most meshes are: node 0 is every node's
        return np.zeros(count, dtype=dtype)
    # Numbering keeps the order of the roots, so the smallest stays the smallest.
    return np.take(roots, np.take(between, np.take(number, root)))


def _both(
    beside: Executor | None,
    one: Callable[[], np.ndarray],
    other: Callable[[], np.ndarray],
    size: int,
) -> tuple[np.ndarray, np.ndarray]:
    """``one()`` and ``other()``, the second beside where there is enough to share."""
    if beside is None or size < _THREADED:
        return one(), other()
    later = beside.submit(other)
    return one(), later.result()
