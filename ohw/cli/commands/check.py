"""`ohw check`: check designs, report, and keep the report for a re-run to replay."""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

from ohw.checks.context import CheckOptions
from ohw.checks.run import check_design
from ohw.design.paths import design_folder
from ohw.design.reader import open_design
from ohw.errors import OhwError
from ohw.report.reporters import LOCATES_IN_REPOSITORY, reporter
from ohw.startup.ahead import take_ahead
from ohw.startup.record import record, take_snapshot
from ohw.storage.files import write_atomically


def check(
    paths: list[str],
    revision: str | None,
    output_format: str,
    options: CheckOptions,
    *,
    output: str | None = None,
    invocation: list[str] | None = None,
) -> int:
    """Check each design (default: the current folder); 0 if none has a finding
    that fails it, else 1. With ``invocation`` (the arguments after ``check``),
    the report is recorded for a re-run on the unchanged designs to replay."""
    paths = paths or ["."]
    # Taken before anything is read: a file changed while it is checked must not
    # look, next time, like the file that was checked.
    recordable = revision is None and options.changed_since is None and options.use_cache
    snapshot = take_snapshot(paths) if invocation is not None and recordable else None
    # Open every design first: a wrong path is a usage error before any output.
    trees = [(str(design_folder(Path(path))), open_design(Path(path), revision)) for path in paths]
    reports = []
    # The workers ohw.cli.main started, if any, analysing meshes since.
    with take_ahead() or contextlib.nullcontext() as workers:
        for path, tree in trees:
            changed = None
            if options.changed_since is not None:
                from ohw.storage.vcs.repository import changed_files

                changed = changed_files(tree.location, options.changed_since, revision)
            reports.append(check_design(tree, path, options, changed, workers))
    if output_format in LOCATES_IN_REPOSITORY:
        from ohw.storage.vcs.repository import repository_path

        for report in reports:
            report.repository_path = repository_path(report.tree.location)
    exit_code = 0 if all(report.ok for report in reports) else 1
    chosen = reporter("check", output_format)
    if output is None and sys.stdout.isatty():  # coloured for this terminal: not recorded
        chosen.write(reports, sys.stdout)
        return exit_code
    text = io.StringIO()
    chosen.write(reports, text)
    if output is None:
        sys.stdout.write(text.getvalue())
    else:
        try:
            write_atomically(Path(output), text.getvalue().encode("utf-8"))
        except OSError as error:
            raise OhwError(f"cannot write {output}: {error.strerror}") from None
    # An LFS object fetched later changes the report, and no file of the design.
    fetchable = any(f.rule == "OHW212" for report in reports for f in report.findings)
    if snapshot is not None and invocation is not None and not fetchable:
        record(invocation, snapshot, text.getvalue(), output, exit_code)
    return exit_code
