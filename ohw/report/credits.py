"""Credits for people (text), for programs (JSON, schemas/credits.schema.json), and
as the Markdown of ATTRIBUTION.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from rich.console import Console

from ohw.lineage.credits import GENERATED, Credits, Upstream
from ohw.report.reporters import JsonReporter, Reporter
from ohw.report.styled import markup

FORMAT_VERSION = 1


def credits_json(credits: Credits, written: bool | None) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "design": credits.design,
        "title": credits.title,
        "license": credits.license,
        "authors": list(credits.authors),
        "upstream": [
            {
                **u.attribution(),
                "via": u.via,
                "depth": u.depth,
                "followed": u.followed,
                "unfollowed": u.unfollowed or None,
            }
            for u in credits.upstream
        ],
        "attribution": None if written is None else {"path": "ATTRIBUTION.md", "changed": written},
    }


def _licenses(license: dict[str, str]) -> str:
    return ", ".join(f"{kind} {expression}" for kind, expression in license.items()) or "none given"


def _people(authors: tuple[dict[str, str], ...]) -> str:
    return (
        ", ".join(a["name"] + (f" <{a['email']}>" if a.get("email") else "") for a in authors)
        or "not recorded"
    )


def _relation(upstream: Upstream) -> str:
    words = []
    for relation in upstream.relations:
        taken = f" of {', '.join(upstream.parts)}" if relation == "remix" and upstream.parts else ""
        words.append(f"{relation}{taken}")
    return "; ".join(words)


def _name(design: str, title: str | None) -> str:
    return f"{title} ({design})" if title else design


@dataclass(frozen=True)
class CreditsReport:
    """What `ohw credits` shows: the credits, and with --write whether
    ATTRIBUTION.md changed (None without --write)."""

    credits: Credits
    written: bool | None = None


class CreditsJson(JsonReporter[CreditsReport]):
    def document(self, result: CreditsReport) -> dict[str, Any]:
        return credits_json(result.credits, result.written)


class CreditsText(Reporter[CreditsReport]):
    def write(self, result: CreditsReport, stream: IO[str]) -> None:
        _text(result.credits, result.written, Console(file=stream, highlight=False, soft_wrap=True))


def _text(credits: Credits, written: bool | None, console: Console) -> None:
    count = len(credits.upstream)
    console.print(
        f"[bold]{markup(_name(credits.design, credits.title))}[/bold] builds on "
        + (f"{count} design{'s' if count != 1 else ''}:" if count else "no other design.")
    )
    for upstream in credits.upstream:
        via = "" if upstream.depth == 1 else f", through {markup(upstream.via)}"
        console.print(
            f"  [bold]{markup(_name(upstream.design, upstream.title))}[/bold]: "
            f"{markup(_relation(upstream))}{via}"
        )
        console.print(f"    {markup(upstream.url)} at {upstream.commit}")
        console.print(f"    licence: {markup(_licenses(upstream.license))}")
        console.print(f"    authors: {markup(_people(upstream.authors))}")
        if not upstream.followed:
            console.print(f"    [yellow]not followed:[/yellow] {markup(upstream.unfollowed)}")
    if written is not None:
        console.print("Wrote ATTRIBUTION.md" if written else "ATTRIBUTION.md is up to date")


def attribution_markdown(credits: Credits) -> str:
    """ATTRIBUTION.md: the same for every run on the same design, so writing it
    again changes nothing."""
    lines = [
        GENERATED,
        "",
        "# Attribution",
        "",
        f"**{_name(credits.design, credits.title)}**, licensed "
        f"{_licenses(credits.license)}, by {_people(credits.authors)}"
        + (", builds on these designs." if credits.upstream else ", builds on no other design."),
    ]
    for upstream in credits.upstream:
        lines += [
            "",
            f"## {_name(upstream.design, upstream.title)}",
            "",
            f"- {_relation(upstream).capitalize()}"
            + ("" if upstream.depth == 1 else f", through {upstream.via}"),
            f"- Source: {upstream.url} at commit `{upstream.commit}`",
            f"- Licence: {_licenses(upstream.license)}",
            f"- Authors: {_people(upstream.authors)}",
        ]
        if not upstream.followed:
            lines.append(f"- Its own lineage was not followed: {upstream.unfollowed}")
    return "\n".join(lines) + "\n"
