"""What a remix did, for people (text) or programs (JSON, schemas/remix-output.schema.json)."""

from __future__ import annotations

from typing import IO, Any

from rich.console import Console

from ohw.lineage.compatibility import shown
from ohw.lineage.remix import Remix
from ohw.report.reporters import JsonReporter, Reporter
from ohw.report.styled import markup

FORMAT_VERSION = 1


def remix_json(remix: Remix) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "design": remix.design,
        "url": remix.url,
        "commit": remix.commit,
        "recorded": remix.recorded,
        "pin": remix.pin,
        "parts": [
            {"id": p.id, "source_id": p.source_id, "files": list(p.files)} for p in remix.parts
        ],
        "bom": {
            "added": list(remix.bom_added),
            "present": list(remix.bom_present),
            **({"by_hand": list(remix.bom_by_hand)} if remix.bom_by_hand else {}),
        },
        "license": {
            "source": remix.license,
            "design": remix.design_license,
            "relicensed": remix.relicensed,
            "previous": remix.previous_license,
            "may_carry": None if remix.may_carry is None else sorted(remix.may_carry),
        },
    }


class RemixJson(JsonReporter[Remix]):
    def document(self, result: Remix) -> dict[str, Any]:
        return remix_json(result)


class RemixText(Reporter[Remix]):
    def write(self, result: Remix, stream: IO[str]) -> None:
        _text(result, Console(file=stream, highlight=False, soft_wrap=True))


def _text(remix: Remix, console: Console) -> None:
    console.print(
        f"[green]Remixed {len(remix.parts)} part{'s' if len(remix.parts) != 1 else ''}"
        f"[/green] from [bold]{markup(remix.design)}[/bold] at {remix.commit[:7]} "
        f"(commit {remix.recorded[:7]})"
    )
    for part in remix.parts:
        renamed = f" (its {part.source_id})" if part.id != part.source_id else ""
        console.print(f"  {markup(part.id)}{markup(renamed)}: {markup(', '.join(part.files))}")
    if remix.bom_added:
        console.print("BOM items added: " + markup(", ".join(remix.bom_added)))
    if remix.bom_present:
        console.print("BOM items already here, left as they are: " + ", ".join(remix.bom_present))
    if remix.bom_by_hand:
        console.print(
            "[yellow]BOM items to add by hand[/yellow] (ohw does not edit a BOM table): "
            + markup(", ".join(remix.bom_by_hand))
        )
    source = remix.license.get("hardware", "")
    relicensed = (
        f", relicensed from {markup(remix.previous_license or 'none')}" if remix.relicensed else ""
    )
    console.print(
        f"Licence: {markup(remix.design)} is {markup(source)}; this design carries "
        f"{markup(remix.design_license)}{relicensed} and may carry {shown(remix.may_carry)}"
    )
    console.print("`ohw credits` lists everyone this design builds on.")
