"""The pre-commit hooks, run by the real pre-commit on designs in real git
repositories: pre-commit installs ohw from this repository into a virtual
environment of its own, as it does for a user, and runs the hooks.

Installing ohw and its dependencies takes pre-commit most of a minute.
`pre-commit try-repo` does it on every call (it keeps its environments in a
temporary folder of its own), so it runs once here, on a broken design; the
other tests name the same repository and commit in a .pre-commit-config.yaml,
as a user does, and share one PRE_COMMIT_HOME, so pre-commit installs once for
them all. The repository is a snapshot of this working tree made for the module."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT
from support.designs import defective_design, desk_lamp_repository
from support.run import git

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
IDENTITY = {
    "GIT_AUTHOR_NAME": "Ada Maker",
    "GIT_AUTHOR_EMAIL": "ada@example.org",
    "GIT_COMMITTER_NAME": "Ada Maker",
    "GIT_COMMITTER_EMAIL": "ada@example.org",
}


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """This working tree as committed in a repository of its own (what
    try-repo installs from), and the PRE_COMMIT_HOME the tests share."""
    snapshot = tmp_path_factory.mktemp("ohw-hooks")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet committed is not listed twice
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    env = {**os.environ, **IDENTITY}
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "snapshot"]):
        subprocess.run(["git", *command], cwd=snapshot, env=env, check=True, timeout=120)
    return snapshot, tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(
    hooks: tuple[Path, Path], design: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    _, home = hooks
    return subprocess.run(
        [str(PRE_COMMIT), *args],
        cwd=design,
        env={**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"},
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def try_repo(hooks: tuple[Path, Path], design: Path, hook: str) -> subprocess.CompletedProcess[str]:
    return pre_commit(hooks, design, "try-repo", str(hooks[0]), hook, "--all-files")


def run_hook(hooks: tuple[Path, Path], design: Path, hook: str) -> subprocess.CompletedProcess[str]:
    """Run ``hook`` as a design that uses ohw's hooks runs it."""
    snapshot = hooks[0]
    commit = git("rev-parse", "HEAD", cwd=snapshot).strip()
    (design / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {snapshot}\n    rev: {commit}\n    hooks:\n"
        "      - id: ohw-check\n      - id: ohw-check-meshes\n"
    )
    git("add", ".pre-commit-config.yaml", cwd=design)
    git("commit", "-qm", "Check with ohw before each commit", cwd=design)
    return pre_commit(hooks, design, "run", hook, "--all-files")


def test_the_hooks_file_offers_the_two_hooks():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {hook["id"]: hook.get("files") for hook in hooks} == {
        "ohw-check": None,
        "ohw-check-meshes": r"\.(stl|STL)$",
    }


def test_try_repo_fails_a_broken_design(hooks, tmp_path):
    done = try_repo(hooks, defective_design(tmp_path / "broken"), "ohw-check")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "ohw check" in done.stdout and "Failed" in done.stdout
    assert "ohw.yaml:12:13 OHW201 error: parts/knob.stl does not exist" in done.stdout


def test_ohw_check_hook_passes_a_good_design_and_fails_a_broken_one(hooks, tmp_path):
    done = run_hook(hooks, desk_lamp_repository(tmp_path / "lamp"), "ohw-check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ohw check" in done.stdout and "Passed" in done.stdout
    failed = run_hook(hooks, defective_design(tmp_path / "broken"), "ohw-check")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "parts/open lid.stl OHW302 error" in failed.stdout


def test_mesh_hook_checks_only_the_stl_files(hooks, tmp_path):
    done = run_hook(hooks, defective_design(tmp_path / "broken"), "ohw-check-meshes")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "open lid.stl" in done.stdout
    assert "ohw.yaml" not in done.stdout  # the manifest is not a mesh: not passed to the hook
    passed = run_hook(hooks, desk_lamp_repository(tmp_path / "lamp"), "ohw-check-meshes")
    assert passed.returncode == 0, passed.stdout + passed.stderr
