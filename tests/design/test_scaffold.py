"""`ohw init`: a new design that passes `ohw check`, that git agrees with, and
that never costs the user a file."""

from __future__ import annotations

import pytest
from support.designs import files_in, read_manifest
from support.run import git, run_ohw


def test_init_then_check_passes_and_git_agrees(tmp_path):
    done = run_ohw(
        "init", "lamp", "--title", "Desk lamp", "--license", "CERN-OHL-S-2.0", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    design = tmp_path / "lamp"
    assert "Created the design lamp" in done.stdout

    assert run_ohw("check", cwd=design).returncode == 0
    assert run_ohw("check", "lamp", cwd=tmp_path).returncode == 0
    assert run_ohw("check", "--rev", "HEAD", cwd=design).returncode == 0

    assert git("branch", "--show-current", cwd=design).strip() == "main"
    assert git("log", "--format=%an <%ae>|%s", cwd=design).splitlines() == [
        "Ada Maker <ada@example.org>|Create Desk lamp with ohw init"
    ]
    assert git("status", "--porcelain", "--untracked-files=all", cwd=design) == ""
    git("fsck", "--strict", cwd=design)
    assert sorted(git("ls-files", cwd=design).split()) == [
        ".gitattributes",
        "README.md",
        "bom.yaml",
        "instructions/01-overview.md",
        "ohw.yaml",
        "parts/README.md",
    ]
    for mesh in ("parts/a.stl", "parts/A.STL", "parts/a.3mf", "parts/a.obj"):
        assert f"{mesh}: binary: set" in git("check-attr", "binary", mesh, cwd=design)

    manifest = read_manifest(design)
    assert manifest["name"] == "lamp"
    assert manifest["title"] == "Desk lamp"
    assert manifest["license"] == {"hardware": "CERN-OHL-S-2.0", "documentation": "CC-BY-SA-4.0"}
    assert manifest["authors"] == [{"name": "Ada Maker", "email": "ada@example.org"}]


def test_authors_come_from_the_environment_before_configuration(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Grace Builder")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "grace@example.org")
    assert run_ohw("init", "lamp", cwd=tmp_path).returncode == 0
    manifest = read_manifest(tmp_path / "lamp")
    assert manifest["authors"] == [{"name": "Grace Builder", "email": "grace@example.org"}]
    assert git("log", "--format=%an", cwd=tmp_path / "lamp").strip() == "Grace Builder"


@pytest.mark.parametrize(
    "title",
    ['Lamp: "v2" #1', "yes", "1.10", "Lámpara de escritorio", "- dash", "null", "trailing "],
)
def test_any_title_reads_back_exactly(tmp_path, title):
    done = run_ohw("init", "lamp", "--title", title, "--description", title, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    manifest = read_manifest(tmp_path / "lamp")
    assert manifest["title"] == title
    assert manifest["description"] == title
    assert run_ohw("check", tmp_path / "lamp").returncode == 0


def test_name_comes_from_the_folder(tmp_path):
    assert run_ohw("init", "Ärger Projekt (v2)", cwd=tmp_path).returncode == 0
    manifest = read_manifest(tmp_path / "Ärger Projekt (v2)")
    assert manifest["name"] == "arger-projekt-v2"


def test_refuses_an_existing_design_and_changes_nothing(tmp_path):
    assert run_ohw("init", "lamp", cwd=tmp_path).returncode == 0
    before = files_in(tmp_path / "lamp")
    done = run_ohw("init", "lamp", cwd=tmp_path)
    assert done.returncode == 2
    assert "already a design" in done.stderr
    assert files_in(tmp_path / "lamp") == before


def test_in_a_clone_with_a_readme_keeps_it_and_commits_only_the_design(tmp_path):
    repo = tmp_path / "lamp"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    (repo / "README.md").write_text("# Lamp\n\nMy words.\n")
    (repo / "notes.txt").write_text("not for the design commit\n")
    git("add", "README.md", cwd=repo)
    git("commit", "-qm", "Initial commit", cwd=repo)

    done = run_ohw("init", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "kept your README.md" in done.stdout
    assert (repo / "README.md").read_text() == "# Lamp\n\nMy words.\n"
    assert git("log", "--format=%s", cwd=repo).splitlines() == [
        "Create Lamp with ohw init",
        "Initial commit",
    ]
    added = git("show", "--name-only", "--format=", "HEAD", cwd=repo).split()
    assert "README.md" not in added
    assert "notes.txt" not in added
    assert git("status", "--porcelain", cwd=repo) == "?? notes.txt\n"
    git("fsck", "--strict", cwd=repo)


def test_in_a_subfolder_of_a_repository_commits_there(tmp_path):
    git("init", "-q", cwd=tmp_path)
    done = run_ohw("init", "designs/lamp", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "designs" / "lamp" / ".git").exists()
    assert "designs/lamp/ohw.yaml" in git("ls-files", cwd=tmp_path).split()
    assert run_ohw("check", "--rev", "HEAD", "designs/lamp", cwd=tmp_path).returncode == 0


def test_refuses_when_changes_are_staged_and_leaves_them(tmp_path):
    git("init", "-q", cwd=tmp_path)
    (tmp_path / "a.txt").write_text("a\n")
    git("add", "a.txt", cwd=tmp_path)
    git("commit", "-qm", "a", cwd=tmp_path)
    (tmp_path / "a.txt").write_text("changed\n")
    git("add", "a.txt", cwd=tmp_path)
    before = files_in(tmp_path)
    done = run_ohw("init", "lamp", cwd=tmp_path)
    assert done.returncode == 2
    assert "staged changes" in done.stderr
    assert files_in(tmp_path) == before


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--license", "CERN-OHL-S-2", "did you mean CERN-OHL-S-2.0"),
        ("--license", "GPL-2.0", "deprecated"),
        ("--doc-license", "MIT AND (", "not a valid SPDX expression"),
        ("--name", "Desk Lamp", "cannot be a design name"),
    ],
)
def test_bad_options_are_refused_before_anything_is_written(tmp_path, option, value, message):
    done = run_ohw("init", "lamp", option, value, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_without_a_git_identity_nothing_is_created(tmp_path, monkeypatch):
    home = tmp_path / "empty-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    work = tmp_path / "work"
    work.mkdir()
    done = run_ohw("init", "lamp", cwd=work)
    assert done.returncode == 2
    assert "git does not know who you are" in done.stderr
    assert "git config --global user.name" in done.stderr
    assert list(work.iterdir()) == []


def test_a_failure_halfway_takes_back_what_was_written(tmp_path):
    folder = tmp_path / "lamp"
    folder.mkdir()
    (folder / "instructions").write_text("a file where init wants a folder\n")
    before = files_in(folder)
    done = run_ohw("init", cwd=folder)
    assert done.returncode == 2
    assert "cannot create the design" in done.stderr
    assert "Traceback" not in done.stderr
    assert files_in(folder) == before
    assert not (folder / ".git").exists()


def test_a_folder_under_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("x")
    done = run_ohw("init", "file/lamp", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_a_folder_of_meshes_is_pointed_to_ohw_adopt_and_left_as_it_was(tmp_path):
    printer = tmp_path / "printer"
    (printer / "STLs" / "Gantry").mkdir(parents=True)
    for name in ("[a]_idler_x2.stl", "frame.STL", "knob.3mf"):
        (printer / "STLs" / "Gantry" / name).write_bytes(b"solid x\nendsolid x\n")
    before = files_in(printer)
    done = run_ohw("init", printer, cwd=tmp_path)
    assert done.returncode == 2 and "already holds 3 mesh files" in done.stderr
    assert f"ohw adopt {printer}" in done.stderr
    assert files_in(printer) == before
