"""`ohw log` on histories made with git: every commit git lists, each with its
design changes, merges against their first parent; and `ohw variant list`,
each branch with its differences from the default branch (ohw.history.log)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.designs import commit_edit, desk_lamp_repository, edit
from support.meshes import cube_stl
from support.run import git, ohw_json, run_ohw


def log_json(folder: Path, *args: str) -> list[dict]:
    return ohw_json("log-output", "log", "--json", *args, cwd=folder)["commits"]


@pytest.fixture
def history(lamp: Path) -> Path:
    """The desk lamp with a few commits of design changes and a merged branch."""
    commit_edit(lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "Longer LED strip")
    git("switch", "-qc", "bigger-base", cwd=lamp)
    (lamp / "parts" / "base.stl").write_bytes(cube_stl(20.0))
    git("commit", "-qam", "A heavier base", cwd=lamp)
    git("switch", "-q", "main", cwd=lamp)
    commit_edit(lamp, "ohw.yaml", "version: 1.2.0", "version: 1.3.0", "Version 1.3.0")
    (lamp / "notes.txt").write_text("not part of the design's meaning\n")
    git("add", "notes.txt", cwd=lamp)
    git("commit", "-qm", "Notes", cwd=lamp)
    git("merge", "-q", "--no-edit", "bigger-base", cwd=lamp)
    return lamp


def test_every_commit_git_lists_with_its_design_changes(history: Path):
    commits = log_json(history)
    assert commits[0]["id"] == git("rev-parse", "HEAD", cwd=history).strip()
    assert sorted(c["id"] for c in commits) == sorted(
        git("log", "--format=%H", cwd=history).split()
    )
    by_subject = {c["subject"]: c for c in commits}
    for line in git("log", "--format=%H%x00%an%x00%ae%x00%s%x00%aI", cwd=history).splitlines():
        commit_id, name, email, subject, date = line.split("\0")
        entry = by_subject[subject]
        assert entry["id"] == commit_id
        assert entry["author"] == {"name": name, "email": email}
        assert entry["date"] == date
    assert by_subject["Longer LED strip"]["summary"] == [
        "bom led-strip quantity 0.3→0.6",
        "cost EUR +2.67",
    ]
    assert by_subject["Version 1.3.0"]["summary"] == ["version 1.2.0→1.3.0"]
    assert by_subject["Notes"]["summary"] == []
    assert by_subject["Notes"]["changes"]["empty"] is True
    [base] = by_subject["A heavier base"]["changes"]["parts"]
    assert base["meshes"][0]["new"]["volume"] == pytest.approx(8000.0)
    assert by_subject["The desk lamp"]["summary"] == ["new design: 4 parts, 9 BOM items"]


def test_a_merge_is_compared_with_its_first_parent(history: Path):
    merge = log_json(history)[0]
    assert len(merge["parents"]) == 2
    assert merge["parents"][0] == git("rev-parse", "HEAD^1", cwd=history).strip()
    # What the merge brought into main is the other branch's mesh, not main's version.
    assert [p["id"] for p in merge["changes"]["parts"]] == ["base"]
    assert merge["changes"]["manifest"] == []
    assert merge["summary"][0].startswith("mesh base.stl volume ")


def test_count_and_starting_revision(history: Path):
    assert len(log_json(history, "-n", "2")) == 2
    assert [c["subject"] for c in log_json(history, "bigger-base", "-n", "1")] == ["A heavier base"]
    done = run_ohw("log", "no-such-branch", cwd=history)
    assert done.returncode == 2
    assert "unknown revision 'no-such-branch'" in done.stderr


def test_text_shows_one_commit_a_line_and_its_changes_below(history: Path):
    done = run_ohw("log", cwd=history)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    short = git("rev-parse", "--short=7", "HEAD~1", cwd=history).strip()
    header = next(n for n, line in enumerate(lines) if line.startswith(short))
    assert "Ada Maker" in lines[header] and "Notes" in lines[header]
    assert lines[header + 1].strip() == "no design changes"
    assert "    bom led-strip quantity 0.3→0.6, cost EUR +2.67" in lines
    assert any("(merge: against its first parent)" in line for line in lines)


def test_a_long_summary_is_cut_to_two_lines(history: Path):
    for number in range(40):
        edit(history, "ohw.yaml", "keywords: [", f"keywords: [extra-keyword-{number}, ")
    git("commit", "-qam", "Many keywords", cwd=history)
    lines = run_ohw("log", "-n", "1", cwd=history).stdout.splitlines()
    assert len(lines) == 3
    assert lines[2].endswith("more")


def test_a_repository_without_commits_says_so(tmp_path: Path):
    git("init", "-q", cwd=tmp_path)
    done = run_ohw("log", cwd=tmp_path)
    assert done.returncode == 2
    assert "the current branch has no commits yet" in done.stderr


def test_a_design_in_a_subfolder_logs_the_commits_that_change_it(tmp_path: Path):
    repo = tmp_path / "workshop"
    repo.mkdir()
    git("init", "-q", "-b", "main", cwd=repo)
    (repo / "README.md").write_text("our designs\n")
    git("add", "README.md", cwd=repo)
    git("commit", "-qm", "Start", cwd=repo)
    desk_lamp_repository(tmp_path / "lamp")
    shutil.copytree(tmp_path / "lamp", repo / "lamp", ignore=shutil.ignore_patterns(".git"))
    git("add", "lamp", cwd=repo)
    git("commit", "-qm", "Add the lamp", cwd=repo)
    (repo / "README.md").write_text("our designs, and more\n")
    git("commit", "-qam", "Elsewhere", cwd=repo)
    commit_edit(repo / "lamp", "bom.yaml", "quantity: 0.3", "quantity: 0.6", "Longer strip")
    commits = log_json(repo / "lamp")
    assert [c["subject"] for c in commits] == ["Longer strip", "Add the lamp"]
    assert [c["subject"] for c in commits] == git(
        "log", "--format=%s", "--", "lamp", cwd=repo
    ).splitlines()
    assert commits[1]["summary"] == ["new design: 4 parts, 9 BOM items"]
    assert len(log_json(repo / "lamp", "-n", "1")) == 1


def test_a_fork_is_logged_as_the_fork_it_records(tmp_path: Path):
    lamp = desk_lamp_repository(tmp_path / "lamp")
    done = run_ohw("fork", lamp, tmp_path / "mine", "--name", "my-lamp", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    fork, forked = log_json(tmp_path / "mine", "-n", "2")
    assert fork["summary"] == ["name desk-lamp→my-lamp", "+fork desk-lamp"]
    assert forked["id"] == git("rev-parse", "HEAD", cwd=lamp).strip()


# --- ohw variant list --------------------------------------------------------------


def test_list_shows_each_variant_against_main_and_marks_the_current_one(lamp: Path):
    git("switch", "-qc", "usb-c", cwd=lamp)
    edit(lamp, "bom.yaml", "USB 2.0 cable, USB-A plug", "USB 2.0 cable, USB-C plug")
    edit(lamp, "ohw.yaml", "version: 1.2.0", "version: 1.2.0-usbc")
    git("commit", "-qam", "USB-C", cwd=lamp)
    git("branch", "same", "main", cwd=lamp)
    output = ohw_json("variant-list", "variant", "list", "--json", cwd=lamp)
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


def test_variant_alone_lists_as_git_branch_does(lamp: Path):
    git("branch", "imperial", cwd=lamp)
    done = run_ohw("variant", cwd=lamp)
    assert done.returncode == 0, done.stderr
    assert [line.split()[:2] for line in done.stdout.splitlines()] == [
        ["imperial", git("rev-parse", "--short=7", "imperial", cwd=lamp).strip()],
        ["*", "main"],
    ]
