"""Analysing many meshes: what is known by content comes from the cache, the
rest is analysed in parallel, one process per core."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, partial
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ohw.mesh.source import MeshSource, analyse_source, load_analyser, report_from_json
from ohw.mesh.topology import ANALYSER_VERSION, MeshReport
from ohw.mesh.verdict import Verdict, judge
from ohw.mesh.workers import worth_workers
from ohw.storage.cache import FileIds, ResultCache, blob_id, file_blob_id
from ohw.storage.git_index import indexed_blob_ids
from ohw.storage.lfs import LfsObjectError, LfsPointer, present_object, read_object
from ohw.storage.tree import DesignTree, WorkingTree

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

    from ohw.mesh.workers import ForkedWorkers, WorkerProcesses

# The outcome of a mesh whose Git LFS object cannot be read: never kept.
ABSENT = "absent"


def design_sources(tree: DesignTree, names: list[str]) -> list[MeshSource]:
    """The files ``names`` (resolved design paths) of ``tree`` as mesh sources:
    on disk, or at a commit by blob id, read only if the cache does not know them;
    a file kept in Git LFS by its object's oid, or absent if it is not here."""
    sources = []
    for name in names:
        pointer = tree.lfs_pointer(name)
        if pointer is not None:
            sources.append(lfs_source(tree.location, name, pointer))
        elif isinstance(tree, WorkingTree):
            sources.append(MeshSource(name, path=tree.root / name))
        else:
            sources.append(
                MeshSource(name, blob=tree.blob_id(name), load=partial(tree.read_bytes, name))
            )
    return sources


def lfs_source(near: Path, name: str, pointer: LfsPointer) -> MeshSource:
    """A mesh kept in Git LFS: known by its oid (its analysis is the same at any
    commit, and in any clone); read from the object, verified, if not known."""
    try:
        present_object(near, name, pointer)
    except LfsObjectError as error:
        return MeshSource(name, blob=pointer.oid, absent=error.finding)
    return MeshSource(name, blob=pointer.oid, load=partial(read_object, near, name, pointer))


@dataclass(frozen=True)
class MeshResult:
    name: str
    report: MeshReport | None
    error: str | None  # why the file could not be read as a mesh
    cached: bool
    absent: bool = False  # its Git LFS object is not here (or damaged): error says which

    @cached_property
    def verdict(self) -> Verdict | None:
        return judge(self.report) if self.report is not None else None

    @property
    def ok(self) -> bool:
        """Read, and printable."""
        return self.verdict is not None and self.verdict.printable


def _hash(source: MeshSource) -> str:
    if source.path is not None:
        return file_blob_id(source.path)
    if source.data is not None:
        return blob_id(source.data)
    assert source.load is not None
    return blob_id(source.load())


def _content_ids(sources: list[MeshSource], ids: FileIds) -> list[str]:
    """Every source's blob id: given, remembered by the stat index, held by
    git's index, or hashed (in threads: hashing lets go of the interpreter)."""
    known = [s.blob or (ids.known(s.path) if s.path is not None else None) for s in sources]
    unknown = [n for n, blob in enumerate(known) if blob is None]
    if unknown:
        indexed = indexed_blob_ids(str(sources[n].path) for n in unknown if sources[n].path)
        for number in unknown:
            known[number] = indexed.get(str(sources[number].path))
        unknown = [n for n in unknown if known[n] is None]
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
    with MeshAnalyses(sources, cache_directory) as analyses:
        return analyses.results(progress)


