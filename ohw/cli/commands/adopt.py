"""`ohw adopt`: an existing repository's ohw.yaml, written from its files as they are."""

from __future__ import annotations

import sys
from pathlib import Path

from ohw.adopt.adopting import adopt
from ohw.report.reporters import write_report


def adopt_command(folder: str, *, dry_run: bool, commit: bool, output_format: str) -> int:
    """0 when ohw.yaml was written (or shown); the core raises OhwError for the rest."""
    result = adopt(Path(folder), dry_run=dry_run, commit=commit)
    write_report("adopt", output_format, result, sys.stdout)
    return 0
