"""OHW3xx: every mesh a part names is analysed; what would spoil a print is
reported, and an ASCII STL with the bytes binary STL would save. A mesh kept
in Git LFS whose object is not here is OHW212."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ohw.checks.context import CheckContext
from ohw.design.findings import Finding, finding
from ohw.design.manifest import part_files
from ohw.design.paths import is_mesh, normalize, path_problem
from ohw.mesh.batch import MeshAnalyses, MeshWorkers, analyse_sources, design_sources
from ohw.mesh.stl import HEADER, RECORD
from ohw.storage.cache import cache_directory
from ohw.storage.tree import DesignTree, Kind
from ohw.storage.yaml.document import Document

if TYPE_CHECKING:
    from ohw.checks.context import CheckOptions
    from ohw.design.settings import CheckSettings

ASCII_STL = "ASCII STL"  # the format the STL reader gives an ASCII file


def begin_analyses(
    tree: DesignTree,
    manifest: Document,
    settings: CheckSettings,
    options: CheckOptions,
    workers: MeshWorkers | None = None,
) -> MeshAnalyses:
    """The analyses of the meshes the manifest's parts name, begun before the
    manifest is validated: the meshes are analysed while the rest is checked.
    Read from the manifest as written, these are the meshes ``check_meshes``
    will want if the manifest is valid."""
    data = manifest.data
    parts = data.get("parts") if isinstance(data, dict) else None
    written = [
        path
        for part in (parts if isinstance(parts, list) else [])
        if isinstance(part, dict)
        for path in part_files(part)
    ]
    sources = design_sources(tree, mesh_names(tree, written, lambda p: not settings.ignores(p)))
    return MeshAnalyses(sources, _cache(tree, options.cache_dir, options.use_cache), workers)


def mesh_names(
    tree: DesignTree, written: Iterable[str], keep: Callable[[str], bool] = lambda _: True
) -> list[str]:
    """The design paths of the meshes among the files ``written`` (as the
    manifest writes them) that are files of ``tree`` and that ``keep`` keeps."""
    return sorted(
        {
            entry.path
            for path in written
            if is_mesh(path) and path_problem(path) is None
            for entry in [tree.resolve(normalize(path))]
            if entry.kind is Kind.FILE and keep(entry.path)
        }
    )


def check_meshes(context: CheckContext) -> Iterator[Finding]:
    assert context.design.manifest is not None
    tree = context.design.tree
    names = mesh_names(
        tree,
        context.design.manifest.part_files(),
        lambda path: (
            not context.settings.ignores(path)
            and (context.scope is None or path in context.scope.files)
        ),
    )
    begun = context.mesh_analyses
    if begun is not None and set(names) <= {source.name for source in begun.sources}:
        by_name = {result.name: result for result in begun.results()}
        results = [by_name[name] for name in names]
    else:
        cache = _cache(tree, context.options.cache_dir, context.options.use_cache)
        results = analyse_sources(design_sources(tree, names), cache)
    for result in results:
        context.examine(result.name)
        if result.absent:
            yield finding("OHW212", result.name, result.error or "")
            continue
        if result.verdict is None:
            yield finding("OHW301", result.name, f"cannot be read as a mesh: {result.error}")
            continue
        for problem in result.verdict.problems:
            yield finding(problem.rule, result.name, problem.message, hint=problem.hint)
        if result.report is not None and result.report.format == ASCII_STL:
            found = _ascii_stl(result.name, result.report.facets, tree.content_size(result.name))
            if found:
                yield found


def _cache(tree: DesignTree, cache_dir: Path | None, use_cache: bool) -> Path | None:
    """Where mesh results are kept for this check: None to analyse every mesh."""
    if not use_cache:
        return None
    return cache_dir if cache_dir is not None else cache_directory(tree.location)


def _ascii_stl(name: str, facets: int, size: int) -> Finding | None:
    """The warning for an ASCII STL, if binary STL would be smaller: a binary
    STL is an 80-byte header, a 4-byte facet count, and 50 bytes per facet."""
    binary = HEADER + RECORD * facets
    if size <= binary:
        return None
    saved = size - binary
    return finding(
        "OHW309",
        name,
        f"ASCII STL of {size:,} bytes; as binary STL its {facets:,} facets take "
        f"{HEADER} + {RECORD} × {facets:,} = {binary:,} bytes, "
        f"{saved:,} bytes ({saved / size:.0%}) less",
    )
