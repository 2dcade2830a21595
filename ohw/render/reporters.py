"""Every output format of `ohw check`, by the name --format takes."""

from __future__ import annotations

from ohw.render.check import JsonReporter, Reporter, TextReporter
from ohw.render.github import GithubReporter
from ohw.render.junit import JunitReporter
from ohw.render.sarif import SarifReporter

REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "sarif": SarifReporter,
    "github": GithubReporter,
    "junit": JunitReporter,
}
# The formats whose consumers find files from the repository's root.
LOCATES_IN_REPOSITORY = frozenset({"sarif", "github", "junit"})
