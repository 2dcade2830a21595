"""OHW3xx: every mesh a part names is analysed; what would spoil a print is
reported, and an ASCII STL with the bytes binary STL would save."""

from __future__ import annotations

from collections.abc import Iterator

from ohw.cache import cache_directory
from ohw.checks.inputs import Inputs
from ohw.findings import Finding, finding
from ohw.mesh.batch import analyse_sources, design_sources
from ohw.mesh.stl import HEADER, RECORD
from ohw.paths import is_mesh, normalize, path_problem
from ohw.tree import Kind

ASCII_STL = "ASCII STL"  # the format the STL reader gives an ASCII file


def check_meshes(inputs: Inputs) -> Iterator[Finding]:
    assert inputs.manifest is not None
    tree = inputs.tree
    names = sorted(
        {
            entry.path
            for written in inputs.manifest.part_files()
            if is_mesh(written) and path_problem(written) is None
            for entry in [tree.resolve(normalize(written))]
            if entry.kind is Kind.FILE
            and not inputs.settings.ignores(entry.path)
            and (inputs.scope is None or entry.path in inputs.scope.files)
        }
    )
    sources = design_sources(tree, names)
    cache = inputs.cache_dir if inputs.cache_dir is not None else cache_directory(tree.location)
    for result in analyse_sources(sources, cache if inputs.use_cache else None):
        inputs.examine(result.name)
        if result.verdict is None:
            yield finding("OHW301", result.name, f"cannot be read as a mesh: {result.error}")
            continue
        for problem in result.verdict.problems:
            yield finding(problem.rule, result.name, problem.message, hint=problem.hint)
        if result.report is not None and result.report.format == ASCII_STL:
            found = _ascii_stl(result.name, result.report.facets, tree.size(result.name))
            if found:
                yield found


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
        f"{HEADER} + {RECORD} x {facets:,} = {binary:,} bytes, "
        f"{saved:,} bytes ({saved / size:.0%}) less",
    )
