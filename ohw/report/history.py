"""`ohw log` and `ohw variant list`, for people or programs (JSON:
schemas/log-output.schema.json and schemas/variant-list.schema.json)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import IO, Any

from rich.console import Console

from ohw import __version__
from ohw.history.log import LogEntry, Variants
from ohw.report.diff import changes_json, summary, summary_lines
from ohw.report.reporters import JsonReporter, Reporter
from ohw.report.styled import markup
from ohw.storage.vcs.history import CommitInfo

FORMAT_VERSION = 1
_INDENT = 4
_WIDTH = 96


def _date(commit: CommitInfo) -> datetime:
    return datetime.fromtimestamp(commit.time, timezone(timedelta(minutes=commit.offset)))


class LogJson(JsonReporter[Iterable[LogEntry]]):
    def document(self, result: Iterable[LogEntry]) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "tool": {"name": "ohw", "version": __version__},
            "commits": [_entry_json(entry) for entry in result],
        }


class LogText(Reporter[Iterable[LogEntry]]):
    """Each commit as it comes, so that a long log starts at once."""

    def write(self, result: Iterable[LogEntry], stream: IO[str]) -> None:
        console = Console(file=stream, highlight=False, soft_wrap=True)
        for entry in result:
            _entry_text(entry, console)


def _entry_text(entry: LogEntry, console: Console) -> None:
    commit = entry.commit
    merge = "  [dim](merge: against its first parent)[/dim]" if len(commit.parents) > 1 else ""
    console.print(
        f"[yellow]{commit.id[:7]}[/yellow]  {_date(commit):%Y-%m-%d}  "
        f"{markup(commit.author)}  [bold]{markup(commit.subject)}[/bold]{merge}"
    )
    phrases = summary(entry.changes)
    if not phrases:
        phrases = ["no design changes"]
    style = "dim" if entry.changes.empty else ""
    for line in summary_lines(phrases, _WIDTH - _INDENT):
        console.print(" " * _INDENT + markup(line), style=style)


def _entry_json(entry: LogEntry) -> dict[str, Any]:
    commit = entry.commit
    return {
        "id": commit.id,
        "parents": list(commit.parents),
        "author": {"name": commit.author, "email": commit.email},
        "date": _date(commit).isoformat(),
        "subject": commit.subject,
        "summary": summary(entry.changes),
        "changes": changes_json(entry.changes),
    }


class VariantsJson(JsonReporter[Variants]):
    def document(self, result: Variants) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "tool": {"name": "ohw", "version": __version__},
            "default": result.default,
            "variants": [
                {
                    "name": v.name,
                    "commit": v.commit,
                    "current": v.current,
                    "default": v.changes is None,
                    "summary": summary(v.changes) if v.changes else [],
                    "changes": changes_json(v.changes) if v.changes else None,
                }
                for v in result.variants
            ],
        }


class VariantsText(Reporter[Variants]):
    def write(self, result: Variants, stream: IO[str]) -> None:
        console = Console(file=stream, highlight=False, soft_wrap=True)
        width = max(len(v.name) for v in result.variants)
        for variant in result.variants:
            mark = "[green]*[/green]" if variant.current else " "
            name = markup(variant.name.ljust(width))
            if variant.changes is None:
                console.print(f"{mark} {name}  {variant.commit[:7]}  (default branch)")
                continue
            phrases = summary(variant.changes) or [f"the same design as {result.default}"]
            lines = summary_lines(phrases, _WIDTH - width - 12)
            console.print(f"{mark} {name}  {variant.commit[:7]}  {markup(lines[0])}")
            for line in lines[1:]:
                console.print(" " * (width + 12) + markup(line))