class MeshAnalyses:
    """The analyses of some meshes, begun when made: files never seen here
    (very likely new) go at once to a pool of processes, one per core, when
    they are worth it (to ``workers``, if given, started before), and every
    file's blob id is worked out beside them (hashing lets go of the
    interpreter), while the caller goes on with other work; ``results`` gives
    them all. Close it (it is a context manager) to stop the work if the
    results are not wanted."""

    def __init__(
        self,
        sources: list[MeshSource],
        cache_directory: Path | None,
        workers: MeshWorkers | None = None,
    ) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.sources = list(sources)
        self.cache_directory = cache_directory
        if cache_directory is None:
            new = list(range(len(self.sources)))
        else:
            seen = FileIds(cache_directory)
            new = [
                n
                for n, s in enumerate(self.sources)
                if s.blob is None and s.path is not None and not seen.seen(s.path)
            ]
        self.workers = workers
        # A pool forks now, before the thread that hashes is started.
        self._new = _Analysing(self.sources, new, workers)
        self._hashing = ThreadPoolExecutor(max_workers=1)
        self._blobs: Future[list[str]] | None = None
        if cache_directory is not None:
            self._blobs = self._hashing.submit(content_ids, list(self.sources), cache_directory)

    def __enter__(self) -> MeshAnalyses:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

    def close(self) -> None:
        self._new.close()
        self._hashing.shutdown(cancel_futures=True)

    def results(self, progress: Callable[[MeshResult], None] | None = None) -> list[MeshResult]:
        sources = self.sources
        results: dict[int, MeshResult] = {}

        def done(number: int, outcome: dict[str, Any], cached: bool) -> None:
            results[number] = _result(sources[number].name, outcome, cached)
            if progress:
                progress(results[number])

        if self._blobs is None:
            for number, outcome in sorted(self._new.outcomes()):
                done(number, outcome, cached=False)
            return [results[n] for n in range(len(sources))]
        assert self.cache_directory is not None  # blobs are only worked out for a cache
        cache = ResultCache(self.cache_directory, "mesh", ANALYSER_VERSION)
        blobs = self._blobs.result()
        self._hashing.shutdown()
        new = {*self._new.numbers, *self._new.absent}
        missing = []
        for number in range(len(sources)):
            # An absent LFS object is told even where its analysis is known.
            known = None if sources[number].absent else cache.get(blobs[number])
            if known is not None:
                done(number, known, cached=True)
            elif number not in new:
                missing.append(number)
        # A new file may hold content seen before (a copy): it is not waited for.
        self._new.drop(number for number in new if number in results)
        # Each kept as it comes, while the rest are still being analysed; the
        # files the cache was expected to know, after (a pool forks with no
        # other running).
        analysed = chain(
            self._new.outcomes(), _later(lambda: _Analysing(sources, missing, self.workers))
        )
        for number, outcome in analysed:
            if ABSENT not in outcome:  # fetching the object changes it
                cache.put(blobs[number], outcome)
            done(number, outcome, cached=False)
        return [results[n] for n in range(len(sources))]


