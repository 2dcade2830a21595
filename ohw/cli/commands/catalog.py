"""`ohw catalog`: add, sync, search, list and show the designs of a Fab Lab's library."""

from __future__ import annotations

import sys
from pathlib import Path

from ohw.catalog.library import (
    SEARCH_SHOWN,
    Catalog,
    SearchFilters,
    add_designs,
    list_designs,
    read_url_list,
    search,
    show_design,
    sync,
)
from ohw.cli.progress import step_bar
from ohw.errors import OhwError
from ohw.fab.printers import printer_named
from ohw.report.catalog import Listing, render_added
from ohw.report.reporters import write_report


def add(catalog: Catalog, urls: list[str], from_file: str | None) -> int:
    from ohw.storage.vcs.repository import identity_or_error

    if from_file is not None:
        try:
            text = sys.stdin.read() if from_file == "-" else Path(from_file).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise OhwError(f"cannot read {from_file}: {error}") from None
        urls = [*urls, *read_url_list(text)]
    if not urls:
        raise OhwError("no URL to add", "give URLs, or --from FILE with one URL a line")
    added, known = add_designs(catalog, urls, identity_or_error(catalog.folder.parent))
    render_added(catalog, added, known, sys.stdout)
    return 0


def sync_command(catalog: Catalog, jobs: int, output_format: str) -> int:
    """1 when some designs could not be fetched or read; the others are synced."""
    with step_bar("syncing") as progress:
        report = sync(catalog, jobs, progress)
    write_report("catalog-sync", output_format, report, sys.stdout)
    return 1 if report.failures else 0


def search_command(
    catalog: Catalog,
    query: str,
    filters: dict[str, str | None],
    limit: int | None,
    output_format: str,
) -> int:
    fits = filters.get("fits")
    shown = SEARCH_SHOWN if limit is None else limit or None  # 0: every one
    found = search(
        catalog,
        query,
        SearchFilters(
            license=filters.get("license"),
            material=filters.get("material"),
            process=filters.get("process"),
            fits=printer_named(fits) if fits else None,
        ),
        None if shown is None else shown + 1,  # one more says whether there are more
    )
    more = shown is not None and len(found) > shown
    listing = Listing(catalog, found[:shown], more=more)
    write_report("catalog", output_format, listing, sys.stdout)
    return 0


def list_command(catalog: Catalog, output_format: str) -> int:
    write_report("catalog", output_format, Listing(catalog, list_designs(catalog)), sys.stdout)
    return 0


def site(catalog: Catalog, out: str, force: bool, output_format: str) -> int:
    from ohw.catalog.site import build_site

    catalog.require()
    with step_bar("writing the site") as progress:
        written = build_site(catalog, Path(out), force=force, progress=progress)
    write_report("catalog-site", output_format, written, sys.stdout)
    return 0


def serve(catalog: Catalog, out: str | None, bind: str, port: int) -> int:
    """Write the site (to ``out``, else inside the catalog), then serve it
    until Ctrl-C."""
    from ohw.catalog.serve import serve_site
    from ohw.catalog.site import build_site

    catalog.require()
    folder = Path(out) if out is not None else catalog.data / "site"
    with step_bar("writing the site") as progress:
        written = build_site(catalog, folder, force=out is None, progress=progress)
    write_report("catalog-site", "text", written, sys.stderr)

    def ready(address: str) -> None:
        print(f"Serving the catalog at {address} (Ctrl-C to stop)", flush=True)

    serve_site(folder, bind, port, ready)
    return 0


def show(catalog: Catalog, name: str, output_format: str) -> int:
    listing = Listing(catalog, show_design(catalog, name), detailed=True)
    write_report("catalog", output_format, listing, sys.stdout)
    return 0
