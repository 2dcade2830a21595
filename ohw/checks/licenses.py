"""OHW5xx: licences are valid SPDX expressions, the hardware has one, and the
design's licence allows what it includes of others' work (see ohw.lineage.compatibility)."""

from __future__ import annotations

from collections.abc import Iterator

from ohw.checks.context import CheckContext
from ohw.design.findings import Finding, finding
from ohw.design.licenses import LicenseProblem, check_expression
from ohw.design.manifest import Manifest
from ohw.design.paths import MANIFEST
from ohw.lineage.compatibility import requirement, shown
from ohw.storage.yaml.document import Location


def check_licenses(context: CheckContext) -> Iterator[Finding]:
    manifest = context.design.manifest
    assert manifest is not None
    if manifest.license.hardware is None:
        yield finding(
            "OHW502",
            MANIFEST,
            "the design has no hardware licence, so nobody may legally build or share it",
            context.design.at_manifest_key(("license",)),
        )
    for licenses in manifest.all_licenses():
        for path, expression in licenses.expressions():
            for problem in check_expression(expression):
                yield _finding(problem, context.design.at_manifest(path))
    yield from _check_inherited(context, manifest)


def _valid(expression: str | None) -> bool:
    return expression is not None and all(p.deprecated for p in check_expression(expression))


def _check_inherited(context: CheckContext, manifest: Manifest) -> Iterator[Finding]:
    """Every remixed part's (and a fork's) hardware licence against the design's."""
    design = manifest.license.hardware
    for what, licenses in manifest.inherited_licenses():
        if not _valid(licenses.hardware):
            continue  # a missing or invalid licence is reported above
        assert licenses.hardware is not None
        needed = requirement(licenses.hardware)
        at = context.design.at_manifest((*licenses.at, "hardware"))
        if needed.refused is not None:
            yield finding("OHW504", MANIFEST, f"{what} cannot be remixed: {needed.refused}", at)
        elif design is not None and _valid(design) and not needed.allowed(design):
            yield finding(
                "OHW505",
                MANIFEST,
                f"{what} is licensed {licenses.hardware} ({needed.describe()}), "
                f"so the design may carry {shown(needed.allows)}, not {design}",
                at,
                f"license the design's hardware under {shown(needed.allows)}, or remove the part",
            )


def _finding(problem: LicenseProblem, at: Location | None) -> Finding:
    rule = "OHW503" if problem.deprecated else "OHW501"
    return finding(rule, MANIFEST, problem.message, at, problem.hint)
