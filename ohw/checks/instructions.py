"""OHW6xx: instructions cite parts and BOM items that exist, and link files that do."""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterator

from ohw.checks.context import CheckContext
from ohw.checks.paths import entry_finding
from ohw.design.findings import Finding, finding
from ohw.design.instructions import Link, links
from ohw.design.paths import join, path_problem
from ohw.storage.tree import Kind
from ohw.storage.yaml.document import ReadProblem, decode_utf8


def check_instructions(context: CheckContext) -> Iterator[Finding]:
    design = context.design
    assert design.manifest is not None
    parts = [part.id for part in design.manifest.parts]
    items = [item.id for item in design.bom] if design.bom is not None else None
    for name, entry in design.instruction_entries():
        if entry.kind is not Kind.FILE:  # a link out of the design, a pipe: not read
            problem = entry_finding(entry, name, name, None, folder_allowed=False)
            if problem is not None:
                yield problem
    for path in design.instruction_files():
        try:
            text = decode_utf8(context.read(path), "OHW101")
        except ReadProblem as problem:
            yield finding("OHW604", path, problem.message, problem.at, problem.hint)
            continue
        for link in links(text):
            found = _check_link(context, path, link, parts, items)
            if found:
                yield found


def _check_link(
    context: CheckContext, path: str, link: Link, parts: list[str], items: list[str] | None
) -> Finding | None:
    reference = link.reference()
    if reference is not None:
        kind, ident = reference
        known = parts if kind == "part" else items
        if known is None or ident in known:
            return None
        noun = "part" if kind == "part" else "BOM item"
        close = difflib.get_close_matches(ident, known, n=1)
        if close:
            hint = f"did you mean {kind}:{close[0]}?"
        elif known:
            hint = f"the {noun} ids are: {', '.join(known)}"
        else:
            hint = f"the design has no {noun}s yet"
        return finding(
            "OHW601" if kind == "part" else "OHW602",
            path,
            f"{kind}:{ident} cites no {noun} of this design",
            link.at,
            hint,
        )
    target = link.local_path()
    if target is None:
        return None
    problem = path_problem(target, allow_parent=True)
    resolved = join(posixpath.dirname(path), target) if problem is None else None
    if resolved is None:
        why = problem or "goes up out of the design with '..'"
        return finding("OHW202", path, f"the link {target!r} {why}", link.at)
    return entry_finding(
        context.design.tree.resolve(resolved),
        target,
        path,
        link.at,
        folder_allowed=not link.image,
        missing_rule="OHW603" if link.image else "OHW604",
    )
