"""Connected components of a graph given as edge arrays, vectorised.

Every node hooks under its smallest neighbour, and jumps to the root of its
tree; the roots, numbered afresh, make a much smaller graph of the edges still
between trees, solved the same way. A mesh shrinks to a few nodes in two or
three such steps, however large it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Executor

    import numpy as np

# Passes over fewer edges than this are not worth a second thread (as in ohw.mesh.topology).
_THREADED = 1 << 17
# Edges are taken a million at a time: no temporary the size of the whole graph,
# whose fresh memory would cost more than the work on it.
_CHUNK = 1 << 20


def components(
    first: np.ndarray, second: np.ndarray, count: int, beside: Executor | None = None
) -> np.ndarray:
    """For each of ``count`` nodes, the smallest node of its component; the graph's
    edges join ``first[i]`` and ``second[i]``. With ``beside``, a second thread
    takes half of the edges in the passes that allow it."""
    import numpy as np

    dtype: Any = np.int32 if count < 2**31 else np.int64
    first, second = first.astype(dtype, copy=False), second.astype(dtype, copy=False)
    root = np.arange(count, dtype=dtype)
    edges = len(first)
    for begin in range(0, edges, _CHUNK):  # one thread: hooks of two would race
        a, b = first[begin : begin + _CHUNK], second[begin : begin + _CHUNK]
        np.minimum.at(root, np.maximum(a, b), np.minimum(a, b))
    # np.take gathers faster than indexing does.
    while not np.array_equal(jumped := np.take(root, root), root):
        root = jumped

    def apart(begin: int, end: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """The roots of the ends of the edges ``begin`` to ``end`` that join two trees."""
        pieces = []
        for start in range(begin, end, _CHUNK):
            a = np.take(root, first[start : min(start + _CHUNK, end)])
            b = np.take(root, second[start : min(start + _CHUNK, end)])
            keep = a != b
            pieces.append((a[keep], b[keep]))
        return pieces

    if beside is None or edges < _THREADED:
        pieces = apart(0, edges)
    else:  # gathers lead to memory all over: half on each thread, nearly twice as fast
        later = beside.submit(apart, edges // 2, edges)
        pieces = apart(0, edges // 2) + later.result()
    ends = np.concatenate([a for a, _ in pieces]) if pieces else root[:0]
    if len(ends) == 0:
        return root
    other_ends = np.concatenate([b for _, b in pieces])
    # Each edge hooked its larger end under its smaller one, so a tree's root is a
    # node with no smaller neighbour: fewer nodes remain than there were.
    is_root = root == np.arange(count, dtype=dtype)
    number = np.cumsum(is_root, dtype=dtype)
    number -= 1
    roots = np.flatnonzero(is_root).astype(dtype)
    between = components(np.take(number, ends), np.take(number, other_ends), len(roots), beside)
    if not between.any():  # one component, as most meshes are: node 0 is every node's
        return np.zeros(count, dtype=dtype)
    # Numbering keeps the order of the roots, so the smallest stays the smallest.
    return np.take(roots, np.take(between, np.take(number, root)))
