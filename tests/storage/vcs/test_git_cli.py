"""The git command line as ohw runs it (ohw.storage.vcs.git_cli): parallel
checkout where the person has not configured it, work done in the meantime
of a transfer, questions asked at once, and the index refreshed."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from support.designs import desk_lamp_repository
from support.run import git

from ohw.storage.vcs import git_cli


def test_a_clone_checks_out_in_parallel_unless_git_is_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert git_cli.parallel_checkout(tmp_path) == [
        "checkout.workers=3",
        f"checkout.thresholdForParallelism={git_cli._PARALLEL_FROM_FILES}",
    ]
    for setting in ("checkout.workers", "checkout.thresholdForParallelism"):
        home = Path(os.environ["HOME"])
        git("config", "--file", home / ".gitconfig", setting, "1", cwd=tmp_path)
        assert git_cli.parallel_checkout(tmp_path) == []  # the person's choice stands
        git("config", "--file", home / ".gitconfig", "--unset", setting, cwd=tmp_path)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert git_cli.parallel_checkout(tmp_path) == []  # one processor: nothing to share


def test_work_in_the_meantime_runs_while_git_does_and_its_failure_is_no_failure(
    tmp_path: Path,
):
    lamp = desk_lamp_repository(tmp_path / "lamp")
    done: list[str] = []
    git_cli.transfer(
        "clone",
        ["--", str(lamp), str(tmp_path / "a")],
        tmp_path,
        None,
        meanwhile=lambda: done.append(threading.current_thread().name),
    )
    assert done and done[0] != threading.current_thread().name
    assert threading.active_count() == 1  # joined: the next child may be forked safely

    def fails() -> None:
        raise ImportError("a module that cannot be loaded is loaded, and said, later")

    git_cli.transfer(
        "clone", ["--", str(lamp), str(tmp_path / "b")], tmp_path, None, meanwhile=fails
    )
    assert (tmp_path / "b" / "ohw.yaml").is_file()
    with pytest.raises(git_cli.GitFailed):  # git's failure is still the failure
        git_cli.transfer(
            "clone", ["--", str(tmp_path / "none"), str(tmp_path / "c")], tmp_path, None,
            meanwhile=lambda: None,
        )  # fmt: skip
    assert threading.active_count() == 1


def test_questions_asked_at_once_are_answered_in_order_failures_and_all(tmp_path: Path):
    lamp = desk_lamp_repository(tmp_path / "lamp")
    answers = git_cli.ask_at_once(
        [
            ["rev-parse", "HEAD"],
            ["cat-file", "blob", "HEAD:no-such-file"],
            ["show", "HEAD:ohw.yaml"],
        ],
        lamp,
    )
    assert answers[0] == git("rev-parse", "HEAD", cwd=lamp).encode()
    assert isinstance(answers[1], git_cli.GitFailed) and "no-such-file" in str(answers[1])
    assert answers[2] == (lamp / "ohw.yaml").read_bytes()
    with pytest.raises(git_cli.GitFailed, match="no-such-file"):
        git_cli.answered(answers)


def test_a_refreshed_index_records_the_files_as_they_are_and_stages_nothing(tmp_path: Path):
    lamp = desk_lamp_repository(tmp_path / "lamp")
    copy = tmp_path / "copy"
    shutil.copytree(lamp, copy, symlinks=True)  # new inodes and times: every record stale
    (copy / "README.md").write_text("changed, not staged\n")
    assert len(git("diff-files", "--name-only", cwd=copy).split()) > 1
    git_cli.refresh_index(copy)
    assert git("diff-files", "--name-only", cwd=copy) == "README.md\n"
    assert git("diff", "--cached", "--name-only", cwd=copy) == ""
    (copy / ".git" / "index.lock").write_text("")  # another git at work: left to it
    os.utime(copy / "bom.yaml", (1e9, 1e9))  # touched: its record stale
    git_cli.refresh_index(copy)
    (copy / ".git" / "index.lock").unlink()
    assert git("diff-files", "--name-only", cwd=copy) == "README.md\nbom.yaml\n"
