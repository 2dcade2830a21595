"""`ohw variant`: variants are branches, made and switched as git makes and
switches them, and listed with how they differ from the default branch."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from support import desk_lamp_repository, git, run_ohw

from ohw.design.schemas import schema_validator


def edit(folder: Path, path: str, old: str, new: str) -> None:
    text = (folder / path).read_text()
    assert old in text
    (folder / path).write_text(text.replace(old, new, 1))


def current_branch(folder: Path) -> str:
    return git("rev-parse", "--abbrev-ref", "HEAD", cwd=folder).strip()


@pytest.fixture
def lamp(tmp_path: Path) -> Path:
    return desk_lamp_repository(tmp_path / "lamp")


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
    edit(lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6")
    git("commit", "-qam", "Longer strip", cwd=lamp)
    done = run_ohw("variant", "create", "short-strip", "--from", first, cwd=lamp)
    assert done.returncode == 0, done.stderr
    assert git("rev-parse", "HEAD", cwd=lamp).strip() == first
    assert "quantity: 0.3" in (lamp / "bom.yaml").read_text()
    assert git("status", "--porcelain", cwd=lamp) == ""
    done = run_ohw("variant", "create", "other", "--from", "no-such-rev", cwd=lamp)
    assert done.returncode == 2
    assert "other" not in git("branch", cwd=lamp)


def test_list_shows_each_variant_against_main_and_marks_the_current_one(lamp: Path):
    git("switch", "-qc", "usb-c", cwd=lamp)
    edit(lamp, "bom.yaml", "USB 2.0 cable, USB-A plug", "USB 2.0 cable, USB-C plug")
    edit(lamp, "ohw.yaml", "version: 1.2.0", "version: 1.2.0-usbc")
    git("commit", "-qam", "USB-C", cwd=lamp)
    git("branch", "same", "main", cwd=lamp)
    done = run_ohw("variant", "list", "--json", cwd=lamp)
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    schema_validator("variant-list").validate(output)
    assert output["default"] == "main"
    variants = {v["name"]: v for v in output["variants"]}
    assert list(variants) == ["main", "same", "usb-c"]
    assert [n for n, v in variants.items() if v["current"]] == ["usb-c"]
    assert variants["main"]["default"] is True and variants["main"]["changes"] is None
    assert variants["same"]["changes"]["empty"] is True
    usb = variants["usb-c"]
    assert usb["commit"] == git("rev-parse", "usb-c", cwd=lamp).strip()
    assert usb["changes"]["manifest"] == [
        {"field": ["version"], "old": "1.2.0", "new": "1.2.0-usbc"}
    ]
    assert [(b["id"], b["fields"][0]["field"]) for b in usb["changes"]["bom"]] == [
        ("usb-cable", ["name"])
    ]
    text = run_ohw("variant", "list", cwd=lamp).stdout.splitlines()
    assert text[0].startswith("  main ") and "(default branch)" in text[0]
    assert text[1].startswith("  same ") and "the same design as main" in text[1]
    assert text[2].startswith("* usb-c ") and "version 1.2.0→1.2.0-usbc" in text[2]


def test_switch_works_like_git_switch_and_keeps_unrelated_local_changes(lamp: Path):
    git("switch", "-qc", "metric", cwd=lamp)
    edit(lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6")
    git("commit", "-qam", "metric strip", cwd=lamp)
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


def test_variant_alone_lists_as_git_branch_does(lamp: Path):
    git("branch", "imperial", cwd=lamp)
    done = run_ohw("variant", cwd=lamp)
    assert done.returncode == 0, done.stderr
    assert [line.split()[:2] for line in done.stdout.splitlines()] == [
        ["imperial", git("rev-parse", "--short=7", "imperial", cwd=lamp).strip()],
        ["*", "main"],
    ]


def test_create_from_elsewhere_refuses_to_overwrite_and_leaves_no_branch(lamp: Path):
    edit(lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6")
    git("commit", "-qam", "Longer strip", cwd=lamp)
    edit(lamp, "bom.yaml", "quantity: 0.6", "quantity: 0.7")
    done = run_ohw("variant", "create", "short-strip", "--from", "HEAD~1", cwd=lamp)
    assert done.returncode == 2
    assert "would overwrite uncommitted changes: bom.yaml" in done.stderr
    assert git("branch", "--format=%(refname:short)", cwd=lamp).split() == ["main"]
    assert "quantity: 0.7" in (lamp / "bom.yaml").read_text()
