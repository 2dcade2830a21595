"""JUnit XML, as GitLab and Jenkins read test reports.

A test suite per design, and a test case per check and file: "meshes" on
parts/base.stl, "schema" on ohw.yaml. A case fails with the findings that fail
the check; findings that do not (warnings, notes) are in its system-out. A check
that could not run is a skipped case.
"""

from __future__ import annotations

import re
from typing import IO
from xml.etree import ElementTree

from ohw.checks.run import DesignReport
from ohw.design.findings import Finding
from ohw.report.check import fails, repository_file
from ohw.report.reporters import Reporter

# Characters XML 1.0 cannot hold at all, even escaped; a file name may have them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub(lambda bad: f"\\x{ord(bad.group()):02x}", text)


def _describe(place: str, found: Finding) -> str:
    where = place if found.line is None else f"{place}:{found.line}:{found.column}"
    return _xml(
        f"{where} {found.rule} {found.severity.value}: {found.message}\n    hint: {found.hint}"
    )


class CheckJunit(Reporter[list[DesignReport]]):
    def write(self, reports: list[DesignReport], stream: IO[str]) -> None:
        root = ElementTree.Element("testsuites", name="ohw check")
        totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for report in reports:
            suite = self._suite(report)
            root.append(suite)
            for key in totals:
                totals[key] += int(suite.get(key, "0"))
        for key, value in totals.items():
            root.set(key, str(value))
        ElementTree.indent(root)
        stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        stream.write(ElementTree.tostring(root, encoding="unicode"))
        stream.write("\n")

    def _suite(self, report: DesignReport) -> ElementTree.Element:
        name = _xml(report.name or report.path)
        suite = ElementTree.Element("testsuite", name=name)
        cases: dict[tuple[str, str], list[Finding]] = {
            (check, file): [] for check, files in report.examined.items() for file in files
        }
        for found in report.findings:
            cases.setdefault((found.check, found.file), []).append(found)
        failures = 0
        for (check, file), in_case in sorted(cases.items()):
            place = _xml(repository_file(report, file))
            case = ElementTree.SubElement(
                suite, "testcase", classname=f"{name}.{check}", name=place, file=place
            )
            failing = [f for f in in_case if fails(report, f)]
            if failing:
                failures += 1
                first = failing[0]
                failure = ElementTree.SubElement(
                    case,
                    "failure",
                    type=first.rule,
                    message=_xml(first.message)
                    + (f" (and {len(failing) - 1} more)" if len(failing) > 1 else ""),
                )
                failure.text = "\n".join(_describe(place, f) for f in failing)
            others = [f for f in in_case if not fails(report, f)]
            if others:
                ElementTree.SubElement(case, "system-out").text = "\n".join(
                    _describe(place, f) for f in others
                )
        for skipped in report.skipped:
            case = ElementTree.SubElement(
                suite, "testcase", classname=f"{name}.{skipped.check}", name=skipped.check
            )
            ElementTree.SubElement(
                case, "skipped", message=_xml(f"not checked until fixed: {skipped.reason}")
            )
        suite.set("tests", str(len(cases) + len(report.skipped)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", str(len(report.skipped)))
        return suite
