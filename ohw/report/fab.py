"""What `ohw fab` says about the kit it wrote: where, for whom, and how each
printed part fits the printer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from rich.console import Console

from ohw.fab.kit import Kit, KitPart
from ohw.fab.printers import PRINTERS, Printer, oriented_size
from ohw.report.reporters import JsonReporter, Reporter
from ohw.report.styled import markup
from ohw.words import size_text


def _size(part: KitPart) -> str:
    size = part.line.size
    return size_text(size) if size is not None else ""


def fit_words(part: KitPart, kit: Kit) -> str:
    """How a part fits, in a sentence; empty for parts that are not printed."""
    line = part.line
    if line.process != "3d-printing":
        return ""
    if line.size is None:
        return "size unknown (no mesh export)"
    printer = kit.printer
    if part.fit is not None and printer is not None:
        if part.fit.orientation is not None:
            if part.fit.as_modelled:
                return "fits as modelled"
            return (
                "fits turned, as " + oriented_size(line.size, part.fit.orientation) + " (X × Y × Z)"
            )
        others = ", ".join(part.fits_on) or "none of the printers ohw knows"
        return f"TOO BIG for the {printer.title} ({_volume(printer.volume)}); it fits: {others}"
    if not part.fits_on:
        return f"TOO BIG for every printer ohw knows: it is {_size(part)}"
    return f"fits {len(part.fits_on)} of {len(PRINTERS)} known printers"


def _volume(volume: tuple[float, float, float]) -> str:
    return size_text(volume)


@dataclass(frozen=True)
class KitReport:
    """What `ohw fab` made, and where it wrote it."""

    kit: Kit
    out: str


class KitJson(JsonReporter[KitReport]):
    """kit.json itself."""

    def document(self, result: KitReport) -> dict[str, Any]:
        return result.kit.manifest


class KitText(Reporter[KitReport]):
    def write(self, result: KitReport, stream: IO[str]) -> None:
        _text(result.kit, result.out, Console(file=stream, highlight=False, soft_wrap=True))


def _text(kit: Kit, out: str, console: Console) -> None:
    manifest = kit.manifest
    version = f" {manifest['version']}" if manifest.get("version") else ""
    target = f" for the {kit.printer.title} ({_volume(kit.printer.volume)})" if kit.printer else ""
    console.print(
        f"Kit of [bold]{markup(kit.design)}{markup(version)}[/bold] at {kit.commit[:7]}, "
        f"{kit.bom.units} unit{'s' if kit.bom.units != 1 else ''}{markup(target)}: "
        f"{markup(out)} ({len(kit.files)} files)"
    )
    width = max((len(p.line.id) for p in kit.parts), default=0)
    for part in kit.parts:
        words = fit_words(part, kit)
        style = "red" if part.too_big else ""
        line = part.line
        text = (
            f"  {line.id:<{width}}  {line.quantity:>3} × {line.material or '-':<8} "
            f"{_size(part):<26} {words}"
        )
        console.print(f"[{style}]{markup(text)}[/{style}]" if style else markup(text))
    too_big = [p for p in kit.parts if p.too_big]
    if too_big:
        where = f"the {kit.printer.title}" if kit.printer else "every printer ohw knows"
        console.print(
            f"[red]{len(too_big)} part{'s' if len(too_big) != 1 else ''} too big for "
            f"{markup(where)}:[/red] "
            + ", ".join(f"{markup(p.line.id)} ({_size(p)})" for p in too_big)
        )


class PrintersJson(JsonReporter[list[Printer]]):
    """The printers ohw knows (`ohw fab --printer list --json`)."""

    def document(self, result: list[Printer]) -> dict[str, Any]:
        return {
            "format_version": 1,
            "printers": [
                {"name": p.name, "title": p.title, "volume": list(p.volume), "source": p.source}
                for p in result
            ],
        }


class PrintersText(Reporter[list[Printer]]):
    """One printer a line: the name --printer takes, the printer, its build volume."""

    def write(self, result: list[Printer], stream: IO[str]) -> None:
        name = max(len(p.name) for p in result)
        title = max(len(p.title) for p in result)
        for printer in result:
            stream.write(
                f"{printer.name:<{name}}  {printer.title:<{title}}  {_volume(printer.volume)}\n"
            )
