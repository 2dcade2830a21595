"""Catalog results for people and for programs (schemas/catalog-output.schema.json
for list, search and show; schemas/catalog-sync.schema.json for sync;
schemas/catalog-site.schema.json for the site)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from rich.console import Console

from ohw.catalog.library import Catalog, CatalogEntry, SyncReport
from ohw.report.reporters import JsonReporter, Reporter
from ohw.report.styled import markup, printable
from ohw.words import plural, size_text

if TYPE_CHECKING:
    # The site's modules load all of ohw.fab: ohw catalog sync and search need none of it.
    from ohw.catalog.site import SiteReport

FORMAT_VERSION = 1


def render_added(catalog: Catalog, added: list[str], known: list[str], stream: IO[str]) -> None:
    for url in added:
        stream.write(f"Added {printable(url)}\n")
    for url in known:
        stream.write(f"Already in the catalog: {printable(url)}\n")
    if added:
        stream.write(
            f"Committed to the catalog in {catalog.folder}; run ohw catalog sync to fetch.\n"
        )


def entry_json(entry: CatalogEntry, *, detailed: bool) -> dict[str, Any]:
    found: dict[str, Any] = {
        "url": entry.url,
        "name": entry.name,
        "title": entry.title,
        "version": entry.version,
        "license": entry.license,
        "keywords": list(entry.keywords),
        "materials": list(entry.materials),
        "processes": list(entry.processes),
        "commit": entry.commit,
        "branch": entry.branch,
        "error": None
        if entry.error is None
        else {"message": entry.error, "hint": entry.hint or ""},
    }
    if detailed:
        found["description"] = entry.description
        found["parts"] = [
            {
                "id": p.id,
                "name": p.name,
                "material": p.material,
                "process": p.process,
                "quantity": p.quantity,
                "size": None if p.size is None else [round(v, 3) for v in p.size],
            }
            for p in entry.parts
        ]
    return found


@dataclass(frozen=True)
class Listing:
    """Designs of a catalog, as `ohw catalog list`, `search` and (``detailed``) `show` give them."""

    catalog: Catalog
    entries: list[CatalogEntry]
    detailed: bool = False
    more: bool | None = None  # of a search: more designs match than are shown


class CatalogJson(JsonReporter[Listing]):
    def document(self, result: Listing) -> dict[str, Any]:
        document: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "catalog": str(result.catalog.folder),
            "designs": [entry_json(e, detailed=result.detailed) for e in result.entries],
        }
        if result.more is not None:
            document["more"] = result.more
        return document


class CatalogText(Reporter[Listing]):
    def write(self, result: Listing, stream: IO[str]) -> None:
        console = Console(file=stream, highlight=False, soft_wrap=True)
        if not result.entries:
            console.print("No design found.")
        for entry in result.entries:
            _entry_text(console, entry, detailed=result.detailed)
        if result.more:
            console.print(
                f"More designs match than the {len(result.entries)} shown: narrow the search, "
                "or give --limit N (0 for every one)."
            )


def _entry_text(console: Console, entry: CatalogEntry, *, detailed: bool) -> None:
    if entry.name is None:
        state = f"[red]{markup(entry.error)}[/red]" if entry.error else "not synced yet"
        console.print(f"[bold]?[/bold]  {markup(entry.url)}  {state}")
        return
    version = f" {entry.version}" if entry.version else ""
    title = f"  {entry.title}" if entry.title else ""
    console.print(f"[bold]{markup(entry.name)}[/bold]{markup(version)}{markup(title)}")
    facts = [entry.url]
    if entry.license.get("hardware"):
        facts.append(entry.license["hardware"])
    if entry.materials:
        facts.append(", ".join(entry.materials))
    if entry.commit:
        facts.append(f"{entry.branch} at {entry.commit[:7]}")
    console.print("    " + markup("  ·  ".join(facts)))
    if entry.error:
        console.print(f"    [red]last sync: {markup(entry.error)}[/red]")
    if detailed:
        if entry.description:
            console.print(f"    {markup(entry.description)}")
        if entry.keywords:
            console.print(f"    keywords: {markup(', '.join(entry.keywords))}")
        for part in entry.parts:
            size = size_text(part.size) if part.size else ""
            console.print(
                "    "
                + markup(
                    f"{part.id:<12} {part.quantity:>3} × {part.material or '-':<8} "
                    f"{part.process or '':<12} {size}"
                )
            )


class SyncJson(JsonReporter[SyncReport]):
    def document(self, result: SyncReport) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "fetched": list(result.fetched),
            "unchanged": list(result.unchanged),
            "removed": list(result.removed),
            "errors": [
                {"url": f.url, "message": f.message, "hint": f.hint} for f in result.failures
            ],
        }


class SyncText(Reporter[SyncReport]):
    def write(self, result: SyncReport, stream: IO[str]) -> None:
        _sync_text(result, Console(file=stream, highlight=False, soft_wrap=True))


def _sync_text(report: SyncReport, console: Console) -> None:
    total = len(report.fetched) + len(report.unchanged) + len(report.failures)
    console.print(
        f"Synced {plural(total, 'design')}: {len(report.fetched)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.failures)} failed"
        + (f", {len(report.removed)} removed from the index" if report.removed else "")
    )
    if report.failures:
        console.print("[red]Could not sync:[/red]")
        for failure in report.failures:
            console.print(f"  {markup(failure.url)}: {markup(failure.message)}")
            if failure.hint:
                console.print(f"    hint: {markup(failure.hint)}")


class SiteJson(JsonReporter["SiteReport"]):
    def document(self, result: SiteReport) -> dict[str, Any]:
        return {
            "format_version": 1,
            "out": result.out,
            "designs": result.designs,
            "kits": result.kits,
            "without_kit": [{"design": d, "reason": r} for d, r in result.without_kit],
            "not_indexed": list(result.not_indexed),
        }


class SiteText(Reporter["SiteReport"]):
    def write(self, result: SiteReport, stream: IO[str]) -> None:
        stream.write(
            f"Wrote the catalog's site to {printable(result.out)}: "
            f"{plural(result.designs, 'design')}, {plural(result.kits, 'build kit')}; "
            f"open {printable(result.out)}/index.html in a browser\n"
        )
        for design, reason in result.without_kit:
            stream.write(f"  {printable(design)}: no kit: {printable(reason)}\n")
        if result.not_indexed:
            stream.write(
                f"  {plural(len(result.not_indexed), 'URL')} never synced, not on the site "
                "(run ohw catalog sync)\n"
            )
