"""GitHub Actions workflow commands: each finding an annotation on its file
and line, as long as GitHub shows them.

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step
(and 50 per job); commands beyond that are dropped without a word. So the first
of each kind become annotations, every finding is in the log as a line of
text, and the last line says how many were left out of the annotations.
"""

from __future__ import annotations

from typing import IO

from ohw.checks.run import DesignReport
from ohw.design.findings import RULES, Finding, Severity
from ohw.report.check import fails, repository_file
from ohw.report.reporters import Reporter
from ohw.report.styled import printable

ANNOTATIONS_PER_KIND = 10  # per step, for each of error, warning and notice
_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    """A workflow command's message, as the runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: also without ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(kind: str, message: str, properties: dict[str, str | int]) -> str:
    shown = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{kind} {shown}::{escape_data(message)}"


class CheckGithub(Reporter[list[DesignReport]]):
    def write(self, reports: list[DesignReport], stream: IO[str]) -> None:
        shown = dict.fromkeys(_COMMAND.values(), 0)
        left_out = dict.fromkeys(_COMMAND.values(), 0)
        for report in reports:
            for found in report.findings:
                # In strict mode a warning fails the check: it is annotated as an error.
                kind = "error" if fails(report, found) else _COMMAND[found.severity]
                place = printable(repository_file(report, found.file))
                if shown[kind] < ANNOTATIONS_PER_KIND:
                    shown[kind] += 1
                    stream.write(_command(kind, place, found) + "\n")
                else:
                    left_out[kind] += 1
                    stream.write(_line(place, found) + "\n")
            for skipped in report.skipped:
                stream.write(
                    _not_a_command(
                        f"{printable(report.name or report.path)}: {skipped.check} not checked "
                        f"until fixed ({printable(skipped.reason)})"
                    )
                    + "\n"
                )
            stream.write(_summary(report) + "\n")
        if any(left_out.values()):
            counts = ", ".join(
                f"{count} {'notice' if kind == 'notice' else kind}{'s' if count != 1 else ''}"
                for kind, count in left_out.items()
                if count
            )
            stream.write(
                f"ohw: {counts} not shown as annotations: GitHub shows "
                f"{ANNOTATIONS_PER_KIND} of each kind per step; all are in the lines above\n"
            )


def _command(kind: str, place: str, found: Finding) -> str:
    properties: dict[str, str | int] = {"file": place}
    if found.line is not None:
        properties["line"] = found.line
        if found.column is not None:
            properties["col"] = found.column
    properties["title"] = f"{found.rule} {RULES[found.rule].title}"
    message = f"{printable(found.message)}\nhint: {printable(found.hint)}"
    return annotation(kind, message, properties)


def _line(place: str, found: Finding) -> str:
    where = place if found.line is None else f"{place}:{found.line}:{found.column}"
    return _not_a_command(
        f"{where} {found.rule} {found.severity.value}: {printable(found.message)} "
        f"(hint: {printable(found.hint)})"
    )


def _not_a_command(line: str) -> str:
    """A line of the log that the runner must not take for a workflow command,
    whatever a file's name holds: it takes any line that begins with '::'."""
    return f"ohw: {line}" if line.lstrip().startswith("::") else line


def _summary(report: DesignReport) -> str:
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    verdict = "passed" if report.ok else "failed"
    files = f"{report.files_checked} file{'s' if report.files_checked != 1 else ''} checked"
    return (
        f"ohw check {verdict}: {printable(report.name or report.path)}: {errors} error"
        f"{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''} "
        f"({files})"
    )
