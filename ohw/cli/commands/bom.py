"""`ohw bom`: the rolled-up bill of materials for N units; `ohw bom import`: a
BOM table converted into bom.yaml."""

from __future__ import annotations

import sys
from pathlib import Path

from ohw.design.bom.importing import import_bom
from ohw.design.choices import parse_choices
from ohw.design.findings import Finding, Severity
from ohw.design.reader import open_design, read_design
from ohw.fab.rollup import design_bom
from ohw.report.reporters import write_report
from ohw.report.styled import printable
from ohw.storage.cache import cache_directory


def bom(
    revision: str | None, units: int, infill: float, choices: list[str], output_format: str
) -> int:
    chosen = parse_choices(choices)
    tree = open_design(Path(), revision)
    rolled = design_bom(tree, units, infill, cache_directory(tree.location), chosen=chosen)
    write_report("bom", output_format, rolled, sys.stdout)
    warn_about_bom(read_design(tree).problems)
    return 0


def import_command(source: str, out: str, force: bool, output_format: str) -> int:
    """0 when bom.yaml was written; 1 when FILE cannot be read as a BOM."""
    result = import_bom(Path(source), Path(out), force=force)
    write_report("bom-import", output_format, result, sys.stdout)
    return 0 if result.written else 1


def warn_about_bom(problems: list[Finding]) -> None:
    """The rows of a BOM table left out of the roll-up, on standard error: the
    roll-up is short of them."""
    for found in problems:
        if found.rule in ("OHW411", "OHW414") and found.severity is not Severity.NOTE:
            where = f"{found.file}:{found.line}" if found.line else found.file
            said = printable(f"{where}: {found.message}")
            sys.stderr.write(f"warning: {said} (not in the bill of materials)\n")
