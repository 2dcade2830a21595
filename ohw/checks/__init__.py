"""Checking a design: read its inputs once, run every check that can run, report.

Each check is a function from the design's ``Inputs`` to findings. A check that
needs something unreadable (a manifest that breaks its schema, say) is skipped,
and the report says so, rather than guessing at the data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ohw.checks.inputs import Inputs, read_inputs
from ohw.findings import Finding, Severity
from ohw.tree import DesignTree


@dataclass(frozen=True)
class Skipped:
    check: str
    reason: str


@dataclass
class DesignReport:
    """The result of checking one design."""

    path: str  # as the user gave it
    tree: DesignTree
    name: str | None
    findings: list[Finding]
    skipped: list[Skipped] = field(default_factory=list)
    files_checked: int = 0

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def ok(self) -> bool:
        return self.count(Severity.ERROR) == 0


Check = Callable[[Inputs], Iterable[Finding]]


def _checks() -> list[tuple[str, bool, Check]]:
    """Name, whether it needs a readable BOM, and the check itself."""
    from ohw.checks import bom, instructions, licenses, meshes, parts, paths

    return [
        ("parts", False, parts.check_parts),
        ("paths", False, paths.check_paths),
        ("meshes", False, meshes.check_meshes),
        ("bom", True, bom.check_bom),
        ("licenses", False, licenses.check_licenses),
        ("instructions", False, instructions.check_instructions),
    ]


def check_design(tree: DesignTree, path: str) -> DesignReport:
    """Run every check on the design in ``tree``."""
    inputs = read_inputs(tree)
    report = DesignReport(
        path, tree, inputs.manifest.name if inputs.manifest else None, list(inputs.findings)
    )
    for name, needs_bom, check in _checks():
        if inputs.manifest is None:
            report.skipped.append(Skipped(name, inputs.manifest_unreadable))
        elif needs_bom and inputs.bom is None:
            report.skipped.append(Skipped(name, inputs.bom_unreadable))
        else:
            report.findings.extend(check(inputs))
    if inputs.manifest is not None and inputs.bom is None:
        report.skipped.append(Skipped("instructions: BOM references", inputs.bom_unreadable))
    report.findings.sort(key=lambda f: f.sort_key)
    report.files_checked = len(inputs.files_read)
    return report
