"""OHW5xx: licences are valid SPDX expressions, and the hardware has one."""

from __future__ import annotations

from collections.abc import Iterator

from ohw.checks.inputs import Inputs
from ohw.findings import Finding, finding
from ohw.licenses import LicenseProblem, check_expression
from ohw.tree import MANIFEST
from ohw.yamlio import Location


def check_licenses(inputs: Inputs) -> Iterator[Finding]:
    manifest = inputs.manifest
    assert manifest is not None
    if manifest.license.hardware is None:
        yield finding(
            "OHW502",
            MANIFEST,
            "the design has no hardware licence, so nobody may legally build or share it",
            inputs.at_manifest_key(("license",)),
        )
    for licenses in manifest.all_licenses():
        for path, expression in licenses.expressions():
            for problem in check_expression(expression):
                yield _finding(problem, inputs.at_manifest(path))


def _finding(problem: LicenseProblem, at: Location | None) -> Finding:
    rule = "OHW503" if problem.deprecated else "OHW501"
    return finding(rule, MANIFEST, problem.message, at, problem.hint)
