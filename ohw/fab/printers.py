"""3D printers' build volumes, and whether a part fits one.

A part fits when some axis-aligned orientation of its bounding box fits the
build volume: one of the six ways of laying its X, Y and Z extents along the
printer's X, Y and Z. Turning a part changes how it prints (supports, layer
direction), so the fit says which orientation it takes.

Build volumes (X × Y × Z, mm) are the makers' published specifications; each
printer names its source.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ohw.errors import OhwError
from ohw.words import size_text

AXES = ("X", "Y", "Z")


@dataclass(frozen=True)
class Printer:
    name: str  # the name --printer takes
    title: str
    volume: tuple[float, float, float]  # X, Y, Z in mm
    source: str  # where the build volume is published


PRINTERS: dict[str, Printer] = {
    p.name: p
    for p in (
        Printer("prusa-mk4", "Prusa MK4", (250, 210, 220), "https://www.prusa3d.com/product/original-prusa-mk4/"),
        Printer("prusa-mk3s", "Prusa i3 MK3S+", (250, 210, 210), "https://www.prusa3d.com/product/original-prusa-i3-mk3s-3d-printer-3/"),
        Printer("prusa-mini", "Prusa MINI+", (180, 180, 180), "https://www.prusa3d.com/product/original-prusa-mini-semi-assembled-3d-printer-4/"),
        Printer("prusa-core-one", "Prusa CORE One", (250, 220, 270), "https://www.prusa3d.com/product/prusa-core-one/"),
        Printer("prusa-xl", "Prusa XL", (360, 360, 360), "https://www.prusa3d.com/product/original-prusa-xl-assembled-single-toolhead-3d-printer/"),
        Printer("bambu-x1c", "Bambu Lab X1 Carbon", (256, 256, 256), "https://bambulab.com/en/x1/tech-specs"),
        Printer("bambu-p1s", "Bambu Lab P1S", (256, 256, 256), "https://bambulab.com/en/p1/tech-specs"),
        Printer("bambu-a1", "Bambu Lab A1", (256, 256, 256), "https://bambulab.com/en/a1/tech-specs"),
        Printer("bambu-a1-mini", "Bambu Lab A1 mini", (180, 180, 180), "https://bambulab.com/en/a1-mini/tech-specs"),
        Printer("voron-0.2", "Voron 0.2", (120, 120, 120), "https://vorondesign.com/voron0.2"),
        Printer("voron-trident-300", "Voron Trident 300", (300, 300, 250), "https://vorondesign.com/voron_trident"),
        Printer("voron-2.4-350", "Voron 2.4 350", (350, 350, 340), "https://vorondesign.com/voron2.4"),
        Printer("ender-3", "Creality Ender-3", (220, 220, 250), "https://www.creality.com/products/ender-3-3d-printer"),
        Printer("ender-3-v3-se", "Creality Ender-3 V3 SE", (220, 220, 250), "https://www.creality.com/products/ender-3-v3-se"),
        Printer("creality-k1", "Creality K1", (220, 220, 250), "https://www.creality.com/products/k1-flagship-3d-printer"),
        Printer("ultimaker-s5", "UltiMaker S5", (330, 240, 300), "https://ultimaker.com/3d-printers/s-series/ultimaker-s5/"),
    )
}  # fmt: skip


def printer_named(name: str) -> Printer:
    found = PRINTERS.get(name.lower())
    if found is None:
        raise OhwError(
            f"ohw does not know the printer {name!r}",
            "`ohw fab --printer list` lists the printers ohw knows; "
            "or give the build volume as --bed WxDxH",
        )
    return found


def bed_printer(text: str) -> Printer:
    """A printer given by its build volume, "250x210x220" (mm)."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*[x×]\s*([0-9.]+)\s*[x×]\s*([0-9.]+)\s*", text.lower())
    try:
        sizes = tuple(float(match.group(i)) for i in (1, 2, 3)) if match else ()
    except ValueError:
        sizes = ()
    if len(sizes) != 3 or min(sizes) <= 0:
        raise OhwError(
            f"--bed {text!r} is not a build volume",
            "give width, depth and height in millimetres, as 250x210x220",
        )
    x, y, z = sizes
    return Printer(
        f"bed-{x:g}x{y:g}x{z:g}", f"a {size_text(sizes)} build volume", (x, y, z), "--bed"
    )


@dataclass(frozen=True)
class Fit:
    """Whether a part fits a printer, and how it lies."""

    printer: str
    fits: bool
    # For each printer axis, the part's axis laid along it: ("X", "Y", "Z") as
    # modelled, ("Z", "Y", "X") turned on its side. None when it does not fit.
    orientation: tuple[str, str, str] | None

    @property
    def as_modelled(self) -> bool:
        return self.orientation == AXES


def fit(size: tuple[float, float, float], printer: Printer) -> Fit:
    """The first orientation, as modelled first, in which ``size`` fits ``printer``."""
    for order in itertools.permutations(range(3)):
        if all(size[axis] <= room for axis, room in zip(order, printer.volume, strict=True)):
            return Fit(printer.name, True, tuple(AXES[a] for a in order))  # type: ignore[arg-type]
    return Fit(printer.name, False, None)


def oriented_size(size: tuple[float, float, float], orientation: tuple[str, str, str]) -> str:
    """The part's extents along the printer's X, Y and Z, in the orientation it fits."""
    return size_text(size[AXES.index(axis)] for axis in orientation)
