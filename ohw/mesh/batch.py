"""Analysing many meshes: what is known by content comes from the cache, the
rest is analysed in parallel, one process per core."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from ohw.cache import FileIds, ResultCache, blob_id, file_blob_id
from ohw.mesh import MeshError, read_mesh
from ohw.mesh.topology import ANALYSER_VERSION, MeshReport, analyse
from ohw.mesh.verdict import Verdict, judge
from ohw.tree import DesignTree, WorkingTree

# Below this much work a pool of processes costs more than it saves.
_PARALLEL_BYTES = 4 << 20


@dataclass(frozen=True)
class MeshSource:
    """A mesh file: on disk (``path``), or at a commit (its ``blob`` id, and
    ``load`` to read it, called only if the cache does not know it)."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    blob: str | None = None
    load: Callable[[], bytes] | None = None

    @property
    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        return self.path.stat().st_size if self.path is not None else 0


def design_sources(tree: DesignTree, names: list[str]) -> list[MeshSource]:
    """The files ``names`` (resolved design paths) of ``tree`` as mesh sources:
    on disk, or at a commit by blob id, read only if the cache does not know them."""
    if isinstance(tree, WorkingTree):
        return [MeshSource(name, path=tree.root / name) for name in names]
    return [
        MeshSource(name, blob=tree.blob_id(name), load=partial(tree.read_bytes, name))
        for name in names
    ]


@dataclass(frozen=True)
class MeshResult:
    name: str
    report: MeshReport | None
    error: str | None  # why the file could not be read as a mesh
    cached: bool

    @cached_property
    def verdict(self) -> Verdict | None:
        return judge(self.report) if self.report is not None else None

    @property
    def ok(self) -> bool:
        """Read, and printable."""
        return self.verdict is not None and self.verdict.printable


def report_to_json(report: MeshReport) -> dict[str, Any]:
    return dataclasses.asdict(report)


def report_from_json(data: dict[str, Any]) -> MeshReport:
    values = dict(data)
    values["minimum"], values["maximum"] = tuple(data["minimum"]), tuple(data["maximum"])
    values["near"] = {k: [tuple(p) for p in v] for k, v in data["near"].items()}
    return MeshReport(**values)


def _analyse(source: MeshSource) -> dict[str, Any]:
    """The result of one mesh: a report, or why it cannot be read."""
    try:
        triangles = read_mesh(source.name, path=source.path, data=source.data)
    except MeshError as error:
        return {"error": str(error)}
    return {"report": report_to_json(analyse(triangles))}


def _hash(source: MeshSource) -> str:
    if source.path is not None:
        return file_blob_id(source.path)
    if source.data is not None:
        return blob_id(source.data)
    assert source.load is not None
    return blob_id(source.load())


def _content_ids(sources: list[MeshSource], ids: FileIds) -> list[str]:
    """Every source's blob id: given, remembered by the stat index, or hashed
    (in threads: hashing lets go of the interpreter)."""
    known = [s.blob or (ids.known(s.path) if s.path is not None else None) for s in sources]
    unknown = [n for n, blob in enumerate(known) if blob is None]
    if len(unknown) <= 1:  # one file: a thread (and its memory arena) would gain nothing
        for number in unknown:
            known[number] = _hash(sources[number])
        return [blob or "" for blob in known]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as hashing:
        for number, blob in zip(
            unknown, hashing.map(_hash, [sources[n] for n in unknown]), strict=True
        ):
            known[number] = blob
    return [blob or "" for blob in known]


def content_ids(sources: list[MeshSource], cache_directory: Path) -> list[str]:
    """The blob id of every source, reading only files on disk whose stat
    changed since they were last hashed (the stat index remembers the rest)."""
    ids = FileIds(cache_directory)
    blobs = _content_ids(sources, ids)
    for source, blob in zip(sources, blobs, strict=True):
        if source.path is not None:
            ids.remember(source.path, blob)
    ids.save()
    return blobs


def analyse_sources(
    sources: list[MeshSource],
    cache_directory: Path | None,
    progress: Callable[[MeshResult], None] | None = None,
) -> list[MeshResult]:
    """Results for ``sources``, in their order. With a cache directory, a mesh
    whose content was analysed before (by this analyser version) is not read
    again, and new results are kept."""
    sources = list(sources)
    results: dict[int, MeshResult] = {}

    def done(number: int, outcome: dict[str, Any], cached: bool) -> None:
        results[number] = _result(sources[number].name, outcome, cached)
        if progress:
            progress(results[number])

    if cache_directory is None:
        for number, outcome in _analyse_all(sources, range(len(sources))):
            done(number, outcome, cached=False)
        return [results[n] for n in range(len(sources))]
    from concurrent.futures import ThreadPoolExecutor

    cache = ResultCache(cache_directory, "mesh", ANALYSER_VERSION)
    seen = FileIds(cache_directory)
    # A file never seen here is very likely new: it is analysed while the ids
    # are worked out (hashing lets go of the interpreter), not after.
    new = [
        n
        for n, s in enumerate(sources)
        if s.blob is None and s.path is not None and not seen.seen(s.path)
    ]
    if _pooled(sources, new):  # no thread may run while the pool forks its processes
        blobs = content_ids(sources, cache_directory)
        outcomes = dict(_analyse_all(sources, new))
    else:
        with ThreadPoolExecutor(max_workers=1) as background:
            hashing = background.submit(content_ids, list(sources), cache_directory)
            outcomes = dict(_analyse_all(sources, new))
            blobs = hashing.result()
    known = {n: cache.get(blobs[n]) for n in range(len(sources))}
    for number, outcome in known.items():
        if outcome is not None:  # a new file may hold content seen before: a copy
            done(number, outcome, cached=True)
    missing = [n for n, outcome in known.items() if outcome is None]
    for number, outcome in _analyse_all(sources, [n for n in missing if n not in outcomes]):
        outcomes[number] = outcome
    for number in missing:
        cache.put(blobs[number], outcomes[number])
        done(number, outcomes[number], cached=False)
    return [results[n] for n in range(len(sources))]


def _pooled(sources: list[MeshSource], numbers: list[int]) -> bool:
    """Whether these sources are worth a pool of processes, one per core."""
    if len(numbers) < 2 or (os.cpu_count() or 1) < 2:
        return False
    return sum(sources[n].size for n in numbers) > _PARALLEL_BYTES


def _analyse_all(
    sources: list[MeshSource], numbers: Iterable[int]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The outcome of each numbered source, as each is ready: in a pool of
    processes when there is enough to share."""
    pending = list(numbers)
    for number in pending:  # read what has to be read here: a pool cannot call ``load``
        source = sources[number]
        if source.load is not None and source.data is None:
            sources[number] = dataclasses.replace(source, data=source.load(), load=None)
    if _pooled(sources, pending):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        )
        workers = min(len(pending), os.cpu_count() or 1)
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            running = {pool.submit(_analyse, sources[n]): n for n in pending}
            for future in as_completed(running):
                yield running[future], future.result()
    else:
        for number in pending:
            yield number, _analyse(sources[number])


def _result(name: str, outcome: dict[str, Any], cached: bool) -> MeshResult:
    if "error" in outcome:
        return MeshResult(name, None, outcome["error"], cached)
    return MeshResult(name, report_from_json(outcome["report"]), None, cached)
