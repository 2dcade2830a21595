"""`ohw bom`: the rolled-up bill of materials for N units."""

from __future__ import annotations

import sys
from pathlib import Path

from ohw.design.choices import parse_choices
from ohw.design.reader import open_design
from ohw.fab.rollup import design_bom
from ohw.report.reporters import write_report
from ohw.storage.cache import cache_directory


def bom(
    revision: str | None, units: int, infill: float, choices: list[str], output_format: str
) -> int:
    chosen = parse_choices(choices)
    tree = open_design(Path(), revision)
    rolled = design_bom(tree, units, infill, cache_directory(tree.location), chosen=chosen)
    write_report("bom", output_format, rolled, sys.stdout)
    return 0
