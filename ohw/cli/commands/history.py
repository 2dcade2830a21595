"""`ohw diff`, `ohw log`, `ohw lineage` and `ohw variant`. Each imports what it
runs: `ohw variant switch` has no need of the differ."""

from __future__ import annotations

import sys
from pathlib import Path

from ohw.report.styled import printable


def diff(old: str | None, new: str | None, output_format: str, images: str | None) -> int:
    """0 whatever changed: a diff is a report."""
    from ohw.design.paths import design_folder
    from ohw.history.diff import DesignReader, design_trees
    from ohw.report.diff import DiffReport
    from ohw.report.reporters import write_report
    from ohw.storage.cache import cache_directory

    folder = design_folder()
    before, after = design_trees(folder, old, new)
    changes = DesignReader(cache_directory(folder)).diff(before, after)
    pictures = None
    if images is not None:
        from ohw.picture.changes import diff_pictures, output_folder

        pictures = diff_pictures(changes, before, after, output_folder(images))
    write_report("diff", output_format, DiffReport(changes, pictures), sys.stdout)
    return 0


def log(revision: str, limit: int | None, output_format: str) -> int:
    from ohw.design.paths import design_folder
    from ohw.history.log import design_log
    from ohw.report.reporters import write_report

    write_report("log", output_format, design_log(design_folder(), revision, limit), sys.stdout)
    return 0


def lineage(revision: str | None, output_format: str) -> int:
    from ohw.design.reader import open_design
    from ohw.lineage.ancestry import design_lineage
    from ohw.report.reporters import write_report

    lineage = design_lineage(open_design(Path(), revision))
    write_report("lineage", output_format, lineage, sys.stdout)
    return 0


def variant_list(output_format: str) -> int:
    from ohw.design.paths import design_folder
    from ohw.history.log import list_variants
    from ohw.report.reporters import write_report

    write_report("variants", output_format, list_variants(design_folder()), sys.stdout)
    return 0


def variant_create(name: str, start: str | None) -> int:
    from ohw.storage.vcs.history import create_branch

    commit = create_branch(Path(), name, start)
    print(f"Created the variant {printable(name)} at {commit[:7]} and switched to it")
    return 0


def variant_switch(name: str) -> int:
    from ohw.storage.vcs.history import switch_branch

    commit = switch_branch(Path(), name)
    print(f"Switched to the variant {printable(name)} ({commit[:7]})")
    return 0
