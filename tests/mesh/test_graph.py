"""ohw.mesh.graph: connected components, held to a plain union-find."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ohw.mesh import graph
from ohw.mesh.graph import components


def smallest_of_each_component(edges: list[tuple[int, int]], count: int) -> list[int]:
    parent = list(range(count))

    def find(node: int) -> int:
        while parent[node] != node:
            node = parent[node]
        return node

    for a, b in edges:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    return [find(node) for node in range(count)]


graphs = st.integers(1, 60).flatmap(
    lambda count: st.tuples(
        st.just(count), st.lists(st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)))
    )
)


@pytest.mark.parametrize("threaded", [False, True], ids=["one thread", "two threads"])
@settings(max_examples=150, deadline=None)
@given(graphs, st.sampled_from([1, 3, 1 << 20]))
def test_components_match_a_union_find(threaded, graph_and_count, chunk):
    """Whatever the edges (none, loops, repeats, long chains) and however they
    are cut into chunks or shared between threads."""
    count, edges = graph_and_count
    first = np.array([a for a, _ in edges], dtype=np.int64)
    second = np.array([b for _, b in edges], dtype=np.int64)
    with pytest.MonkeyPatch.context() as patch, ThreadPoolExecutor(max_workers=1) as beside:
        patch.setattr(graph, "_CHUNK", chunk)
        patch.setattr(graph, "_THREADED", 0 if threaded else 1 << 62)
        found = components(first, second, count, beside if threaded else None)
    assert found.tolist() == smallest_of_each_component(edges, count)
