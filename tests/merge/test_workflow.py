"""`ohw merge`, `ohw resolve` and `ohw merge-driver` (ohw.merge.workflow) on real
repositories, with the git command line as the judge."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support import EXAMPLES, OHW
from support.designs import commit_edit, files_in, read_bom
from support.lfs import git_bytes, lfs_repository
from support.meshes import binary_stl, box_facets, outward_normals
from support.run import git, ohw_json, run_ohw

from ohw.storage.lfs import parse_pointer


def quantity(folder: Path, item: str):
    return next(i["quantity"] for i in read_bom(folder)["items"] if i["id"] == item)


def test_independent_edits_merge_into_a_commit_git_accepts(forked_lamp: Path):
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.5", "longer strip", "fork")
    commit_edit(forked_lamp, "ohw.yaml", "version: 1.2.0", "version: 1.3.0", "fork version", "fork")
    commit_edit(
        forked_lamp, "bom.yaml", "unit-price: 2.35", "unit-price: 2.55", "dearer cable", "main"
    )
    (forked_lamp / "bom.yaml").chmod(0o664)
    done = run_ohw("merge", "fork", cwd=forked_lamp)
    assert done.returncode == 0, done.stderr
    assert "merged bom.yaml item by item" in done.stdout
    assert (forked_lamp / "bom.yaml").stat().st_mode & 0o777 == 0o664  # rewritten, not re-permitted
    assert git("status", "--porcelain", cwd=forked_lamp) == ""
    parents = git("log", "-1", "--format=%P", cwd=forked_lamp).split()
    assert len(parents) == 2
    git("fsck", "--strict", cwd=forked_lamp)
    assert quantity(forked_lamp, "led-strip") == 0.5
    assert "unit-price: 2.55" in (forked_lamp / "bom.yaml").read_text()
    assert "version: 1.3.0" in (forked_lamp / "ohw.yaml").read_text()
    assert run_ohw("check", cwd=forked_lamp).returncode == 0


def test_a_conflict_is_named_by_item_and_field_and_git_sees_it(forked_lamp: Path):
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main", "main")
    done = run_ohw("merge", "fork", cwd=forked_lamp)
    assert done.returncode == 1
    assert "bom led-strip quantity: base 0.3, ours 0.6, theirs 0.4" in done.stdout
    assert git("status", "--porcelain", cwd=forked_lamp) == "UU bom.yaml\n"
    assert (forked_lamp / ".git" / "MERGE_HEAD").exists()
    refused = run_ohw("merge", "--continue", cwd=forked_lamp)
    assert refused.returncode == 2 and "bom.yaml" in refused.stderr
    resolved = run_ohw("resolve", "bom.yaml", "--theirs", cwd=forked_lamp)
    assert resolved.returncode == 0, resolved.stderr
    done = run_ohw("merge", "--continue", cwd=forked_lamp)
    assert done.returncode == 0, done.stderr
    assert quantity(forked_lamp, "led-strip") == 0.4
    assert git("status", "--porcelain", cwd=forked_lamp) == ""
    assert len(git("log", "-1", "--format=%P", cwd=forked_lamp).split()) == 2
    git("fsck", "--strict", cwd=forked_lamp)


def test_the_report_is_plain_lines_in_a_pipe(forked_lamp: Path):
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    commit_edit(forked_lamp, "ohw.yaml", "version: 1.2.0", "version: 1.3.0", "fork version", "fork")
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main", "main")
    done = run_ohw("merge", "fork", cwd=forked_lamp)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "The merge stopped on conflicts in 1 file(s):",
        "  bom.yaml",
        "    bom led-strip quantity: base 0.3, ours 0.6, theirs 0.4",
        "Settle each file with `ohw resolve PATH --ours|--theirs|--base` (or edit it and run "
        "`ohw resolve PATH`), then `ohw merge --continue`; `ohw merge --abort` undoes the merge.",
    ]
    run_ohw("resolve", "bom.yaml", "--ours", cwd=forked_lamp)
    done = run_ohw("merge", "--continue", cwd=forked_lamp)
    assert done.returncode == 0, done.stderr
    short = git("rev-parse", "--short=7", "HEAD", cwd=forked_lamp).strip()
    assert done.stdout == f"Merged (commit {short}).\n"


def test_resolving_by_hand_refuses_leftover_markers(forked_lamp: Path):
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main", "main")
    assert run_ohw("merge", "fork", cwd=forked_lamp).returncode == 1
    refused = run_ohw("resolve", "bom.yaml", cwd=forked_lamp)
    assert refused.returncode == 2 and "conflict markers" in refused.stderr
    text = (forked_lamp / "bom.yaml").read_text()
    start, end = text.index("<<<<<<< ours\n"), text.index(">>>>>>> theirs\n")
    (forked_lamp / "bom.yaml").write_text(text[:start] + "    quantity: 0.45\n" + text[end + 15 :])
    assert run_ohw("resolve", "bom.yaml", cwd=forked_lamp).returncode == 0
    assert run_ohw("merge", "--continue", cwd=forked_lamp).returncode == 0
    assert quantity(forked_lamp, "led-strip") == 0.45


@pytest.mark.parametrize("abort", [["ohw", "merge", "--abort"], ["git", "merge", "--abort"]])
def test_abort_restores_the_exact_state_before_the_merge(forked_lamp: Path, abort: list[str]):
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    (forked_lamp / "parts" / "new.txt").write_text("only in the fork\n")
    git("add", "parts/new.txt", cwd=forked_lamp)
    git("commit", "-qm", "a new file", cwd=forked_lamp)
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main", "main")
    (forked_lamp / "scratch.txt").write_text("my notes, never committed\n")
    head = git("rev-parse", "HEAD", cwd=forked_lamp)
    before = files_in(forked_lamp, skip_git=True)
    assert run_ohw("merge", "fork", cwd=forked_lamp).returncode == 1
    if abort[0] == "ohw":
        assert run_ohw(*abort[1:], cwd=forked_lamp).returncode == 0
    else:
        git(*abort[1:], cwd=forked_lamp)
    after = files_in(forked_lamp, skip_git=True)
    assert after == before
    assert git("rev-parse", "HEAD", cwd=forked_lamp) == head
    assert git("status", "--porcelain", cwd=forked_lamp) == "?? scratch.txt\n"
    assert not (forked_lamp / ".git" / "MERGE_HEAD").exists()


def test_uncommitted_edits_are_never_overwritten(forked_lamp: Path):
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    git("checkout", "-q", "main", cwd=forked_lamp)
    (forked_lamp / "bom.yaml").write_text((forked_lamp / "bom.yaml").read_text() + "# mine\n")
    done = run_ohw("merge", "fork", cwd=forked_lamp)
    assert done.returncode == 2
    assert "uncommitted changes: bom.yaml" in done.stderr
    assert (forked_lamp / "bom.yaml").read_text().endswith("# mine\n")
    assert not (forked_lamp / ".git" / "MERGE_HEAD").exists()


def test_an_untracked_file_in_the_way_is_named_and_kept(forked_lamp: Path):
    git("checkout", "-q", "fork", cwd=forked_lamp)
    (forked_lamp / "notes.md").write_text("fork notes\n")
    git("add", "notes.md", cwd=forked_lamp)
    git("commit", "-qm", "notes", cwd=forked_lamp)
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main", "main")
    (forked_lamp / "notes.md").write_text("my own notes\n")
    done = run_ohw("merge", "fork", cwd=forked_lamp)
    assert done.returncode == 2 and "notes.md" in done.stderr
    assert (forked_lamp / "notes.md").read_text() == "my own notes\n"


def test_fast_forward_and_up_to_date(forked_lamp: Path):
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    git("checkout", "-q", "main", cwd=forked_lamp)
    done = run_ohw("merge", "fork", "--json", cwd=forked_lamp)
    assert done.returncode == 0
    assert '"status": "fast-forward"' in done.stdout
    assert git("rev-parse", "main", cwd=forked_lamp) == git("rev-parse", "fork", cwd=forked_lamp)
    assert git("status", "--porcelain", cwd=forked_lamp) == ""
    again = run_ohw("merge", "fork", cwd=forked_lamp)
    assert "Already up to date." in again.stdout


@pytest.mark.parametrize("fast_forward", [True, False])
def test_a_merge_in_a_copied_work_tree_leaves_git_s_index_fresh(
    forked_lamp: Path, tmp_path: Path, fast_forward: bool
):
    """Copied, every file looks changed to git's index until a look at it
    reads it again; git records what it read, and so does ohw's merge."""
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    git("checkout", "-q", "main", cwd=forked_lamp)
    if not fast_forward:
        commit_edit(forked_lamp, "README.md", "", "A note.\n", "main", "main")
    copy = tmp_path / "copy"
    shutil.copytree(forked_lamp, copy, symlinks=True)
    assert git("diff-files", "--name-only", cwd=copy) != ""
    done = run_ohw("merge", "fork", cwd=copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert git("diff-files", "--name-only", cwd=copy) == ""
    assert git("status", "--porcelain", cwd=copy) == ""


def test_only_a_merge_commit_needs_an_author(forked_lamp: Path, tmp_path: Path):
    """As git: with no identity git can name, a fast-forward goes ahead, and a
    merge that needs a commit is refused before it writes anything."""
    nobody = tmp_path / "nobody.gitconfig"
    nobody.write_text("")
    git("config", "user.useConfigOnly", "true", cwd=forked_lamp)
    anonymous = {"GIT_CONFIG_GLOBAL": str(nobody), "EMAIL": ""}
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    git("checkout", "-q", "-b", "other", "main", cwd=forked_lamp)
    done = run_ohw("merge", "fork", cwd=forked_lamp, env=anonymous)
    assert done.returncode == 0, done.stdout + done.stderr
    assert git("rev-parse", "HEAD", cwd=forked_lamp) == git("rev-parse", "fork", cwd=forked_lamp)
    git("checkout", "-q", "main", cwd=forked_lamp)
    commit_edit(forked_lamp, "README.md", "", "A note.\n", "main", "main")
    head = git("rev-parse", "HEAD", cwd=forked_lamp)
    refused = run_ohw("merge", "fork", cwd=forked_lamp, env=anonymous)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "git does not know who you are" in refused.stderr
    assert git("rev-parse", "HEAD", cwd=forked_lamp) == head
    assert git("status", "--porcelain", cwd=forked_lamp) == ""
    assert not (forked_lamp / ".git" / "MERGE_HEAD").exists()
    assert not (forked_lamp / ".git" / "ORIG_HEAD").exists()


def test_a_mesh_changed_on_both_sides_is_shown_side_by_side(forked_lamp: Path):
    def box(size: float) -> bytes:
        facets = box_facets(high=(size, size, size))
        return binary_stl(facets, outward_normals(facets))

    for branch, size in (("fork", 20.0), ("main", 30.0)):
        git("checkout", "-q", branch, cwd=forked_lamp)
        (forked_lamp / "parts" / "base.stl").write_bytes(box(size))
        git("commit", "-qam", f"base {size}", cwd=forked_lamp)
    done = run_ohw("merge", "fork", "--json", cwd=forked_lamp)
    assert done.returncode == 1
    import json

    (conflict,) = json.loads(done.stdout)["conflicts"]
    assert conflict["path"] == "parts/base.stl" and conflict["kind"] == "mesh"
    assert conflict["meshes"]["ours"]["volume"] == pytest.approx(27000)
    assert conflict["meshes"]["theirs"]["volume"] == pytest.approx(8000)
    assert conflict["meshes"]["theirs"]["bounding_box"]["maximum"] == [20, 20, 20]
    assert run_ohw("merge", "--abort", cwd=forked_lamp).returncode == 0
    text = run_ohw("merge", "fork", cwd=forked_lamp).stdout
    assert "ours   12 facets, volume 27.00 cm³, 30 × 30 × 30 mm" in text
    assert "theirs 12 facets, volume 8.00 cm³, 20 × 20 × 20 mm" in text
    assert run_ohw("resolve", "parts/base.stl", "--theirs", cwd=forked_lamp).returncode == 0
    assert (forked_lamp / "parts" / "base.stl").read_bytes() == box(20.0)
    assert run_ohw("merge", "--continue", cwd=forked_lamp).returncode == 0


def _use_driver(folder: Path) -> None:
    ohw = str(OHW)
    (folder / ".gitattributes").write_text(
        "ohw.yaml merge=ohw\nbom.yaml merge=ohw\nbom.csv merge=ohw\n"
    )
    git("config", "merge.ohw.name", "ohw semantic merge", cwd=folder)
    git("config", "merge.ohw.driver", f"{ohw} merge-driver %O %A %B %P", cwd=folder)


@pytest.mark.parametrize("conflicting", [False, True])
def test_git_merge_with_the_driver_gives_what_ohw_merge_gives(forked_lamp: Path, conflicting: bool):
    # two items inserted at the same place: git alone would conflict on them
    commit_edit(
        forked_lamp,
        "bom.yaml",
        "  - id: usb-cable\n",
        "  - id: glue\n    name: Glue\n    quantity: 1\n  - id: usb-cable\n",
        "glue",
        "fork",
    )
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork strip", "fork")
    commit_edit(
        forked_lamp,
        "bom.yaml",
        "  - id: usb-cable\n",
        "  - id: tape\n    name: Tape\n    quantity: 2\n  - id: usb-cable\n",
        "tape",
        "main",
    )
    if conflicting:
        commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main strip", "main")
    ohw_result = run_ohw("merge", "fork", cwd=forked_lamp)
    assert ohw_result.returncode == (1 if conflicting else 0), ohw_result.stderr
    by_ohw = (forked_lamp / "bom.yaml").read_text()
    git("merge", "--abort", cwd=forked_lamp) if conflicting else git(
        "reset", "-q", "--hard", "HEAD~1", cwd=forked_lamp
    )
    _use_driver(forked_lamp)
    done = __import__("subprocess").run(
        ["git", "merge", "-q", "fork", "--no-edit"], cwd=forked_lamp, capture_output=True, text=True
    )
    assert done.returncode == (1 if conflicting else 0), done.stderr
    assert (forked_lamp / "bom.yaml").read_text() == by_ohw
    ids = [i["id"] for i in read_bom(forked_lamp)["items"]] if not conflicting else []
    if not conflicting:
        assert ids[:4] == ["led-strip", "tape", "glue", "usb-cable"]
        assert quantity(forked_lamp, "led-strip") == 0.4


@pytest.mark.parametrize("fast_forward", [False, True])
def test_staged_changes_are_never_overwritten(forked_lamp: Path, fast_forward: bool):
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    if not fast_forward:
        commit_edit(forked_lamp, "ohw.yaml", "version: 1.2.0", "version: 1.3.0", "main", "main")
    git("checkout", "-q", "main", cwd=forked_lamp)
    (forked_lamp / "bom.yaml").write_text((forked_lamp / "bom.yaml").read_text() + "# staged\n")
    git("add", "bom.yaml", cwd=forked_lamp)
    head = git("rev-parse", "HEAD", cwd=forked_lamp)
    done = run_ohw("merge", "fork", cwd=forked_lamp)
    assert done.returncode == 2
    assert "uncommitted changes: bom.yaml" in done.stderr
    assert git("rev-parse", "HEAD", cwd=forked_lamp) == head
    assert git("status", "--porcelain", cwd=forked_lamp) == "M  bom.yaml\n"
    assert (forked_lamp / "bom.yaml").read_text().endswith("# staged\n")


def test_abort_keeps_edits_made_during_the_merge_to_files_it_did_not_touch(forked_lamp: Path):
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main", "main")
    assert run_ohw("merge", "fork", cwd=forked_lamp).returncode == 1
    # while the conflict waits, the maker goes on with other work, as git allows
    readme = forked_lamp / "README.md"
    readme.write_text(readme.read_text() + "A note written during the merge.\n")
    (forked_lamp / "LICENSE").unlink()
    (forked_lamp / "todo.txt").write_text("new, untracked\n")
    edited = readme.read_text()
    aborted = run_ohw("merge", "--abort", cwd=forked_lamp)
    assert aborted.returncode == 0
    assert "kept your changes to README.md, made during the merge" in aborted.stdout
    assert readme.read_text() == edited
    assert not (forked_lamp / "LICENSE").exists()
    assert (forked_lamp / "todo.txt").read_text() == "new, untracked\n"
    assert quantity(forked_lamp, "led-strip") == 0.6  # the merge itself is undone
    assert (
        git("status", "--porcelain", cwd=forked_lamp) == " D LICENSE\n M README.md\n?? todo.txt\n"
    )
    assert not (forked_lamp / ".git" / "MERGE_HEAD").exists()


def test_a_conflicted_mesh_in_lfs_is_read_and_settled_as_git_lfs_would(tmp_path: Path):
    lamp = lfs_repository(tmp_path / "lamp")
    git("branch", "fork", cwd=lamp)
    hole = (EXAMPLES / "broken/mesh-hole/parts/knob.stl").read_bytes()
    base = (lamp / "parts/base.stl").read_bytes()
    (lamp / "parts/arm.stl").write_bytes(hole)
    git("commit", "-qam", "ours", cwd=lamp)
    git("switch", "-q", "fork", cwd=lamp)
    (lamp / "parts/arm.stl").write_bytes(base)
    git("commit", "-qam", "theirs", cwd=lamp)
    git("switch", "-q", "main", cwd=lamp)
    done = run_ohw("merge", "fork", "--json", cwd=lamp)
    assert done.returncode == 1, done.stderr
    sides = json.loads(done.stdout)["conflicts"][0]["meshes"]
    assert sides["ours"]["facets"] == 11 and sides["theirs"]["facets"] == 2144
    # as git leaves a binary file: ours, no conflict markers in its pointer
    assert (lamp / "parts/arm.stl").read_bytes() == hole
    assert run_ohw("resolve", "parts/arm.stl", "--theirs", cwd=lamp).returncode == 0
    assert (lamp / "parts/arm.stl").read_bytes() == base
    assert run_ohw("merge", "--continue", cwd=lamp).returncode == 0
    committed = parse_pointer(git_bytes(lamp, "cat-file", "blob", "HEAD:parts/arm.stl"))
    assert committed is not None and committed.size == len(base)
    assert git("status", "--porcelain", cwd=lamp) == ""
    git("lfs", "fsck", cwd=lamp)


# --- ohw resolve: a side settles what both changed, the rest of the merge stays ---------


@pytest.fixture
def led_strip_conflict(forked_lamp: Path) -> Path:
    """The issue's merge: both sides change the LED strip's quantity (a conflict);
    the fork also changes the cable ties' and main the USB cable's price (clean)."""
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    commit_edit(forked_lamp, "bom.yaml", "quantity: 3\n", "quantity: 5\n", "ties", "fork")
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main", "main")
    commit_edit(forked_lamp, "bom.yaml", "unit-price: 2.35", "unit-price: 2.55", "cable", "main")
    assert run_ohw("merge", "fork", cwd=forked_lamp).returncode == 1
    return forked_lamp


@pytest.mark.parametrize(("side", "strip"), [("theirs", 0.4), ("ours", 0.6), ("base", 0.3)])
def test_a_side_settles_only_the_conflicted_field(led_strip_conflict: Path, side: str, strip):
    lamp = led_strip_conflict
    done = run_ohw("resolve", "bom.yaml", f"--{side}", cwd=lamp)
    assert done.returncode == 0, done.stderr
    others = {"theirs": "base 0.3, ours 0.6", "ours": "base 0.3, theirs 0.4",
              "base": "ours 0.6, theirs 0.4"}[side]  # fmt: skip
    assert done.stdout.splitlines() == [
        f"resolved bom.yaml: 1 field both sides changed took the {side} version; "
        "every change merged cleanly stays",
        f"    bom led-strip quantity: {strip} ({others})",
    ]
    assert git("status", "--porcelain", cwd=lamp) == "M  bom.yaml\n"
    assert run_ohw("merge", "--continue", cwd=lamp).returncode == 0
    assert quantity(lamp, "led-strip") == strip
    assert quantity(lamp, "cable-tie") == 5  # the fork's clean change, kept
    assert "unit-price: 2.55" in (lamp / "bom.yaml").read_text()  # and main's
    assert "<<<<<<<" not in (lamp / "bom.yaml").read_text()
    git("fsck", "--strict", cwd=lamp)


def test_the_whole_file_is_taken_only_when_asked(led_strip_conflict: Path):
    lamp = led_strip_conflict
    no_side = run_ohw("resolve", "bom.yaml", "--whole-file", cwd=lamp)
    assert no_side.returncode == 2 and "say which" in no_side.stderr
    done = run_ohw("resolve", "bom.yaml", "--theirs", "--whole-file", cwd=lamp)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "resolved bom.yaml with the theirs version (the whole file)\n"
    assert (lamp / "bom.yaml").read_text() == git("show", "fork:bom.yaml", cwd=lamp)
    assert run_ohw("merge", "--continue", cwd=lamp).returncode == 0
    assert "unit-price: 2.35" in (lamp / "bom.yaml").read_text()  # main's change dropped


def test_resolve_says_what_it_settled_in_json(led_strip_conflict: Path):
    lamp = led_strip_conflict
    (lamp / "notes.md").write_text("x\n")
    output = ohw_json("resolve-output", "resolve", "bom.yaml", "--theirs", "--json", cwd=lamp)
    assert output == {
        "format_version": 1,
        "resolved": [
            {
                "path": "bom.yaml",
                "side": "theirs",
                "whole_file": False,
                "fields": [
                    {
                        "where": ["bom", "led-strip", "quantity"],
                        "value": 0.4,
                        "description": "bom led-strip quantity: base 0.3, ours 0.6, theirs 0.4",
                    }
                ],
                "places": 0,
            }
        ],
    }
    again = run_ohw("resolve", "bom.yaml", "--theirs", "--json", cwd=lamp)
    assert again.returncode == 2 and "no conflict to resolve" in again.stderr
    assert again.stdout == ""


def test_a_text_file_is_settled_place_by_place(forked_lamp: Path):
    readme = "# Lamp\n\nIntro.\n\nMiddle.\n\nEnd.\n"
    (forked_lamp / "notes.md").write_text(readme)
    git("add", "notes.md", cwd=forked_lamp)
    git("commit", "-qm", "notes", cwd=forked_lamp)
    git("branch", "-f", "fork", cwd=forked_lamp)
    commit_edit(forked_lamp, "notes.md", "Intro.", "Intro, fork.", "fork intro", "fork")
    commit_edit(forked_lamp, "notes.md", "End.", "End, fork.", "fork end", "fork")
    commit_edit(forked_lamp, "notes.md", "Intro.", "Intro, main.", "main intro", "main")
    assert run_ohw("merge", "fork", cwd=forked_lamp).returncode == 1
    done = run_ohw("resolve", "notes.md", "--ours", cwd=forked_lamp)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "resolved notes.md: 1 place both sides changed took the ours version; "
        "every change merged cleanly stays\n"
    )
    assert (forked_lamp / "notes.md").read_text() == (
        "# Lamp\n\nIntro, main.\n\nMiddle.\n\nEnd, fork.\n"
    )


