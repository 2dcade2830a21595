"""Every output format of `ohw check`, by the name --format takes."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ohw.report.check import Reporter

# Each format's module and class, loaded only when that format is asked for.
REPORTERS: dict[str, tuple[str, str]] = {
    "text": ("ohw.report.check", "TextReporter"),
    "json": ("ohw.report.check", "JsonReporter"),
    "sarif": ("ohw.report.sarif", "SarifReporter"),
    "github": ("ohw.report.github", "GithubReporter"),
    "junit": ("ohw.report.junit", "JunitReporter"),
}
# The formats whose consumers find files from the repository's root.
LOCATES_IN_REPOSITORY = frozenset({"sarif", "github", "junit"})


def reporter(output_format: str) -> Reporter:
    """The reporter of ``output_format``, one of REPORTERS."""
    module, name = REPORTERS[output_format]
    made: Reporter = getattr(import_module(module), name)()
    return made
