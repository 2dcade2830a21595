"""`ohw bom`: the rolled-up bill of materials for N units."""

from __future__ import annotations

import sys
from pathlib import Path

from ohw.design.reader import open_design
from ohw.fab.rollup import design_bom
from ohw.report.reporters import write_report
from ohw.storage.cache import cache_directory


def bom(revision: str | None, units: int, infill: float, output_format: str) -> int:
    tree = open_design(Path(), revision)
    rolled = design_bom(tree, units, infill, cache_directory(tree.location))
    write_report("bom", output_format, rolled, sys.stdout)
    return 0
