"""`ohw variant create` and `ohw variant switch` (ohw.storage.vcs.history):
variants are branches, made and switched as git makes and switches them
(history/test_log.py lists them)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support.designs import commit_edit, edit
from support.run import git, run_ohw


def current_branch(folder: Path) -> str:
    return git("rev-parse", "--abbrev-ref", "HEAD", cwd=folder).strip()


def test_create_makes_a_branch_git_sees_and_switches_to_it(lamp: Path):
    done = run_ohw("variant", "create", "imperial", cwd=lamp)
    assert done.returncode == 0, done.stderr
    assert "Created the variant imperial" in done.stdout
    assert git("branch", "--format=%(refname:short)", cwd=lamp).split() == ["imperial", "main"]
    assert current_branch(lamp) == "imperial"
    assert git("rev-parse", "imperial", cwd=lamp) == git("rev-parse", "main", cwd=lamp)
    assert git("status", "--porcelain", cwd=lamp) == ""
    git("fsck", "--strict", cwd=lamp)


def test_create_from_a_revision_checks_that_revision_out(lamp: Path):
    first = git("rev-parse", "HEAD", cwd=lamp).strip()
    commit_edit(lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "Longer strip")
    done = run_ohw("variant", "create", "short-strip", "--from", first, cwd=lamp)
    assert done.returncode == 0, done.stderr
    assert git("rev-parse", "HEAD", cwd=lamp).strip() == first
    assert "quantity: 0.3" in (lamp / "bom.yaml").read_text()
    assert git("status", "--porcelain", cwd=lamp) == ""
    done = run_ohw("variant", "create", "other", "--from", "no-such-rev", cwd=lamp)
    assert done.returncode == 2
    assert "other" not in git("branch", cwd=lamp)


def test_switch_works_like_git_switch_and_keeps_unrelated_local_changes(lamp: Path):
    git("switch", "-qc", "metric", cwd=lamp)
    commit_edit(lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "metric strip")
    git("switch", "-q", "main", cwd=lamp)
    edit(lamp, "README.md", "#", "# (local note)\n#")  # not changed between the branches
    (lamp / "scratch.txt").write_text("untracked\n")
    edit(lamp, "ohw.yaml", "version: 1.2.0", "version: 1.2.1")
    git("add", "ohw.yaml", cwd=lamp)  # staged, and not changed between the branches
    done = run_ohw("variant", "switch", "metric", cwd=lamp)
    assert done.returncode == 0, done.stderr
    assert current_branch(lamp) == "metric"
    assert "quantity: 0.6" in (lamp / "bom.yaml").read_text()
    assert sorted(git("status", "--porcelain", cwd=lamp).splitlines()) == [
        " M README.md",
        "?? scratch.txt",
        "M  ohw.yaml",
    ]
    git("restore", "--staged", "--worktree", "ohw.yaml", "README.md", cwd=lamp)
    done = run_ohw("variant", "switch", "main", cwd=lamp)
    assert done.returncode == 0, done.stderr
    assert git("status", "--porcelain", cwd=lamp) == "?? scratch.txt\n"
    assert "quantity: 0.3" in (lamp / "bom.yaml").read_text()


def test_switch_refuses_to_overwrite_uncommitted_work_and_names_the_files(lamp: Path):
    git("switch", "-qc", "metric", cwd=lamp)
    edit(lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6")
    (lamp / "wiring.md").write_text("metric wiring\n")
    git("add", "wiring.md", cwd=lamp)
    git("commit", "-qam", "metric", cwd=lamp)
    git("switch", "-q", "main", cwd=lamp)
    edit(lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.4")
    (lamp / "wiring.md").write_text("my own notes\n")
    before = git("rev-parse", "HEAD", cwd=lamp)
    done = run_ohw("variant", "switch", "metric", cwd=lamp)
    assert done.returncode == 2
    assert "would overwrite uncommitted changes: bom.yaml, wiring.md" in done.stderr
    assert current_branch(lamp) == "main" and git("rev-parse", "HEAD", cwd=lamp) == before
    assert "quantity: 0.4" in (lamp / "bom.yaml").read_text()
    assert (lamp / "wiring.md").read_text() == "my own notes\n"
    # git refuses the same switch.
    refused = subprocess.run(
        ["git", "switch", "metric"], cwd=lamp, capture_output=True, text=True, check=False
    )
    assert refused.returncode != 0


@pytest.mark.parametrize("name", ["-x", "a..b", "HEAD", "with space", "ends.lock", "trail/", ""])
def test_names_git_would_refuse_are_refused(lamp: Path, name: str):
    done = run_ohw("variant", "create", "--", name, cwd=lamp)
    assert done.returncode == 2
    assert "is not a branch name" in done.stderr
    assert git("branch", "--format=%(refname:short)", cwd=lamp).split() == ["main"]


def test_an_existing_or_unknown_variant_is_an_input_error(lamp: Path):
    done = run_ohw("variant", "create", "main", cwd=lamp)
    assert done.returncode == 2 and "already exists" in done.stderr
    done = run_ohw("variant", "switch", "nope", cwd=lamp)
    assert done.returncode == 2 and "no branch called 'nope'" in done.stderr


def test_create_from_elsewhere_refuses_to_overwrite_and_leaves_no_branch(lamp: Path):
    commit_edit(lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "Longer strip")
    edit(lamp, "bom.yaml", "quantity: 0.6", "quantity: 0.7")
    done = run_ohw("variant", "create", "short-strip", "--from", "HEAD~1", cwd=lamp)
    assert done.returncode == 2
    assert "would overwrite uncommitted changes: bom.yaml" in done.stderr
    assert git("branch", "--format=%(refname:short)", cwd=lamp).split() == ["main"]
    assert "quantity: 0.7" in (lamp / "bom.yaml").read_text()


def test_contributors_are_counted_as_git_shortlog_counts_them(tmp_path: Path):
    from ohw.storage.vcs.history import contributors

    repository = tmp_path / "r"
    (repository / "sub").mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=repository)
    assert contributors(repository) == []  # no commit yet
    for number, (name, email, path) in enumerate([
        ("Ada", "ada@example.org", "a"), ("Ada M.", "ADA@example.org", "sub/b"),
        ("Bob", "bob@old.example", "sub/c"), ("Bob", "bob@old.example", "d"),
    ]):  # fmt: skip
        (repository / path).write_text(str(number))
        git("add", "-A", cwd=repository)
        git("-c", f"user.name={name}", "-c", f"user.email={email}", "commit", "-qm", path,
            cwd=repository)  # fmt: skip
    (repository / ".mailmap").write_text("Bob Builder <bob@example.org> <bob@old.example>\n")
    shortlog = git("shortlog", "-sne", "HEAD", cwd=repository)
    found = [(c.commits, c.name, c.email) for c in contributors(repository)]
    assert [c for c, _, _ in found] == [int(line.split()[0]) for line in shortlog.splitlines()]
    assert found[0] == (2, "Bob Builder", "bob@example.org")
    in_sub = contributors(repository / "sub")
    assert sorted(c.commits for c in in_sub) == [1, 1]  # only the commits touching sub/
    assert contributors(tmp_path) == []  # not a repository
