"""`ohw remix` and `ohw credits`."""

from __future__ import annotations

import sys
from pathlib import Path

from ohw.cli.commands.remotes import transfer
from ohw.lineage.credits import collect_credits, save_attribution
from ohw.lineage.remix import RemixRequest, remix_parts
from ohw.report.credits import attribution_markdown, render_credits
from ohw.report.remix import render_remix
from ohw.storage.vcs.repository import identity_or_error


def remix(source: str, request: RemixRequest, output_format: str) -> int:
    author = identity_or_error(Path())
    with transfer(f"fetching {source}") as progress:
        made = remix_parts(Path(), source, request, author=author, progress=progress)
    render_remix(made, output_format, sys.stdout)
    return 0


def credits(write: bool, output_format: str) -> int:
    folder = Path()
    found = collect_credits(folder)
    written = save_attribution(folder, attribution_markdown(found)) if write else None
    render_credits(found, output_format, sys.stdout, written)
    return 0
