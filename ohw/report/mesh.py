"""Mesh reports as JSON (schemas/mesh-report.schema.json) or as a table per file."""

from __future__ import annotations

from typing import IO, Any

from ohw import __version__
from ohw.design.findings import RULES
from ohw.mesh.batch import MeshResult
from ohw.mesh.topology import MeshReport
from ohw.mesh.verdict import Verdict
from ohw.report.reporters import JsonReporter, Reporter
from ohw.report.styled import Line, print_lines
from ohw.words import size_text

FORMAT_VERSION = 1


def _report_json(report: MeshReport) -> dict[str, Any]:
    fields = {
        key: getattr(report, key)
        for key in (
            "format", "facets", "vertices", "edges", "open_edges", "holes",
            "nonmanifold_edges", "touching_edges", "misoriented_edges", "degenerate_facets",
            "flipped_normals", "bodies", "touching_bodies", "open_bodies", "inside_out_bodies",
            "cavities", "cavity_volume",
            "euler", "volume", "area",
        )
    }  # fmt: skip
    fields["bounding_box"] = {
        "minimum": list(report.minimum),
        "maximum": list(report.maximum),
        "size": list(report.size),
    }
    return fields


def _verdict_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "printable": verdict.printable,
        "summary": verdict.summary,
        "problems": [
            {
                "id": p.rule,
                "severity": RULES[p.rule].severity.value,
                "message": p.message,
                "hint": p.hint,
                "near": [list(point) for point in p.near],
            }
            for p in verdict.problems
        ],
        "notes": verdict.notes,
    }


def mesh_output(results: list[MeshResult]) -> dict[str, Any]:
    """The JSON document for ``results``."""
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "ohw", "version": __version__},
        "ok": all(r.ok for r in results),
        "files": [
            {
                "file": r.name,
                "ok": r.ok,
                "cached": r.cached,
                "error": r.error,
                "report": _report_json(r.report) if r.report else None,
                "verdict": _verdict_json(r.verdict) if r.verdict else None,
            }
            for r in results
        ],
    }


class MeshJson(JsonReporter[list[MeshResult]]):
    def document(self, result: list[MeshResult]) -> dict[str, Any]:
        return mesh_output(result)


class MeshText(Reporter[list[MeshResult]]):
    def write(self, results: list[MeshResult], stream: IO[str]) -> None:
        print_lines(_text(results), stream)


def _text(results: list[MeshResult]) -> list[Line]:
    lines: list[Line] = []
    for result in results:
        if result.report is None or result.verdict is None:
            cannot = ("✘ cannot read: ", "bold red")
            lines.append([(result.name, "bold"), ("  ", ""), cannot, (result.error or "", "")])
            continue
        report, verdict = result.report, result.verdict
        mark = ("✔ ", "green") if verdict.printable else ("✘ ", "bold red")
        lines.append([(result.name, "bold"), ("  ", ""), mark, (verdict.summary, "")])
        lines += _figures(report)
        for problem in verdict.problems:
            severity = RULES[problem.rule].severity.value
            style = "bold red" if severity == "error" else "yellow"
            found = (f"{problem.rule} {severity}:", style)
            lines.append([("  ", ""), found, (f" {problem.message}", "")])
            lines.append([(f"      hint: {problem.hint}", "dim")])
        lines += [[(f"  note: {note}", "cyan")] for note in verdict.notes]
    return lines


def _figures(report: MeshReport) -> list[Line]:
    """The report's figures in two pairs of aligned columns: names left, values right."""
    rows = [
        ("format", report.format, "size (mm)", size_text(report.size, unit=False)),
        ("facets", f"{report.facets:,}", "volume (mm³)", f"{report.volume:,.2f}"),
        ("vertices", f"{report.vertices:,}", "area (mm²)", f"{report.area:,.2f}"),
        ("edges", f"{report.edges:,}", "bodies", _bodies(report)),
        ("open edges", f"{report.open_edges:,}", "holes", f"{report.holes:,}"),
        ("non-manifold edges", _nonmanifold(report), "misoriented edges",
         f"{report.misoriented_edges:,}"),
        ("degenerate facets", f"{report.degenerate_facets:,}", "flipped normals",
         f"{report.flipped_normals:,}"),
    ]  # fmt: skip
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    return [
        [
            ("  ", ""),
            (name.ljust(widths[0]), "dim"),
            ("    " + value.rjust(widths[1]) + "    ", ""),
            (other.ljust(widths[2]), "dim"),
            ("    " + figure.rjust(widths[3]), ""),
        ]
        for name, value, other, figure in rows
    ]


def _bodies(report: MeshReport) -> str:
    said = [f"{report.touching_bodies:,} touching"] if report.touching_bodies else []
    said += [f"{report.cavities:,} cavities"] if report.cavities else []
    return f"{report.bodies:,}" + (f" ({', '.join(said)})" if said else "")


def _nonmanifold(report: MeshReport) -> str:
    if not report.touching_edges:
        return f"{report.nonmanifold_edges:,}"
    return f"{report.nonmanifold_edges:,} ({report.touching_edges:,} touching)"
