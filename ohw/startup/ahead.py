"""A head start for ``ohw check``: the meshes it will very likely analyse begin
to be analysed before click and the checks are loaded.

``ohw.cli.main`` calls ``start_ahead`` with the check's arguments, before anything
else is loaded. The meshes the check will want are those of its designs that
the manifest's text names and that the cache it uses never saw. When the
manifests name enough of them to be worth worker processes (two or more, over
4 MB), the workers are forked at once (ohw.mesh.workers), knowing nothing but
``os``: the first loads numpy while this process loads the rest. Then the cache
is asked which of those meshes are new; if too few are, the workers are
stopped. Where the cache was used before (a check of an edited design, whose
meshes it mostly knows), it is asked first, and the workers forked only for
enough new meshes: a worker started for nothing costs a re-check a fifth of
its processor time. ``take_ahead`` hands the workers, with their analyses
under way, to the check.
"""

from __future__ import annotations

import os
import stat

from ohw.design.paths import MANIFEST, is_mesh
from ohw.mesh.workers import WorkerProcesses, worth_workers
from ohw.startup.arguments import CheckArguments, read_check_arguments
from ohw.storage.locations import design_root

# typing costs 3 ms to load, and this module is loaded before a check forks.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from ohw.mesh.batch import MeshWorkers
    from ohw.mesh.source import MeshSource


# The workers start_ahead started, until take_ahead hands them on: one at most.
_ahead: list[MeshWorkers] = []


def start_ahead(arguments: list[str]) -> None:
    """For ``ohw check`` with ``arguments`` (those after ``check``), start
    the workers at once, if it is worth it, analysing the meshes it will very
    likely want. Nothing starts for a check of history, for arguments click
    would refuse, or on one core."""
    read = read_check_arguments(arguments)
    if read is None or read.reads_history or _ahead or not hasattr(os, "fork"):
        return
    try:
        designs = [_design_meshes(given) for given in read.paths or ["."]]
    except OSError:  # only a head start: the check says what is wrong, if anything is
        return
    sizes = [size for _, meshes in designs for _, _, size in meshes]
    if not worth_workers(sizes):
        return
    first = None
    if any(_cache_used(folder, read) for folder, _ in designs):
        first = _unseen_of(designs, read)
        if first is None or not worth_workers([source.size for source in first]):
            return
    try:
        processes = WorkerProcesses(min(os.cpu_count() or 1, len(sizes)), _load_analyser)
    except OSError:  # the check will analyse without a head start
        return
    try:
        first = _unseen_of(designs, read) if first is None else first
        if first is None or not worth_workers([source.size for source in first]):
            processes.stop()
            return
        from ohw.mesh.batch import MeshWorkers

        _ahead.append(MeshWorkers(first, processes))
    except BaseException:
        processes.stop()
        raise


def take_ahead() -> MeshWorkers | None:
    """The workers ``start_ahead`` started, now the caller's to close."""
    return _ahead.pop() if _ahead else None


def _load_analyser() -> None:
    from ohw.mesh.source import load_analyser

    load_analyser()


_Mesh = tuple[str, str, int]  # design path, path, size


def _design_meshes(given: str) -> tuple[str, list[_Mesh]]:
    """The folder of the design at ``given``, and its mesh files whose design
    path the manifest's text holds. Only plain files count: a link or a pipe is
    for the check to judge, not to open here."""
    folder = (os.path.dirname(given) if os.path.basename(given) == MANIFEST else given) or "."
    if os.path.isdir(folder) and not os.path.isfile(os.path.join(folder, MANIFEST)):
        folder = design_root(folder) or folder  # as ohw.design.reader finds it
    manifest = os.path.join(folder, MANIFEST)
    try:
        if not stat.S_ISREG(os.lstat(manifest).st_mode):
            return folder, []
        with open(manifest, encoding="utf-8", errors="replace") as stream:
            text = stream.read()
    except OSError:
        return folder, []
    found = []
    for parent, children, names in os.walk(folder):
        children[:] = [child for child in children if child != ".git"]
        for name in names:
            if not is_mesh(name):
                continue
            path = os.path.join(parent, name)
            design_path = os.path.relpath(path, folder).replace(os.sep, "/")
            if design_path not in text:
                continue
            try:
                status = os.lstat(path)
            except OSError:  # gone since the walk saw it
                continue
            if stat.S_ISREG(status.st_mode):
                found.append((design_path, path, status.st_size))
    return folder, found


def _cache(folder: str, read: CheckArguments) -> str | None:
    """The cache folder the check of the design in ``folder`` uses, if any."""
    from ohw.storage.locations import cache_folder

    return (
        None
        if "--no-cache" in read.flags
        else read.values.get("--cache-dir") or cache_folder(folder)
    )


def _cache_used(folder: str, read: CheckArguments) -> bool:
    """Whether a check kept results in the cache before: its index of files is there."""
    from ohw.storage.locations import STAT_INDEX

    cache = _cache(folder, read)
    return cache is not None and os.path.exists(os.path.join(cache, STAT_INDEX))


def _unseen_of(
    designs: list[tuple[str, list[_Mesh]]], read: CheckArguments
) -> list[MeshSource] | None:
    """The meshes of ``designs`` the cache does not know; None where it cannot be
    asked (the check says what is wrong, if anything is)."""
    try:
        return [source for design in designs for source in _unseen(*design, read)]
    except OSError:
        return None


def _unseen(folder: str, meshes: list[_Mesh], read: CheckArguments) -> list[MeshSource]:
    """Of the design's ``meshes``, those the cache the check uses never hashed,
    unless git's index holds their content and a result for it is kept."""
    from pathlib import Path

    from ohw.mesh.source import MeshSource
    from ohw.mesh.topology import ANALYSER_VERSION
    from ohw.storage.cache import FileIds, ResultCache
    from ohw.storage.git_index import indexed_blob_ids

    sources = [MeshSource(name, path=Path(path)) for name, path, _ in meshes]
    folder_of_cache = _cache(folder, read)
    if folder_of_cache is None or not sources:
        return sources
    cache = Path(folder_of_cache)
    seen = FileIds(cache)
    unseen = [s for s in sources if s.path is not None and not seen.seen(s.path)]
    results = ResultCache(cache, "mesh", ANALYSER_VERSION)
    indexed = indexed_blob_ids(str(source.path) for source in unseen)
    return [s for s in unseen if not results.holds(indexed.get(str(s.path), ""))]
