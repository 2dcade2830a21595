"""Fixtures and hooks for every test: the corpus marker, git as a new user has
it, the designs and repositories several test files start from (built with
the helpers of the support package), and Hypothesis's profile (support.fuzz)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import CORPUS
from support.designs import defective_design, desk_lamp_repository, push_to_bare
from support.fuzz import register_profiles
from support.run import git

register_profiles()


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("corpus") and not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is absent ({CORPUS}); CI always has it")


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is absent ({CORPUS}); CI always has it")
    return CORPUS


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees git as a new user would, with a known identity and no
    configuration of the machine's."""
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Ada Maker\n\temail = ada@example.org\n[init]\n\tdefaultBranch = main\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "OHW_DEBUG",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def lamp(tmp_path: Path) -> Path:
    """The desk lamp example as a git repository in tmp_path/lamp, one commit on main."""
    return desk_lamp_repository(tmp_path / "lamp")


@pytest.fixture
def forked_lamp(lamp: Path) -> Path:
    """The desk lamp on main, and a branch 'fork' off it; main checked out."""
    git("branch", "fork", cwd=lamp)
    return lamp


@pytest.fixture
def defective(tmp_path: Path) -> Path:
    """The design with known defects (support.designs.DEFECTS) in tmp_path/defective,
    committed in a repository of its own."""
    return defective_design(tmp_path / "defective")


@pytest.fixture
def served(tmp_path: Path) -> Path:
    """Ada's desk lamp in tmp_path/ada, pushed to a bare repository under
    tmp_path/srv (returned), its tracked remote origin."""
    return push_to_bare(desk_lamp_repository(tmp_path / "ada"), tmp_path / "srv")


@pytest.fixture
def ohw_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """ohw's cache in tmp_path/cache, for every ohw run in this process."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("OHW_CACHE_DIR", str(folder))
    return folder
