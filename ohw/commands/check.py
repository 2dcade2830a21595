from __future__ import annotations

import io
import sys
from pathlib import Path

from ohw.checks import CheckOptions, check_design
from ohw.errors import OhwError
from ohw.files import write_atomically
from ohw.render.reporters import LOCATES_IN_REPOSITORY, REPORTERS
from ohw.tree import open_design


def check(
    paths: list[str],
    revision: str | None,
    output_format: str,
    options: CheckOptions,
    output: str | None = None,
) -> int:
    """Check each design; 0 if none has a finding that fails it, else 1."""
    # Open every design first: a wrong path is a usage error before any output.
    trees = [(path, open_design(Path(path), revision)) for path in paths]
    reports = []
    for path, tree in trees:
        changed = None
        if options.changed_since is not None:
            from ohw.vcs import changed_files

            changed = changed_files(tree.location, options.changed_since, revision)
        reports.append(check_design(tree, path, options, changed))
    if output_format in LOCATES_IN_REPOSITORY:
        from ohw.vcs import repository_path

        for report in reports:
            report.repository_path = repository_path(report.tree.location)
    if output is None:
        REPORTERS[output_format]().render(reports, sys.stdout)
    else:
        text = io.StringIO()
        REPORTERS[output_format]().render(reports, text)
        try:
            write_atomically(Path(output), text.getvalue().encode("utf-8"))
        except OSError as error:
            raise OhwError(f"cannot write {output}: {error.strerror}") from None
    return 0 if all(report.ok for report in reports) else 1
