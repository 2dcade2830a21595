"""Printing materials: how much a printed part weighs and how much filament it takes.

Densities are the nominal values of manufacturers' technical data sheets
(Prusament, Polymaker, BASF Forward AM, eSun); brands differ by a few percent.

The mass of a printed part is estimated from its mesh: its volume V (mm³) and
surface area A (mm²). A slicer prints a shell of walls, a number of perimeters
thick, and fills the inside with infill:

    shell   = min(V, A × perimeters × 0.45 mm)     (0.45 mm: one line of a 0.4 mm nozzle)
    printed = shell + (V − shell) × infill / 100
    mass    = printed × density / 1000             (g; density in g/cm³)
    length  = printed / (π × 0.875²) / 1000        (m of 1.75 mm filament)

Perimeters and infill come from the part's ``print`` settings; a part that
gives no infill is taken as solid (100 %) unless the caller says otherwise,
and one that gives no perimeters has 2. The top and bottom layers are part of
the shell, as the area counts every face.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FILAMENT_DIAMETER = 1.75  # mm
EXTRUSION_WIDTH = 0.45  # mm: one perimeter of a 0.4 mm nozzle
DEFAULT_PERIMETERS = 2
SOLID = 100.0

# g/cm³
DENSITIES: dict[str, float] = {
    "PLA": 1.24,
    "PETG": 1.27,
    "ABS": 1.04,
    "ASA": 1.07,
    "TPU": 1.21,
    "PA6": 1.13,
    "PA12": 1.01,
    "PC": 1.20,
    "HIPS": 1.04,
    "PP": 0.90,
    "PVA": 1.23,
}
# Other names makers write for the same plastics.
_ALIASES = {
    "PLA+": "PLA",
    "PET-G": "PETG",
    "NYLON": "PA6",
    "NYLON 6": "PA6",
    "PA": "PA6",
    "NYLON 12": "PA12",
    "POLYCARBONATE": "PC",
    "FLEX": "TPU",
}


def known_material(material: str | None) -> str | None:
    """The table's name for ``material`` (case and aliases ignored), or None."""
    if material is None:
        return None
    name = " ".join(material.upper().split())
    name = _ALIASES.get(name, name)
    return name if name in DENSITIES else None


@dataclass(frozen=True)
class PrintEstimate:
    """What one printed part takes."""

    printed_volume: float  # mm³ of plastic
    mass: float  # g
    filament_length: float  # m of 1.75 mm filament


def estimate_print(
    volume: float, area: float, material: str, infill: float, perimeters: int
) -> PrintEstimate:
    """The plastic one part takes; ``material`` must be a name of the table."""
    solid = abs(volume)
    shell = min(solid, area * perimeters * EXTRUSION_WIDTH)
    printed = shell + (solid - shell) * infill / 100
    cross_section = math.pi * (FILAMENT_DIAMETER / 2) ** 2
    return PrintEstimate(
        printed_volume=printed,
        mass=printed * DENSITIES[material] / 1000,
        filament_length=printed / cross_section / 1000,
    )
