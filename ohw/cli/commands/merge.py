"""`ohw merge`, `ohw resolve` and `ohw merge-driver`."""

from __future__ import annotations

import sys
from pathlib import Path

from ohw.design.paths import design_folder
from ohw.errors import OhwError
from ohw.merge import workflow
from ohw.merge.files import merge_file
from ohw.merge.plan import Side
from ohw.report.merge import MergeReport
from ohw.report.reporters import write_report
from ohw.report.styled import printable
from ohw.storage.files import write_atomically
from ohw.storage.vcs import merging as git_merging
from ohw.storage.vcs.repository import identity_or_error


def merge(
    revision: str | None,
    *,
    resume: bool,
    abort: bool,
    output_format: str,
    images: str | None = None,
) -> int:
    """0 when merged (or nothing to merge), 1 when conflicts stop the merge."""
    folder = design_folder()
    if images is not None and revision is None:
        raise OhwError("--images goes with a merge of REF", "ohw merge REF --images DIR")
    if abort:
        kept = git_merging.abort_merge(folder)
        notes = tuple(f"kept your changes to {path}, made during the merge" for path in kept)
        aborted = MergeReport("aborted", None, (), (), notes, {})
        write_report("merge", output_format, aborted, sys.stdout)
        return 0
    if resume:
        commit = git_merging.continue_merge(folder, identity_or_error(folder))
        merged = MergeReport("merged", commit, (), (), (), {})
        write_report("merge", output_format, merged, sys.stdout)
        return 0
    if revision is None:
        raise OhwError("say what to merge", "ohw merge BRANCH (or --continue, --abort)")
    folder_for_images = _images_folder(images)
    outcome = workflow.merge(folder, revision, lambda: identity_or_error(folder))
    return show_outcome(outcome, output_format, folder_for_images)


def _images_folder(images: str | None) -> Path | None:
    if images is None:
        return None
    from ohw.picture.changes import output_folder

    return output_folder(images)


def show_outcome(
    outcome: workflow.MergeOutcome, output_format: str, images: Path | None = None
) -> int:
    """Report a merge (also for pull and update); 1 if it stopped on conflicts.
    With ``images``, a picture of each conflicted mesh is written there."""
    pictures = None
    if images is not None:
        from ohw.picture.changes import conflict_pictures

        pictures = conflict_pictures(outcome.conflicted, images)
    report = MergeReport(
        outcome.status,
        outcome.commit,
        outcome.merged_by_meaning,
        outcome.conflicted,
        outcome.notes,
        workflow.conflicted_meshes(Path(), outcome.conflicted),
        pictures,
    )
    write_report("merge", output_format, report, sys.stdout)
    return 1 if outcome.conflicted else 0


def resolve(
    paths: list[str],
    side: Side | None,
    *,
    whole_file: bool = False,
    images: str | None = None,
    output_format: str = "text",
) -> int:
    if whole_file and side is None:
        raise OhwError(
            "--whole-file takes one side's whole file: say which",
            "ohw resolve PATH --whole-file --ours (or --theirs, --base)",
        )
    if images is not None:
        if side is not None:
            raise OhwError(
                "--images shows the sides and settles nothing: give it without a side",
                "look at the pictures, then run `ohw resolve PATH --ours|--theirs|--base`",
            )
        from ohw.picture.changes import conflict_pictures, output_folder
        from ohw.report.merge import render_pictures

        folder = output_folder(images)
        conflicted = workflow.conflicted_files(Path(), paths)
        render_pictures(conflict_pictures(conflicted, folder), sys.stdout)
        return 0
    done: list[workflow.Resolution] = []
    try:
        for path in paths:
            done.append(workflow.resolve(Path(), path, side, whole_file=whole_file))
    finally:  # what was settled is said, also when a later file cannot be
        if done:
            write_report("resolve", output_format, done, sys.stdout)
    return 0


def merge_driver(base: str, ours: str, theirs: str, path: str) -> int:
    """git's merge driver protocol: the result goes to ``ours``; exit 0 if clean."""
    try:
        contents = [Path(p).read_bytes() for p in (base, ours, theirs)]
    except OSError as error:
        raise OhwError(f"cannot read a version of {path}: {error.strerror}") from None
    result = merge_file(path, contents[0] or None, contents[1], contents[2])
    write_atomically(Path(ours), result.data)
    if result.fallback:
        print(f"ohw: {printable(path)} was merged line by line: {result.fallback}", file=sys.stderr)
    if result.rewritten:
        print(
            f"ohw: {printable(path)} was written anew, without ours' comments: {result.rewritten}",
            file=sys.stderr,
        )
    for conflict in result.conflicts:
        print(
            f"ohw: conflict in {printable(path)}: {printable(conflict.describe())}", file=sys.stderr
        )
    return 0 if result.clean else 1
