"""`ohw fab`: a build kit for one commit, with a progress bar on a terminal."""

from __future__ import annotations

import sys
from pathlib import Path

from ohw.cli.commands.bom import warn_about_bom
from ohw.cli.progress import step_bar
from ohw.design.choices import parse_choices
from ohw.design.reader import open_design, read_design
from ohw.errors import OhwError
from ohw.fab.build import build_kit, write_kit
from ohw.fab.printers import Printer, bed_printer, printer_named
from ohw.report.fab import KitReport
from ohw.report.reporters import write_report
from ohw.storage.cache import cache_directory


def fab(
    out: str,
    *,
    revision: str,
    units: int,
    printer_name: str | None,
    bed: str | None,
    force: bool,
    choices: list[str],
    output_format: str,
) -> int:
    """1 when a printed part does not fit the printer (or, with none given, any
    printer ohw knows); the kit is written all the same."""
    if printer_name is not None and bed is not None:
        raise OhwError("give --printer or --bed, not both")
    printer: Printer | None = printer_named(printer_name) if printer_name else None
    if bed is not None:
        printer = bed_printer(bed)
    chosen = parse_choices(choices)
    tree = open_design(Path(), revision)
    with step_bar("reading the design") as progress:
        cache = cache_directory(tree.location)
        kit = build_kit(tree, units, printer, cache, progress, chosen=chosen)
        write_kit(kit, Path(out), force=force, progress=progress)
    write_report("kit", output_format, KitReport(kit, out), sys.stdout)
    warn_about_bom(read_design(tree).problems)
    return 1 if any(part.too_big for part in kit.parts) else 0
