"""Every report ohw writes, by what it reports and the format asked for.

A reporter is a small class with one method, ``write``: one kind of result, in
one format, to a stream. REPORTS names each reporter's module and class, loaded
only when that format is asked for; it is also what ``--format`` offers on the
command line, the first format of each being the default.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from importlib import import_module
from typing import IO, Any, Generic, TypeVar

Result = TypeVar("Result")


class Reporter(ABC, Generic[Result]):
    @abstractmethod
    def write(self, result: Result, stream: IO[str]) -> None:
        """Write ``result`` to ``stream``."""


class JsonReporter(Reporter[Result]):
    """A result as one JSON document (its shape is in schemas/), indented, with
    text as written rather than escaped."""

    def write(self, result: Result, stream: IO[str]) -> None:
        json.dump(self.document(result), stream, indent=2, ensure_ascii=False)
        stream.write("\n")

    @abstractmethod
    def document(self, result: Result) -> Any:
        """The JSON document of ``result``."""


def _formats(module: str, **classes: str) -> dict[str, str]:
    return {name: f"ohw.report.{module}:{cls}" for name, cls in classes.items()}


# What is reported -> format -> "module:class".
REPORTS: dict[str, dict[str, str]] = {
    "check": {
        **_formats("check", text="CheckText", json="CheckJson"),
        **_formats("sarif", sarif="CheckSarif"),
        **_formats("github", github="CheckGithub"),
        **_formats("junit", junit="CheckJunit"),
    },
    "mesh": _formats("mesh", text="MeshText", json="MeshJson"),
    "bom": _formats("bom", table="BomTable", csv="BomCsv", json="BomJson", md="BomMarkdown"),
    "bom-import": _formats("bom_import", text="BomImportText", json="BomImportJson"),
    "diff": _formats("diff", text="DiffText", json="DiffJson"),
    "log": _formats("history", text="LogText", json="LogJson"),
    "variants": _formats("history", text="VariantsText", json="VariantsJson"),
    "lineage": _formats("lineage", text="LineageText", json="LineageJson", dot="LineageDot"),
    "credits": _formats("credits", text="CreditsText", json="CreditsJson"),
    "remix": _formats("remix", text="RemixText", json="RemixJson"),
    "merge": _formats("merge", text="MergeText", json="MergeJson"),
    "resolve": _formats("merge", text="ResolveText", json="ResolveJson"),
    "kit": _formats("fab", text="KitText", json="KitJson"),
    "catalog": _formats("catalog", text="CatalogText", json="CatalogJson"),
    "catalog-sync": _formats("catalog", text="SyncText", json="SyncJson"),
    "okh-import": _formats("okh", text="OkhImportText", json="OkhImportJson"),
    "okh-export": _formats("okh", text="OkhExportText", json="OkhExportJson"),
    "adopt": _formats("adopt", text="AdoptText", json="AdoptJson"),
}
# The formats of `ohw check` whose readers find files from the repository's root.
LOCATES_IN_REPOSITORY = frozenset({"sarif", "github", "junit"})


def formats(report: str) -> tuple[str, ...]:
    """The formats ``report`` is written in, the default first."""
    return tuple(REPORTS[report])


def reporter(report: str, output_format: str) -> Reporter[Any]:
    """The reporter of ``report`` in ``output_format``, one of its formats."""
    module, name = REPORTS[report][output_format].split(":")
    made: Reporter[Any] = getattr(import_module(module), name)()
    return made


def write_report(report: str, output_format: str, result: Any, stream: IO[str]) -> None:
    reporter(report, output_format).write(result, stream)
