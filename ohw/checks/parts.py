"""OHW120: every part has its own id; OHW121-122: its choices hold together."""

from __future__ import annotations

from collections.abc import Iterator

from ohw.checks.context import CheckContext
from ohw.design.choices import choice_problems
from ohw.design.findings import Finding, finding
from ohw.design.paths import MANIFEST


def check_parts(context: CheckContext) -> Iterator[Finding]:
    assert context.design.manifest is not None
    first_at: dict[str, int] = {}
    for part in context.design.manifest.parts:
        at = context.design.at_manifest((*part.at, "id"))
        if part.id in first_at:
            yield finding(
                "OHW120",
                MANIFEST,
                f"the part id {part.id!r} is used twice (first at line {first_at[part.id]})",
                at,
            )
        else:
            first_at[part.id] = at.line if at else 0
    for problem in choice_problems(context.design.manifest.data):
        at = context.design.at_manifest(problem.at)
        yield finding(problem.rule, MANIFEST, problem.message, at)
