"""ohw.storage.locations finds a repository with the operating system's calls
alone, standing in for libgit2's discovery (pygit2.discover_repository), which
ohw cannot afford before a recorded check is replayed: the two agree."""

from __future__ import annotations

import os
from pathlib import Path

import pygit2
import pytest
from support.designs import init_and_commit, write_files
from support.run import git

from ohw.storage.locations import repository_of


def libgit2_says(near: Path) -> tuple[str, str] | None:
    found = pygit2.discover_repository(str(near))
    if found is None:
        return None
    repository = pygit2.Repository(found)
    workdir = repository.workdir
    assert workdir is not None
    return os.path.realpath(workdir), os.path.realpath(repository.path)


def ours(near: Path) -> tuple[str, str] | None:
    found = repository_of(str(near))
    return None if found is None else (os.path.realpath(found[0]), os.path.realpath(found[1]))


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    folder = tmp_path / "design"
    folder.mkdir()
    write_files(folder, {"ohw.yaml": "ohw: 1\n", "parts/deep/knob.stl": b"solid\n"})
    return init_and_commit(folder, "design")


@pytest.mark.parametrize("where", [".", "parts", "parts/deep", "parts/deep/knob.stl", "ohw.yaml"])
def test_a_folder_or_file_in_a_repository(repository, where):
    assert ours(repository / where) == libgit2_says(repository / where)


def test_a_worktree_whose_dot_git_is_a_file(repository, tmp_path):
    git("worktree", "add", "-q", tmp_path / "other", cwd=repository)
    assert (tmp_path / "other" / ".git").is_file()
    assert ours(tmp_path / "other" / "parts") == libgit2_says(tmp_path / "other" / "parts")


def test_a_folder_reached_through_a_symbolic_link(repository, tmp_path):
    (tmp_path / "link").symlink_to(repository / "parts")
    assert ours(tmp_path / "link") == libgit2_says(tmp_path / "link")


def test_a_folder_in_no_repository(tmp_path):
    (tmp_path / "loose").mkdir()
    assert ours(tmp_path / "loose") is None is libgit2_says(tmp_path / "loose")


def test_the_design_is_found_upward_as_git_finds_its_repository(tmp_path):
    from ohw.storage.locations import design_root

    write_files(tmp_path / "outer", {"ohw.yaml": "ohw: 1\n", "designs/lamp/ohw.yaml": "ohw: 1\n"})
    (tmp_path / "outer" / "designs" / "lamp" / "parts" / "deep").mkdir(parents=True)
    lamp = tmp_path / "outer" / "designs" / "lamp"
    assert design_root(str(lamp / "parts" / "deep")) == str(lamp)
    assert design_root(str(lamp)) == str(lamp)
    # Outside any repository the search goes up to the root of the file system.
    assert design_root(str(tmp_path / "outer" / "designs")) == str(tmp_path / "outer")
    assert design_root(str(tmp_path)) is None


def test_the_search_stops_at_the_root_of_the_repository(tmp_path):
    from ohw.storage.locations import design_root

    write_files(tmp_path, {"ohw.yaml": "ohw: 1\n", "project/README.md": "not a design\n"})
    git("init", "-q", cwd=tmp_path / "project")
    (tmp_path / "project" / "docs").mkdir()
    # The design above belongs to another project than this repository.
    assert design_root(str(tmp_path / "project" / "docs")) is None
    assert design_root(str(tmp_path / "project")) is None
