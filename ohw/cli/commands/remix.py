"""`ohw remix` and `ohw credits`."""

from __future__ import annotations

import sys
from pathlib import Path

from ohw.cli.commands.remotes import transfer
from ohw.design.paths import design_folder
from ohw.lineage.credits import collect_credits, save_attribution
from ohw.lineage.remix import RemixRequest, remix_parts
from ohw.report.credits import CreditsReport, attribution_markdown
from ohw.report.reporters import write_report
from ohw.storage.vcs.repository import identity_or_error


def remix(source: str, request: RemixRequest, output_format: str) -> int:
    author = identity_or_error(Path())
    with transfer(f"fetching {source}") as progress:
        made = remix_parts(design_folder(), source, request, author=author, progress=progress)
    write_report("remix", output_format, made, sys.stdout)
    return 0


def credits(write: bool, output_format: str) -> int:
    folder = design_folder()
    found = collect_credits(folder)
    written = save_attribution(folder, attribution_markdown(found)) if write else None
    write_report("credits", output_format, CreditsReport(found, written), sys.stdout)
    return 0
