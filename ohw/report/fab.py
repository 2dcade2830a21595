"""What `ohw fab` says about the kit it wrote: where, for whom, and how each
printed part fits the printer."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import IO, Any

from rich.console import Console

from ohw.fab.kit import Kit, KitPart
from ohw.fab.printers import PRINTERS, Printer, oriented_size
from ohw.report.reporters import JsonReporter, Reporter
from ohw.report.styled import markup
from ohw.words import plural, size_text


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
    _print_wrapped(
        console,
        f"Kit of {kit.design}{version} at {kit.commit[:7]}, {plural(kit.bom.units, 'unit')}"
        f"{target}: {out} ({plural(len(kit.files), 'file')})",
    )
    width = max((len(p.line.id) for p in kit.parts), default=0)
    # Ids too long to leave room for the figures on one line go on their own.
    own_line = 4 + width + 40 > console.width
    for part in kit.parts:
        line = part.line
        figures = f"{line.quantity:>3} × {line.material or '-':<8} {_size(part):<26}"
        if own_line:
            text = f"  {line.id}\n      {figures.strip()} {fit_words(part, kit)}"
        else:
            text = f"  {line.id:<{width}}  {figures} {fit_words(part, kit)}"
        _print_wrapped(console, text, "red" if part.too_big else "")
    too_big = [p for p in kit.parts if p.too_big]
    if too_big:
        where = f"the {kit.printer.title}" if kit.printer else "every printer ohw knows"
        _print_wrapped(
            console,
            f"{plural(len(too_big), 'part')} too big for {where}: "
            + ", ".join(f"{p.line.id} ({_size(p)})" for p in too_big),
            "red",
        )


def _print_wrapped(console: Console, text: str, style: str = "") -> None:
    """``text`` printed in lines the terminal's width, broken between words
    (never inside a size: "120 × 120 × 120 mm" stays whole), indented after
    the first."""
    kept = text.replace(" × ", "\xa0×\xa0").replace(" mm", "\xa0mm")
    for row in kept.split("\n"):
        wrapped = textwrap.wrap(row.rstrip(), max(console.width, 40), subsequent_indent=" " * 6,
                                break_on_hyphens=False)  # fmt: skip
        for piece in wrapped:
            shown = markup(piece.replace("\xa0", " "))
            console.print(f"[{style}]{shown}[/{style}]" if style else shown)


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
