"""A design's settings for `ohw check` (.ohw.yaml): the policy a repository
sets for its own CI, read from the tree being checked and validated by
schemas/settings.schema.json.

    check:
      strict: true                  # warnings fail too
      findings: {OHW205: off, OHW306: error}
      ignore: ["archive/", "*.bak.stl"]
      max-file-size-mib: 20
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ohw.design.findings import RULES, Finding, Severity, finding
from ohw.design.schemas import validate
from ohw.storage.tree import DesignTree
from ohw.storage.yaml.document import ReadProblem
from ohw.storage.yaml.read import load_yaml

if TYPE_CHECKING:
    import pathspec

SETTINGS = ".ohw.yaml"
RULE_SETTINGS_SCHEMA = "OHW113"
OFF = "off"
# GitHub warns about files over 50 MiB, and refuses those over 100 MiB.
DEFAULT_MAX_FILE_MIB = 50.0


@dataclass(frozen=True)
class CheckSettings:
    strict: bool = False
    severities: dict[str, str] = field(default_factory=dict)  # finding id -> severity or "off"
    ignore: tuple[str, ...] = ()
    max_file_mib: float = DEFAULT_MAX_FILE_MIB

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mib * (1 << 20))

    @cached_property
    def _ignored(self) -> pathspec.GitIgnoreSpec | None:
        if not self.ignore:
            return None
        import pathspec

        return pathspec.GitIgnoreSpec.from_lines(self.ignore)

    def ignores(self, path: str) -> bool:
        """Whether ``path`` (a design path) is left out of the check."""
        return self._ignored is not None and self._ignored.match_file(path)

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        """``findings`` as this policy reports them: in ignored paths or turned off
        left out, the rest with the severity asked for."""
        kept = []
        for found in findings:
            wanted = self.severities.get(found.rule)
            if wanted == OFF or self.ignores(found.file):
                continue
            if wanted is not None and wanted != found.severity.value:
                kept.append(dataclasses.replace(found, severity=Severity(wanted)))
            else:
                kept.append(found)
        return kept


def read_settings(tree: DesignTree) -> tuple[CheckSettings, list[Finding]]:
    """The settings of the design in ``tree`` (the defaults when it has none),
    and the findings its .ohw.yaml gets: a file with errors is not used at all,
    so that a typo never silently turns a check off."""
    if not tree.exists(SETTINGS):
        return CheckSettings(), []
    try:
        document = load_yaml(tree.read_bytes(SETTINGS))
    except ReadProblem as problem:
        return CheckSettings(), [
            finding(problem.rule, SETTINGS, problem.message, problem.at, problem.hint)
        ]
    if document.data is None:  # an empty file: nothing set
        return CheckSettings(), []
    data, violations = validate(document, "settings", "the settings")
    found = [
        finding(v.rule or RULE_SETTINGS_SCHEMA, SETTINGS, v.message, v.at, v.hint)
        for v in violations
    ]
    check: dict[str, Any] = data.get("check", {}) if not violations else {}
    for rule in check.get("findings", {}):
        if rule not in RULES:
            close = difflib.get_close_matches(rule, list(RULES), n=1)
            found.append(
                finding(
                    RULE_SETTINGS_SCHEMA,
                    SETTINGS,
                    f"check.findings names {rule!r}, which is not a finding id of ohw",
                    document.locate_key(("check", "findings", rule)),
                    f"did you mean {close[0]}? " if close else "the README lists the finding ids",
                )
            )
    if found:
        return CheckSettings(), found
    return CheckSettings(
        strict=check.get("strict", False),
        severities=dict(check.get("findings", {})),
        ignore=tuple(check.get("ignore", ())),
        max_file_mib=float(check.get("max-file-size-mib", DEFAULT_MAX_FILE_MIB)),
    ), []