def _later(start: Callable[[], _Analysing]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The outcomes of analyses started only when the first is wanted."""
    yield from start().outcomes()


class _Analysing:
    """The outcomes of the numbered sources: in a pool of processes, at once,
    when there is enough to share or ``workers`` are there; else here, one by
    one, when asked."""

    def __init__(
        self, sources: list[MeshSource], numbers: Iterable[int], workers: MeshWorkers | None
    ) -> None:
        self.sources, self.numbers = sources, list(numbers)
        self.absent: dict[int, str] = {}  # LFS objects not here or damaged: why
        for number in self.numbers:  # read what has to be read here: a pool cannot call ``load``
            source = sources[number]
            if source.absent is not None:
                self.absent[number] = source.absent
            elif source.load is not None and source.data is None:
                try:
                    sources[number] = dataclasses.replace(source, data=source.load(), load=None)
                except LfsObjectError as error:
                    self.absent[number] = error.finding
        self.numbers = [number for number in self.numbers if number not in self.absent]
        self.pool: Executor | ForkedWorkers | None = None
        self.own_pool = workers is None
        if workers is not None and self.numbers:
            self.pool = workers.pool
        elif worth_workers([sources[n].size for n in self.numbers]):
            try:
                self.pool = _workers(len(self.numbers))
            except OSError:  # no processes to be had: the meshes are analysed here
                return
        else:
            return
        # The largest first: no process is left with a big file when the rest are done.
        largest_first = sorted(self.numbers, key=lambda n: -sources[n].size)
        if workers is not None:
            self.running = {workers.analysis(sources[n]): n for n in largest_first}
        else:
            self.running = {self.pool.submit(analyse_source, sources[n]): n for n in largest_first}

    def drop(self, numbers: Iterable[int]) -> None:
        """Leave out the outcomes of ``numbers``: their analyses are cancelled
        where they have not begun, and not waited for where they have."""
        dropped = set(numbers)
        self.numbers = [number for number in self.numbers if number not in dropped]
        self.absent = {n: why for n, why in self.absent.items() if n not in dropped}
        if self.pool is not None:
            for future, number in list(self.running.items()):
                if number in dropped:
                    future.cancel()
                    del self.running[future]

    def outcomes(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Each outcome as it is ready."""
        for number, why in self.absent.items():
            yield number, {ABSENT: why}
        if self.pool is None:
            for number in self.numbers:
                yield number, analyse_source(self.sources[number])
            return
        from concurrent.futures import as_completed

        try:
            for future in as_completed(self.running):
                yield self.running[future], future.result()
        finally:
            self.close()

    def close(self) -> None:
        if self.pool is None:
            return
        if self.own_pool:
            self.pool.shutdown(cancel_futures=not all(f.done() for f in self.running))
        else:  # the workers are the caller's, for other designs too
            for future in self.running:
                future.cancel()
        self.pool = None


def _workers(jobs: int) -> Executor | ForkedWorkers:
    """Processes for ``jobs`` analyses, one per core at most, having loaded
    numpy and the analyser."""
    from ohw.mesh.workers import worker_processes

    return worker_processes(max(1, min(jobs, os.cpu_count() or 1)), load_analyser)


class MeshWorkers:
    """Worker processes, one per core (ohw.mesh.reader.workers: numpy and the analyser
    loaded once, in the first), and the analyses of ``first`` begun there at
    once, the largest first. ``MeshAnalyses`` given it sends its work there, and takes over those
    analyses. Close it (it is a context manager) when done."""

    def __init__(self, first: list[MeshSource], processes: WorkerProcesses | None = None) -> None:
        # They load numpy beside this process going on with the check: loaded
        # here, before forking, the check would wait for it with a core idle
        # (measured: a cold corpus check took a tenth longer). Loaded in each of
        # them, it cost the same processor time twice (an eighth longer).
        self.pool: Executor | ForkedWorkers
        if processes is not None:  # forked already (ohw.startup.ahead), to be fed
            from ohw.mesh.workers import ForkedWorkers

            self.pool = ForkedWorkers(processes)
        else:
            self.pool = _workers(len(first))
        self._begun = {
            _identity(source): self.pool.submit(analyse_source, source)
            for source in sorted(first, key=lambda source: -source.size)
        }
        self._given = list(self._begun.values())

    @property
    def begun(self) -> list[str]:
        """The names of the meshes begun at once whose analyses no one took yet."""
        return sorted(name for name, _ in self._begun)

    def analysis(self, source: MeshSource) -> Future[dict[str, Any]]:
        """The analysis of ``source``: the one begun already, else a new one."""
        begun = self._begun.pop(_identity(source), None)
        if begun is None:
            begun = self.pool.submit(analyse_source, source)
            self._given.append(begun)
        return begun

    def __enter__(self) -> MeshWorkers:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=not all(f.done() for f in self._given))


def _identity(source: MeshSource) -> tuple[str, str | None]:
    return source.name, os.path.realpath(source.path) if source.path is not None else None


def _result(name: str, outcome: dict[str, Any], cached: bool) -> MeshResult:
    if ABSENT in outcome:
        return MeshResult(name, None, outcome[ABSENT], cached, absent=True)
    if "error" in outcome:
        return MeshResult(name, None, outcome["error"], cached)
    return MeshResult(name, report_from_json(outcome["report"]), None, cached)
