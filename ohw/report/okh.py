"""What an OKH import or export did, for people (text) or programs (JSON,
schemas/okh-import.schema.json and okh-export.schema.json)."""

from __future__ import annotations

from typing import IO, Any

from ohw.design.findings import Finding, Severity
from ohw.okh.exporting import OkhExportResult
from ohw.okh.importing import OkhImport
from ohw.report.reporters import JsonReporter, Reporter
from ohw.report.styled import Line, print_lines

FORMAT_VERSION = 1
_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}


def _finding_json(found: Finding) -> dict[str, Any]:
    return {
        "rule": found.rule,
        "severity": found.severity.value,
        "file": found.file,
        "line": found.line,
        "column": found.column,
        "message": found.message,
        "hint": found.hint,
    }


def _finding_lines(findings: list[Finding]) -> list[Line]:
    lines: list[Line] = []
    for found in findings:
        where = found.file + (f":{found.line}:{found.column}" if found.line is not None else "")
        lines.append(
            [
                (where, "bold"),
                (f" {found.rule} ", _STYLE[found.severity]),
                (f"{found.severity.value}:", _STYLE[found.severity]),
                (f" {found.message}", ""),
            ]
        )
        if found.severity is not Severity.NOTE:
            lines.append([(f"    hint: {found.hint}", "dim")])
    return lines


class OkhImportJson(JsonReporter[OkhImport]):
    def document(self, result: OkhImport) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "ok": result.ok,
            "source": result.source,
            "okh_file": result.okh_file,
            "manifest": str(result.manifest),
            "merged": result.merged,
            "written": result.written,
            "keys": {
                "total": len(result.keys),
                "placed": len(result.keys) - len(result.unknown),
                "kept_apart": result.kept_apart,
                "unknown": result.unknown,
            },
            "findings": [_finding_json(f) for f in result.findings],
        }


class OkhImportText(Reporter[OkhImport]):
    def write(self, result: OkhImport, stream: IO[str]) -> None:
        lines = _finding_lines(result.findings)
        if not result.written:
            lines.append([(f"✘ {result.okh_file} not imported: nothing was written", "bold red")])
        else:
            done = "merged into" if result.merged else "written to"
            total = len(result.keys)
            placed = total - len(result.unknown)
            lines.append(
                [
                    (
                        f"✔ {result.okh_file} {done} {result.manifest}: {placed} of {total} keys "
                        "placed by the table of docs/okh.md",
                        "green",
                    )
                ]
            )
            if result.kept_apart:
                kept = ", ".join(result.kept_apart)
                lines.append([(f"  kept as written under extensions.okh: {kept}", "")])
            lines.append([("  check it with `ohw check`, then commit it", "dim")])
        print_lines(lines, stream)


class OkhExportJson(JsonReporter[OkhExportResult]):
    def document(self, result: OkhExportResult) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "ok": result.ok,
            "design": result.design,
            "format": result.format,
            "output": result.output,
            "written": result.written,
            "findings": [_finding_json(f) for f in result.findings],
        }


class OkhExportText(Reporter[OkhExportResult]):
    def write(self, result: OkhExportResult, stream: IO[str]) -> None:
        lines = _finding_lines(result.findings)
        if result.written:
            lines.append([(f"✔ wrote {result.output}", "green")])
        elif not result.ok:
            lines.append([("✘ no OKH manifest written: fix the errors above", "bold red")])
        print_lines(lines, stream)
