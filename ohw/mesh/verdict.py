"""From counts to a verdict a maker can act on: printable or not, and why, and where.

A mesh is printable when every body is closed (no open edges, no edges shared by
more facets than the bodies' contacts explain), consistently wound, and not
inside out. Several bodies in one file are fine, touching ones too (a
multi-colour part), and so are cavities: bodies wound inward inside the
material of another (a hollow part). Degenerate facets, normals stored against the winding and
suspicious units are warnings: a slicer copes, but something may be off.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ohw.mesh.topology import MeshReport, Point
from ohw.words import millimetres, plural, size_text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a mesh, as a finding would state it."""

    rule: str  # an OHW3xx finding id
    message: str
    hint: str
    near: list[Point] = field(default_factory=list)


@dataclass(frozen=True)
class Verdict:
    printable: bool
    summary: str  # one line
    problems: list[Problem]
    notes: list[str]  # worth knowing, not wrong

    @property
    def blocking(self) -> list[Problem]:
        return [p for p in self.problems if p.rule in BLOCKING]


BLOCKING = {"OHW302", "OHW303", "OHW304", "OHW305"}


def where(points: list[Point]) -> str:
    if not points:
        return ""
    x, y, z = points[0]
    return f", first near ({x:.1f}, {y:.1f}, {z:.1f}) mm"


def _defects(report: MeshReport) -> list[tuple[str, int, tuple[str, str], str, str, str]]:
    """Each kind of defect: finding id, how many, the counted thing (one, many),
    what is wrong with them ("{}" is the count), where their locations are kept,
    and how to fix it."""
    open_edges = plural(report.open_edges, "open edge")
    return [
        ("OHW302", report.holes, ("hole", "holes"), f"{{}} ({open_edges})", "holes",
         "close the holes in the CAD model and export again; slicers guess at open "
         "meshes and may print them wrong"),
        ("OHW303", report.nonmanifold_edges - report.touching_edges, ("edge", "edges"),
         "{} shared by more than two facets, not where bodies touch along a face",
         "non-manifold edges",
         "separate the bodies that meet along an edge or join them into one solid; remove "
         "walls of no thickness (fins)"),
        ("OHW304", report.misoriented_edges, ("edge", "edges"),
         "{} between facets wound opposite ways", "misoriented edges",
         "`ohw mesh repair` makes the winding consistent"),
        ("OHW305", report.inside_out_bodies, ("body", "bodies"),
         "{} inside out (negative volume), with no body around it", "inside-out bodies",
         "`ohw mesh repair` turns inside-out bodies the right way out"),
        ("OHW306", report.degenerate_facets, ("degenerate facet", "degenerate facets"),
         "{} (no area)", "degenerate facets",
         "they add nothing to the part: remove them in the CAD export; `ohw mesh repair` "
         "removes those that leave the mesh closed"),
        ("OHW307", report.flipped_normals, ("stored normal", "stored normals"),
         "{} pointing against the facet's winding", "flipped normals",
         "most slicers recompute normals; `ohw mesh repair` writes them right"),
    ]  # fmt: skip


def judge(report: MeshReport) -> Verdict:
    """The verdict on one mesh."""
    problems = []
    for rule, count, (one, many), wrong, kind, hint in _defects(report):
        if count:
            near = report.near.get(kind, [])
            message = wrong.format(plural(count, one, many)) + where(near)
            problems.append(Problem(rule, message, hint, near))
    units = units_warning(report)
    if units:
        problems.append(Problem("OHW308", units[0], units[1]))
    notes = []
    solids = report.bodies - report.cavities
    if solids > 1:
        touching = (
            f", {report.touching_bodies:,} of them touching along shared faces "
            "(a multi-colour part)"
            if report.touching_bodies
            else ""
        )
        notes.append(f"{plural(solids, 'body', 'bodies')}{touching}")
    if report.cavities:
        voids = "a void" if report.cavities == 1 else "voids"
        notes.append(
            f"{plural(report.cavities, 'cavity', 'cavities')} inside the part, "
            f"{_volume(report.cavity_volume)} of hollow, printed as {voids}"
        )
    printable = not any(p.rule in BLOCKING for p in problems)
    return Verdict(printable, _summary(report, printable, problems), problems, notes)


def _summary(report: MeshReport, printable: bool, problems: list[Problem]) -> str:
    if not printable:
        blocking = [p.message for p in problems if p.rule in BLOCKING]
        return "not printable: " + "; ".join(blocking)
    bodies = plural(report.bodies - report.cavities, "closed body", "closed bodies")
    if report.cavities:
        bodies += f" with {plural(report.cavities, 'cavity', 'cavities')}"
    return f"printable: {bodies}, {_volume(report.volume)}, {size_text(report.size)}"


def _volume(volume: float) -> str:
    if abs(volume) >= 100:
        return f"{volume / 1000:,.2f} cm³"
    return f"{volume:.3g} mm³" if abs(volume) >= 0.01 else "under 0.01 mm³"


# Parts are modelled in millimetres, and a printed part is rarely smaller than a
# few millimetres every way. A part under 1 mm was probably exported in metres;
# one under 2.5 mm, in inches or centimetres; one larger than any printer's bed
# (3 m), in micrometres or tenths of a millimetre. Nothing finer is guessed: a
# small part's sizes in quarter or half millimetres (a 6.5 x 6.5 x 20 spacer)
# are as often fractions of an inch, and say nothing of its units.
SMALLEST_PART = 2.5
LARGEST_PART = 3000.0


def units_warning(report: MeshReport) -> tuple[str, str] | None:
    size = report.size
    largest = max(size)
    shown = size_text(size, unit=False)
    if largest < 1.0:
        return (
            f"the part is only {shown} mm: its file may be in metres",
            f"if so, scale it by 1000 ({millimetres(largest * 1000)} mm) in the CAD export",
        )
    if largest < SMALLEST_PART:
        return (
            f"the part is only {shown} mm: its file may be in inches or centimetres",
            f"if so, scale it by 25.4 ({millimetres(largest * 25.4)} mm) or by 10 "
            f"({millimetres(largest * 10)} mm) in the CAD export",
        )
    if largest > LARGEST_PART:
        return (
            f"the part is {shown} mm, larger than any printer: its file may be in "
            "micrometres or tenths of a millimetre",
            "check the export units of the CAD program",
        )
    return None
