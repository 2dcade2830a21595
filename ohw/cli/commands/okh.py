"""`ohw import okh` and `ohw export okh`: Open Know-How manifests in and out."""

from __future__ import annotations

import sys
from pathlib import Path

from ohw.okh.exporting import export_okh
from ohw.okh.importing import import_okh
from ohw.report.reporters import write_report


def import_command(source: str, destination: str | None, output_format: str) -> int:
    """0 when ohw.yaml was written with no error; 1 when the OKH manifest could not be."""
    result = import_okh(source, Path(destination or "."))
    write_report("okh-import", output_format, result, sys.stdout)
    return 0 if result.ok else 1


def export_command(
    folder: str, okh_format: str, output: str | None, force: bool, output_format: str
) -> int:
    """0 when the OKH manifest was made; 1 when the design lacks what it needs."""
    result = export_okh(Path(folder), okh_format, output, force)
    if output == "-" and result.ok:
        sys.stdout.write(result.text)
    write_report("okh-export", output_format, result, sys.stderr if output == "-" else sys.stdout)
    return 0 if result.ok else 1
