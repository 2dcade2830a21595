from __future__ import annotations

import sys
from pathlib import Path

from ohw.checks import check_design
from ohw.render.check import REPORTERS
from ohw.tree import open_design


def check(paths: list[str], revision: str | None, output_format: str) -> int:
    """Check each design; 0 if none has an error-level finding, else 1."""
    # Open every design first: a wrong path is a usage error before any output.
    trees = [(path, open_design(Path(path), revision)) for path in paths]
    reports = [check_design(tree, path) for path, tree in trees]
    REPORTERS[output_format]().render(reports, sys.stdout)
    return 0 if all(report.ok for report in reports) else 1
