"""OHW2xx: every file the manifest names is in the design, and every mesh is a
part or said to be unused."""

from __future__ import annotations

from collections.abc import Iterator

from ohw.checks.context import CheckContext
from ohw.design.findings import Finding, finding
from ohw.design.paths import MANIFEST, is_mesh, normalize, path_problem
from ohw.storage.tree import NOT_A_FILE, Entry, Kind
from ohw.storage.yaml.document import Location


def check_paths(context: CheckContext) -> Iterator[Finding]:
    assert context.design.manifest is not None
    referenced: set[str] = set()
    for reference in context.design.manifest.file_references():
        at = context.design.at_manifest(reference.at)
        problem = path_problem(reference.path)
        if problem:
            yield finding("OHW202", MANIFEST, f"the path {reference.path!r} {problem}", at)
            continue
        entry = context.design.tree.resolve(normalize(reference.path))
        found = entry_finding(
            entry, reference.path, MANIFEST, at, folder_allowed=reference.folder_allowed
        )
        if found:
            yield found
        elif entry.kind is Kind.FILE:
            referenced.add(entry.path)
            context.examine(entry.path)
    yield from _unreferenced_meshes(context, referenced)


def entry_finding(
    entry: Entry,
    written: str,
    file: str,
    at: Location | None,
    *,
    folder_allowed: bool,
    missing_rule: str = "OHW201",
) -> Finding | None:
    """The finding for a path that does not lead to what it should, if any."""
    if entry.kind is Kind.MISSING and entry.detail == NOT_A_FILE:
        return finding(missing_rule, file, f"{written} is {NOT_A_FILE}", at)
    if entry.kind is Kind.MISSING:
        why = f" ({entry.detail})" if entry.detail else ""
        return finding(missing_rule, file, f"{written} does not exist in the design{why}", at)
    if entry.kind is Kind.OUTSIDE:
        return finding(
            "OHW203",
            file,
            f"{written} leads through the symbolic link {entry.path} to {entry.detail}, "
            "outside the design",
            at,
        )
    if entry.kind is Kind.SUBMODULE:
        return finding("OHW204", file, f"{written} leads into the submodule {entry.path}", at)
    if entry.kind is Kind.FOLDER and not folder_allowed:
        return finding("OHW206", file, f"{written} is a folder, not a file", at)
    return None


def _unreferenced_meshes(context: CheckContext, referenced: set[str]) -> Iterator[Finding]:
    assert context.design.manifest is not None
    unused_by_design = context.design.manifest.unused
    meshes = [p for p in context.design.tree.files if is_mesh(p) and not unused_by_design(p)]
    unused = [path for path in meshes if path not in referenced]
    for path in sorted(set(unused) - context.design.tree.ignored(unused)):
        yield finding("OHW205", path, f"{path} is a mesh that no part names")
