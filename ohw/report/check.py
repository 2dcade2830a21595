"""Check results as text for people, or JSON for programs (the formats for CI
are in ohw.report.sarif, .github and .junit). The JSON shape is described by
schemas/check-output.schema.json and stays stable within its format_version.
"""

from __future__ import annotations

import posixpath
from typing import IO, Any

from ohw import __version__
from ohw.checks.run import DesignReport
from ohw.design.findings import Finding, Severity
from ohw.report.reporters import JsonReporter, Reporter
from ohw.report.styled import Line, print_lines

FORMAT_VERSION = 1


def _counts(reports: list[DesignReport]) -> dict[str, int]:
    return {
        "errors": sum(r.count(Severity.ERROR) for r in reports),
        "warnings": sum(r.count(Severity.WARNING) for r in reports),
        "notes": sum(r.count(Severity.NOTE) for r in reports),
        "files_checked": sum(r.files_checked for r in reports),
    }


def repository_file(report: DesignReport, file: str) -> str:
    """Where ``file`` of the design is: relative to the repository's root when
    the design is in one, else as the design's path was given."""
    base = report.repository_path if report.repository_path is not None else report.path
    return posixpath.normpath(posixpath.join(base, file)) if base else file


def fails(report: DesignReport, found: Finding) -> bool:
    """Whether ``found`` fails the check: an error, or in strict mode a warning."""
    return found.severity is Severity.ERROR or (
        report.strict and found.severity is Severity.WARNING
    )


def check_output(reports: list[DesignReport]) -> dict[str, Any]:
    """The JSON document for ``reports``."""
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "ohw", "version": __version__},
        "ok": all(r.ok for r in reports),
        "summary": _counts(reports),
        "designs": [
            {
                "path": report.path,
                "name": report.name,
                "revision": report.tree.revision,
                "changed_since": report.changed_since,
                "strict": report.strict,
                "ok": report.ok,
                "summary": _counts([report]),
                "skipped": [{"check": s.check, "reason": s.reason} for s in report.skipped],
                "findings": [
                    {
                        "id": f.rule,
                        "severity": f.severity.value,
                        "check": f.check,
                        "file": f.file,
                        "line": f.line,
                        "column": f.column,
                        "message": f.message,
                        "hint": f.hint,
                    }
                    for f in report.findings
                ],
            }
            for report in reports
        ],
    }


class CheckJson(JsonReporter[list[DesignReport]]):
    def document(self, result: list[DesignReport]) -> dict[str, Any]:
        return check_output(result)


_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}


class CheckText(Reporter[list[DesignReport]]):
    """Findings grouped by file, as ``file:line:col ID severity: message`` and a hint."""

    def write(self, reports: list[DesignReport], stream: IO[str]) -> None:
        lines: list[Line] = []
        for report in reports:
            shown_file = None
            for found in report.findings:
                if found.file != shown_file:
                    shown_file = found.file
                    lines.append([(self._place(report, found.file), "bold underline")])
                lines.append(self._line(report, found))
                lines.append([(f"    hint: {found.hint}", "dim")])
            reasons: dict[str, list[str]] = {}
            for skipped in report.skipped:
                reasons.setdefault(skipped.reason, []).append(skipped.check)
            lines += [
                [(f"not checked until fixed: {', '.join(checks)} ({reason})", "dim")]
                for reason, checks in reasons.items()
            ]
            lines.append(self._summary(report))
        print_lines(lines, stream)

    @staticmethod
    def _place(report: DesignReport, file: str) -> str:
        place = posixpath.normpath(posixpath.join(report.path, file)) if report.path else file
        return place if report.tree.revision is None else f"{report.tree.revision[:7]}:{place}"

    def _line(self, report: DesignReport, found: Finding) -> Line:
        where = self._place(report, found.file)
        if found.line is not None:
            where += f":{found.line}:{found.column}"
        return [
            (where, "bold"),
            (" ", ""),
            (found.rule, _STYLE[found.severity]),
            (" ", ""),
            (f"{found.severity.value}:", _STYLE[found.severity]),
            (f" {found.message}", ""),
        ]

    @staticmethod
    def _summary(report: DesignReport) -> Line:
        errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
        name = report.name or report.path
        at = f" at {report.tree.label}" if report.tree.revision else ""
        files = f"{report.files_checked} file{'s' if report.files_checked != 1 else ''} checked"
        if report.changed_since is not None:
            files += f"; {report.changed} changed since {report.changed_since}"
        if errors == warnings == 0:
            return [(f"✔ {name}{at}: no problems ({files})", "green")]
        counts = f"{errors} error{'s' if errors != 1 else ''}, " + (
            f"{warnings} warning{'s' if warnings != 1 else ''}"
        )
        strict = ", strict" if report.strict and warnings else ""
        mark = "!" if report.ok else "✘"
        return [
            (
                f"{mark} {name}{at}: {counts}{strict} ({files})",
                "yellow" if report.ok else "bold red",
            )
        ]
