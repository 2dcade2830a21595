"""OHW3xx: every mesh a part names is analysed; what would spoil a print is reported."""

from __future__ import annotations

from collections.abc import Iterator

from ohw.cache import cache_directory
from ohw.checks.inputs import Inputs
from ohw.findings import Finding, finding
from ohw.mesh.batch import analyse_sources, design_sources
from ohw.paths import is_mesh, normalize, path_problem
from ohw.tree import Kind


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
        }
    )
    sources = design_sources(tree, names)
    for result in analyse_sources(sources, cache_directory(tree.location)):
        inputs.files_read.add(result.name)
        if result.verdict is None:
            yield finding("OHW301", result.name, f"cannot be read as a mesh: {result.error}")
            continue
        for problem in result.verdict.problems:
            yield finding(problem.rule, result.name, problem.message, hint=problem.hint)
