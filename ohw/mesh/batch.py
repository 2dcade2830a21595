"""Analysing many meshes: what is known by content comes from the cache, the
rest is analysed in parallel, one process per core."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ohw.cache import FileIds, ResultCache, blob_id, file_blob_id
from ohw.mesh import MeshError, read_mesh
from ohw.mesh.topology import ANALYSER_VERSION, MeshReport, analyse

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


@dataclass(frozen=True)
class MeshResult:
    name: str
    report: MeshReport | None
    error: str | None  # why the file could not be read as a mesh
    cached: bool


def report_to_json(report: MeshReport) -> dict[str, Any]:
    return dataclasses.asdict(report)


def report_from_json(data: dict[str, Any]) -> MeshReport:
    values = dict(data)
    values["minimum"], values["maximum"] = tuple(data["minimum"]), tuple(data["maximum"])
    values["near"] = {k: [tuple(p) for p in v] for k, v in data["near"].items()}
    return MeshReport(**values)


def _analyse(source: MeshSource) -> tuple[str, dict[str, Any]]:
    """Content id and result (a report, or the reading error) of one mesh. The
    hash of a file on disk runs in a thread beside the analysis: both read the
    same pages, and hashing lets go of the interpreter."""
    with ThreadPoolExecutor(max_workers=1) as hasher:
        blob: Future[str] | None = None
        if source.blob is None:
            if source.path is not None:
                blob = hasher.submit(file_blob_id, source.path)
            else:
                blob = hasher.submit(blob_id, source.data or b"")
        try:
            result: dict[str, Any] = {
                "report": report_to_json(
                    analyse(read_mesh(source.name, path=source.path, data=source.data))
                )
            }
        except MeshError as error:
            result = {"error": str(error)}
        return (blob.result() if blob is not None else source.blob or ""), result


def analyse_sources(
    sources: list[MeshSource],
    cache_directory: Path | None,
    progress: Callable[[MeshResult], None] | None = None,
) -> list[MeshResult]:
    """Results for ``sources``, in their order; the cache is used and filled
    unless ``cache_directory`` is None."""
    sources = list(sources)
    results: dict[int, MeshResult] = {}
    cache = ResultCache(cache_directory, "mesh", ANALYSER_VERSION) if cache_directory else None
    ids = FileIds(cache_directory) if cache_directory else None
    pending: list[int] = []
    for number, source in enumerate(sources):
        blob = source.blob
        if blob is None and ids is not None and source.path is not None:
            blob = ids.known(source.path)
        known = cache.get(blob) if cache is not None and blob else None
        if known is not None:
            results[number] = _result(source.name, known, cached=True)
            if progress:
                progress(results[number])
        else:
            pending.append(number)

    def finish(number: int, blob: str, outcome: dict[str, Any]) -> None:
        source = sources[number]
        if cache is not None and blob:
            cache.put(blob, outcome)
        if ids is not None and source.path is not None and blob:
            ids.remember(source.path, blob)
        results[number] = _result(source.name, outcome, cached=False)
        if progress:
            progress(results[number])

    for number in pending:  # read what has to be read here: a pool cannot call ``load``
        source = sources[number]
        if source.load is not None and source.data is None:
            sources[number] = dataclasses.replace(source, data=source.load(), load=None)
    workers = min(len(pending), os.cpu_count() or 1)
    if workers > 1 and sum(sources[n].size for n in pending) > _PARALLEL_BYTES:
        context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        )
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            running = {pool.submit(_analyse, sources[n]): n for n in pending}
            for done in as_completed(running):
                finish(running[done], *done.result())
    else:
        for number in pending:
            finish(number, *_analyse(sources[number]))
    if ids is not None:
        ids.save()
    return [results[n] for n in range(len(sources))]


def _result(name: str, outcome: dict[str, Any], cached: bool) -> MeshResult:
    if "error" in outcome:
        return MeshResult(name, None, outcome["error"], cached)
    return MeshResult(name, report_from_json(outcome["report"]), None, cached)
