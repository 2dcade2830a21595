"""A build kit: what it holds, part by part (ohw.fab.build makes one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ohw.fab.printers import Fit, Printer
from ohw.fab.rollup import FabricatedLine, RolledUpBom


@dataclass(frozen=True)
class KitPart:
    line: FabricatedLine
    files: tuple[str, ...]  # in the kit
    fit: Fit | None  # on the printer asked for; None when none was, or it is not printed
    fits_on: tuple[str, ...]  # the known printers it fits (printed parts with a mesh)

    @property
    def too_big(self) -> bool:
        """A printed part with a size that does not fit: the printer asked for,
        or, when none was, any printer ohw knows."""
        if self.line.process != "3d-printing" or self.line.size is None:
            return False
        return not self.fit.fits if self.fit is not None else not self.fits_on


@dataclass(frozen=True)
class Kit:
    design: str
    commit: str
    printer: Printer | None
    parts: tuple[KitPart, ...]
    bom: RolledUpBom
    manifest: dict[str, Any]  # kit.json
    files: dict[str, bytes]  # every file of the kit, kit.json included, by kit path
    commit_time: int