def test_a_mesh_and_a_deleted_file_are_taken_whole(forked_lamp: Path):
    git("checkout", "-q", "fork", cwd=forked_lamp)
    git("rm", "-q", "README.md", cwd=forked_lamp)
    (forked_lamp / "parts" / "base.stl").write_bytes(binary_stl(box_facets(high=(9, 9, 9))))
    git("commit", "-qam", "fork", cwd=forked_lamp)
    git("checkout", "-q", "main", cwd=forked_lamp)
    (forked_lamp / "README.md").write_text("changed on main\n")
    (forked_lamp / "parts" / "base.stl").write_bytes(binary_stl(box_facets(high=(7, 7, 7))))
    git("commit", "-qam", "main", cwd=forked_lamp)
    assert run_ohw("merge", "fork", cwd=forked_lamp).returncode == 1
    done = run_ohw("resolve", "parts/base.stl", "README.md", "--theirs", cwd=forked_lamp)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "resolved parts/base.stl with the theirs version (the whole file)",
        "resolved README.md with the theirs version (the whole file)",
    ]
    assert not (forked_lamp / "README.md").exists()
    assert (forked_lamp / "parts" / "base.stl").read_bytes() == binary_stl(
        box_facets(high=(9, 9, 9))
    )
    assert run_ohw("merge", "--continue", cwd=forked_lamp).returncode == 0
    assert git("status", "--porcelain", cwd=forked_lamp) == ""


def test_a_csv_bom_is_settled_cell_by_cell(tmp_path: Path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "ohw.yaml").write_text(
        "ohw: 1\nname: csv\ntitle: CSV\nlicense:\n  hardware: MIT\nbom: bom.csv\n"
    )
    (folder / "bom.csv").write_text("id,name,quantity\nm3,M3 screw,4\nnut,M3 nut,4\n")
    git("init", "-q", "-b", "main", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-qm", "csv", cwd=folder)
    git("branch", "fork", cwd=folder)
    commit_edit(folder, "bom.csv", "m3,M3 screw,4", "m3,M3 screw,6", "fork", "fork")
    commit_edit(folder, "bom.csv", "nut,M3 nut,4", "nut,M3 nut,5", "fork nut", "fork")
    commit_edit(folder, "bom.csv", "m3,M3 screw,4", "m3,M3 screw,8", "main", "main")
    assert run_ohw("merge", "fork", cwd=folder).returncode == 1
    done = run_ohw("resolve", "bom.csv", "--ours", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "bom m3 quantity: 8 (base 4, theirs 6)" in done.stdout
    assert (folder / "bom.csv").read_text() == "id,name,quantity\nm3,M3 screw,8\nnut,M3 nut,5\n"
