"""SARIF 2.1.0, as GitHub code scanning takes it.

One run for all designs checked (code scanning wants one run per tool and
category), every finding id as a rule with its help, paths relative to the
repository's root, a region on every result (code scanning requires a line; a
finding about a whole file points at its start), and fingerprints that stay
the same while the finding does, wherever its line moves.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import quote

from ohw import __version__
from ohw.checks.run import DesignReport
from ohw.design.findings import RULES, Finding, Rule, Severity
from ohw.report.check import repository_file
from ohw.report.reporters import JsonReporter

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
HOME = "https://ohw.dev"
FINDINGS_HELP = f"{HOME}/findings"  # the README's table of finding ids
FINGERPRINT = "ohwFinding/v1"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
_RULE_INDEX = {rule: number for number, rule in enumerate(RULES)}
_FAMILY = {
    "1": "manifest",
    "2": "files",
    "3": "meshes",
    "4": "bom",
    "5": "licenses",
    "6": "instructions",
    "7": "open-know-how",
    "8": "release",
}


def _rule_name(rule: Rule) -> str:
    """The title as one CamelCase word, as SARIF viewers show rule names."""
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", rule.title))


def _descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": _rule_name(rule),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": f"{rule.title}: {rule.hint}"},
        "help": {
            "text": f"How to fix it: {rule.hint}",
            "markdown": f"**{rule.title}** ({rule.id})\n\nHow to fix it: {rule.hint}",
        },
        "helpUri": f"{FINDINGS_HELP}#{rule.id.lower()}",
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": ["open-hardware", _FAMILY[rule.id[3]]]},
    }


def _fingerprint(rule: str, uri: str, message: str, occurrence: int) -> str:
    # Neither line nor column: a finding keeps its fingerprint when lines above it change.
    key = f"{rule}\0{uri}\0{message}\0{occurrence}".encode()
    return hashlib.sha256(key).hexdigest()[:32]


class CheckSarif(JsonReporter[list[DesignReport]]):
    def document(self, result: list[DesignReport]) -> dict[str, Any]:
        return sarif_log(result)


def sarif_log(reports: list[DesignReport]) -> dict[str, Any]:
    results = []
    seen: dict[tuple[str, str, str], int] = {}
    for report in reports:
        for found in report.findings:
            uri = quote(repository_file(report, found.file), safe="/")
            occurrence = seen[found.rule, uri, found.message] = (
                seen.get((found.rule, uri, found.message), -1) + 1
            )
            results.append(_result(found, uri, occurrence))
    notifications = [
        {
            "level": "warning",
            "message": {
                "text": f"{report.name or report.path}: {skipped.check} not checked "
                f"until fixed ({skipped.reason})"
            },
        }
        for report in reports
        for skipped in report.skipped
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ohw",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": HOME,
                        "rules": [_descriptor(rule) for rule in RULES.values()],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _result(found: Finding, uri: str, occurrence: int) -> dict[str, Any]:
    return {
        "ruleId": found.rule,
        "ruleIndex": _RULE_INDEX[found.rule],
        "level": _LEVEL[found.severity],
        "message": {"text": f"{found.message}\n\nhint: {found.hint}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": found.line or 1, "startColumn": found.column or 1},
                }
            }
        ],
        "partialFingerprints": {
            FINGERPRINT: _fingerprint(found.rule, uri, found.message, occurrence)
        },
    }
