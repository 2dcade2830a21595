"""`ohw merge`, `ohw resolve` and `ohw merge-driver` on real repositories, with
the git command line as the judge."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import binary_stl, box_facets, desk_lamp_repository, git, outward_normals, run_ohw

from ohw.storage.yaml.read import load_yaml


@pytest.fixture
def design(tmp_path: Path) -> Path:
    """The desk lamp as a repository on main, with a branch 'fork' off it."""
    folder = desk_lamp_repository(tmp_path / "lamp")
    git("branch", "fork", cwd=folder)
    return folder


def edit(folder: Path, path: str, old: str, new: str, message: str, branch: str) -> None:
    git("checkout", "-q", branch, cwd=folder)
    file = folder / path
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1))
    git("commit", "-qam", message, cwd=folder)


def bom_data(folder: Path) -> dict:
    return load_yaml((folder / "bom.yaml").read_bytes()).data


def quantity(folder: Path, item: str):
    return next(i["quantity"] for i in bom_data(folder)["items"] if i["id"] == item)


def test_independent_edits_merge_into_a_commit_git_accepts(design: Path):
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.5", "longer strip", "fork")
    edit(design, "ohw.yaml", "version: 1.2.0", "version: 1.3.0", "fork version", "fork")
    edit(design, "bom.yaml", "unit-price: 2.35", "unit-price: 2.55", "dearer cable", "main")
    (design / "bom.yaml").chmod(0o664)
    done = run_ohw("merge", "fork", cwd=design)
    assert done.returncode == 0, done.stderr
    assert "merged bom.yaml item by item" in done.stdout
    assert (design / "bom.yaml").stat().st_mode & 0o777 == 0o664  # rewritten, not re-permitted
    assert git("status", "--porcelain", cwd=design) == ""
    parents = git("log", "-1", "--format=%P", cwd=design).split()
    assert len(parents) == 2
    git("fsck", "--strict", cwd=design)
    assert quantity(design, "led-strip") == 0.5
    assert "unit-price: 2.55" in (design / "bom.yaml").read_text()
    assert "version: 1.3.0" in (design / "ohw.yaml").read_text()
    assert run_ohw("check", cwd=design).returncode == 0


def test_a_conflict_is_named_by_item_and_field_and_git_sees_it(design: Path):
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main", "main")
    done = run_ohw("merge", "fork", cwd=design)
    assert done.returncode == 1
    assert "bom led-strip quantity: base 0.3, ours 0.6, theirs 0.4" in done.stdout
    assert git("status", "--porcelain", cwd=design) == "UU bom.yaml\n"
    assert (design / ".git" / "MERGE_HEAD").exists()
    refused = run_ohw("merge", "--continue", cwd=design)
    assert refused.returncode == 2 and "bom.yaml" in refused.stderr
    resolved = run_ohw("resolve", "bom.yaml", "--theirs", cwd=design)
    assert resolved.returncode == 0, resolved.stderr
    done = run_ohw("merge", "--continue", cwd=design)
    assert done.returncode == 0, done.stderr
    assert quantity(design, "led-strip") == 0.4
    assert git("status", "--porcelain", cwd=design) == ""
    assert len(git("log", "-1", "--format=%P", cwd=design).split()) == 2
    git("fsck", "--strict", cwd=design)


def test_the_report_is_plain_lines_in_a_pipe(design: Path):
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    edit(design, "ohw.yaml", "version: 1.2.0", "version: 1.3.0", "fork version", "fork")
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main", "main")
    done = run_ohw("merge", "fork", cwd=design)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "The merge stopped on conflicts in 1 file(s):",
        "  bom.yaml",
        "    bom led-strip quantity: base 0.3, ours 0.6, theirs 0.4",
        "Settle each file with `ohw resolve PATH --ours|--theirs|--base` (or edit it and run "
        "`ohw resolve PATH`), then `ohw merge --continue`; `ohw merge --abort` undoes the merge.",
    ]
    run_ohw("resolve", "bom.yaml", "--ours", cwd=design)
    done = run_ohw("merge", "--continue", cwd=design)
    assert done.returncode == 0, done.stderr
    short = git("rev-parse", "--short=7", "HEAD", cwd=design).strip()
    assert done.stdout == f"Merged (commit {short}).\n"


def test_resolving_by_hand_refuses_leftover_markers(design: Path):
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main", "main")
    assert run_ohw("merge", "fork", cwd=design).returncode == 1
    refused = run_ohw("resolve", "bom.yaml", cwd=design)
    assert refused.returncode == 2 and "conflict markers" in refused.stderr
    text = (design / "bom.yaml").read_text()
    start, end = text.index("<<<<<<< ours\n"), text.index(">>>>>>> theirs\n")
    (design / "bom.yaml").write_text(text[:start] + "    quantity: 0.45\n" + text[end + 15 :])
    assert run_ohw("resolve", "bom.yaml", cwd=design).returncode == 0
    assert run_ohw("merge", "--continue", cwd=design).returncode == 0
    assert quantity(design, "led-strip") == 0.45


@pytest.mark.parametrize("abort", [["ohw", "merge", "--abort"], ["git", "merge", "--abort"]])
def test_abort_restores_the_exact_state_before_the_merge(design: Path, abort: list[str]):
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    (design / "parts" / "new.txt").write_text("only in the fork\n")
    git("add", "parts/new.txt", cwd=design)
    git("commit", "-qm", "a new file", cwd=design)
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main", "main")
    (design / "scratch.txt").write_text("my notes, never committed\n")
    head = git("rev-parse", "HEAD", cwd=design)
    before = {p: p.read_bytes() for p in design.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert run_ohw("merge", "fork", cwd=design).returncode == 1
    if abort[0] == "ohw":
        assert run_ohw(*abort[1:], cwd=design).returncode == 0
    else:
        git(*abort[1:], cwd=design)
    after = {p: p.read_bytes() for p in design.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before
    assert git("rev-parse", "HEAD", cwd=design) == head
    assert git("status", "--porcelain", cwd=design) == "?? scratch.txt\n"
    assert not (design / ".git" / "MERGE_HEAD").exists()


def test_uncommitted_edits_are_never_overwritten(design: Path):
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    git("checkout", "-q", "main", cwd=design)
    (design / "bom.yaml").write_text((design / "bom.yaml").read_text() + "# mine\n")
    done = run_ohw("merge", "fork", cwd=design)
    assert done.returncode == 2
    assert "uncommitted changes: bom.yaml" in done.stderr
    assert (design / "bom.yaml").read_text().endswith("# mine\n")
    assert not (design / ".git" / "MERGE_HEAD").exists()


def test_an_untracked_file_in_the_way_is_named_and_kept(design: Path):
    git("checkout", "-q", "fork", cwd=design)
    (design / "notes.md").write_text("fork notes\n")
    git("add", "notes.md", cwd=design)
    git("commit", "-qm", "notes", cwd=design)
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main", "main")
    (design / "notes.md").write_text("my own notes\n")
    done = run_ohw("merge", "fork", cwd=design)
    assert done.returncode == 2 and "notes.md" in done.stderr
    assert (design / "notes.md").read_text() == "my own notes\n"


def test_fast_forward_and_up_to_date(design: Path):
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    git("checkout", "-q", "main", cwd=design)
    done = run_ohw("merge", "fork", "--json", cwd=design)
    assert done.returncode == 0
    assert '"status": "fast-forward"' in done.stdout
    assert git("rev-parse", "main", cwd=design) == git("rev-parse", "fork", cwd=design)
    assert git("status", "--porcelain", cwd=design) == ""
    again = run_ohw("merge", "fork", cwd=design)
    assert "Already up to date." in again.stdout


def test_a_mesh_changed_on_both_sides_is_shown_side_by_side(design: Path):
    def box(size: float) -> bytes:
        facets = box_facets(high=(size, size, size))
        return binary_stl(facets, outward_normals(facets))

    for branch, size in (("fork", 20.0), ("main", 30.0)):
        git("checkout", "-q", branch, cwd=design)
        (design / "parts" / "base.stl").write_bytes(box(size))
        git("commit", "-qam", f"base {size}", cwd=design)
    done = run_ohw("merge", "fork", "--json", cwd=design)
    assert done.returncode == 1
    import json

    (conflict,) = json.loads(done.stdout)["conflicts"]
    assert conflict["path"] == "parts/base.stl" and conflict["kind"] == "mesh"
    assert conflict["meshes"]["ours"]["volume"] == pytest.approx(27000)
    assert conflict["meshes"]["theirs"]["volume"] == pytest.approx(8000)
    assert conflict["meshes"]["theirs"]["bounding_box"]["maximum"] == [20, 20, 20]
    assert run_ohw("merge", "--abort", cwd=design).returncode == 0
    text = run_ohw("merge", "fork", cwd=design).stdout
    assert "ours   12 facets, volume 27.00 cm³, 30.0 x 30.0 x 30.0 mm" in text
    assert "theirs 12 facets, volume 8.00 cm³, 20.0 x 20.0 x 20.0 mm" in text
    assert run_ohw("resolve", "parts/base.stl", "--theirs", cwd=design).returncode == 0
    assert (design / "parts" / "base.stl").read_bytes() == box(20.0)
    assert run_ohw("merge", "--continue", cwd=design).returncode == 0


def _use_driver(folder: Path) -> None:
    ohw = str(Path(__import__("support").OHW))
    (folder / ".gitattributes").write_text(
        "ohw.yaml merge=ohw\nbom.yaml merge=ohw\nbom.csv merge=ohw\n"
    )
    git("config", "merge.ohw.name", "ohw semantic merge", cwd=folder)
    git("config", "merge.ohw.driver", f"{ohw} merge-driver %O %A %B %P", cwd=folder)


@pytest.mark.parametrize("conflicting", [False, True])
def test_git_merge_with_the_driver_gives_what_ohw_merge_gives(design: Path, conflicting: bool):
    # two items inserted at the same place: git alone would conflict on them
    edit(
        design,
        "bom.yaml",
        "  - id: usb-cable\n",
        "  - id: glue\n    name: Glue\n    quantity: 1\n  - id: usb-cable\n",
        "glue",
        "fork",
    )
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork strip", "fork")
    edit(
        design,
        "bom.yaml",
        "  - id: usb-cable\n",
        "  - id: tape\n    name: Tape\n    quantity: 2\n  - id: usb-cable\n",
        "tape",
        "main",
    )
    if conflicting:
        edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main strip", "main")
    ohw_result = run_ohw("merge", "fork", cwd=design)
    assert ohw_result.returncode == (1 if conflicting else 0), ohw_result.stderr
    by_ohw = (design / "bom.yaml").read_text()
    git("merge", "--abort", cwd=design) if conflicting else git(
        "reset", "-q", "--hard", "HEAD~1", cwd=design
    )
    _use_driver(design)
    done = __import__("subprocess").run(
        ["git", "merge", "-q", "fork", "--no-edit"], cwd=design, capture_output=True, text=True
    )
    assert done.returncode == (1 if conflicting else 0), done.stderr
    assert (design / "bom.yaml").read_text() == by_ohw
    ids = [i["id"] for i in bom_data(design)["items"]] if not conflicting else []
    if not conflicting:
        assert ids[:4] == ["led-strip", "tape", "glue", "usb-cable"]
        assert quantity(design, "led-strip") == 0.4


@pytest.mark.parametrize("fast_forward", [False, True])
def test_staged_changes_are_never_overwritten(design: Path, fast_forward: bool):
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    if not fast_forward:
        edit(design, "ohw.yaml", "version: 1.2.0", "version: 1.3.0", "main", "main")
    git("checkout", "-q", "main", cwd=design)
    (design / "bom.yaml").write_text((design / "bom.yaml").read_text() + "# staged\n")
    git("add", "bom.yaml", cwd=design)
    head = git("rev-parse", "HEAD", cwd=design)
    done = run_ohw("merge", "fork", cwd=design)
    assert done.returncode == 2
    assert "uncommitted changes: bom.yaml" in done.stderr
    assert git("rev-parse", "HEAD", cwd=design) == head
    assert git("status", "--porcelain", cwd=design) == "M  bom.yaml\n"
    assert (design / "bom.yaml").read_text().endswith("# staged\n")


def test_abort_keeps_edits_made_during_the_merge_to_files_it_did_not_touch(design: Path):
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    edit(design, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main", "main")
    assert run_ohw("merge", "fork", cwd=design).returncode == 1
    # while the conflict waits, the maker goes on with other work, as git allows
    readme = design / "README.md"
    readme.write_text(readme.read_text() + "A note written during the merge.\n")
    (design / "LICENSE").unlink()
    (design / "todo.txt").write_text("new, untracked\n")
    edited = readme.read_text()
    aborted = run_ohw("merge", "--abort", cwd=design)
    assert aborted.returncode == 0
    assert "kept your changes to README.md, made during the merge" in aborted.stdout
    assert readme.read_text() == edited
    assert not (design / "LICENSE").exists()
    assert (design / "todo.txt").read_text() == "new, untracked\n"
    assert quantity(design, "led-strip") == 0.6  # the merge itself is undone
    assert git("status", "--porcelain", cwd=design) == " D LICENSE\n M README.md\n?? todo.txt\n"
    assert not (design / ".git" / "MERGE_HEAD").exists()
