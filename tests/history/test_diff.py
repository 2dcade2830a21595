"""`ohw diff` on real repositories: parts, meshes, BOM, cost and manifest, between
commits and against the working tree."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from support import CORPUS, EXAMPLES, ROOT
from support.designs import edit, init_and_commit
from support.meshes import cube_stl
from support.run import git, ohw_json, run_ohw


def diff_json(folder: Path, *revisions: str, env: dict[str, str] | None = None) -> dict:
    return ohw_json("diff-output", "diff", "--json", *revisions, cwd=folder, env=env)["changes"]


def by_id(items: list[dict]) -> dict[str, dict]:
    return {item["id"]: item for item in items}


def test_working_tree_changes_by_part_item_and_field(lamp: Path):
    edit(lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6")
    edit(lamp, "bom.yaml", "unit-price: 2.35", "unit-price: 2.55")
    edit(lamp, "ohw.yaml", "version: 1.2.0", "version: 1.3.0")
    edit(lamp, "ohw.yaml", "keywords: [lamp,", "keywords: [lamp, reading light,")
    arm = "    process: 3d-printing\n    quantity: 2\n    print:"
    edit(lamp, "ohw.yaml", f"    material: PLA\n{arm}", f"    material: PETG\n{arm}")
    changes = diff_json(lamp)
    assert changes["manifest"] == [
        {"field": ["version"], "old": "1.2.0", "new": "1.3.0"},
        {"field": ["keywords"], "new": "reading light"},
    ]
    assert changes["parts"] == [
        {
            "id": "arm",
            "status": "changed",
            "fields": [{"field": ["material"], "old": "PLA", "new": "PETG"}],
            "meshes": [],
        }
    ]
    bom = by_id(changes["bom"])
    assert bom.keys() == {"led-strip", "usb-cable"}
    assert bom["led-strip"]["fields"] == [{"field": ["quantity"], "old": 0.3, "new": 0.6}]
    assert bom["usb-cable"]["fields"] == [
        {"field": ["suppliers", "Reichelt elektronik", "unit-price"], "old": 2.35, "new": 2.55}
    ]
    # 0.3 m more strip at 8.90, and 0.20 more for the cable: exact, in one currency.
    [cost] = changes["cost"]
    assert cost["currency"] == "EUR"
    assert cost["change"] == pytest.approx(2.87, abs=1e-9)
    assert cost["new"] - cost["old"] == pytest.approx(2.87, abs=1e-9)

    text = run_ohw("diff", cwd=lamp)
    assert text.returncode == 0, text.stderr
    assert "version: 1.2.0 → 1.3.0" in text.stdout
    assert "~ led-strip quantity: 0.3 → 0.6" in text.stdout
    assert "~ arm material: PLA → PETG" in text.stdout
    assert "EUR 10.46 → 13.33 (+2.87)" in text.stdout


def test_parts_and_bom_items_added_and_removed_between_two_commits(lamp: Path):
    first = git("rev-parse", "HEAD", cwd=lamp).strip()
    (lamp / "parts" / "foot.stl").write_bytes(cube_stl(12.0))
    foot = "  - id: foot\n    export: parts/foot.stl\n    material: TPU\n    quantity: 4\n"
    edit(lamp, "ohw.yaml", "  - id: knob\n", foot + "  - id: knob-gone\n")
    text = (lamp / "ohw.yaml").read_text()
    start = text.index("  - id: knob-gone\n")
    end = text.index("bom: bom.yaml")
    (lamp / "ohw.yaml").write_text(text[:start] + text[end:])
    bom = (lamp / "bom.yaml").read_text()
    start = bom.index("  - id: cable-tie")
    (lamp / "bom.yaml").write_text(
        bom[:start] + "  - id: m3x16\n    name: M3x16 screw\n    quantity: 4\n"
        "    suppliers: [{name: Bolts Ltd, unit-price: 0.10, currency: GBP}]\n"
    )
    git("add", "-A", cwd=lamp)
    git("commit", "-qm", "Feet instead of knobs", cwd=lamp)
    changes = diff_json(lamp, first, "HEAD")
    parts = by_id(changes["parts"])
    assert {k: v["status"] for k, v in parts.items()} == {"foot": "added", "knob": "removed"}
    assert parts["foot"]["fields"][0]["new"]["material"] == "TPU"
    bom = by_id(changes["bom"])
    assert {k: v["status"] for k, v in bom.items()} == {"m3x16": "added", "cable-tie": "removed"}
    # A new currency is a total of its own: pounds are never added to euros.
    costs = {c["currency"]: c for c in changes["cost"]}
    assert costs["GBP"] == {"currency": "GBP", "old": None, "new": 0.4, "change": 0.4}
    assert costs["EUR"]["change"] == pytest.approx(-0.09, abs=1e-9)
    # Against the working tree, which is HEAD: nothing.
    assert diff_json(lamp, "HEAD")["empty"] is True
    assert "No design changes" in run_ohw("diff", cwd=lamp).stdout
    text = run_ohw("diff", first, "HEAD", cwd=lamp).stdout
    assert "+ foot" in text and "- knob" in text and "+ m3x16: M3x16 screw, quantity 4" in text


def test_a_changed_mesh_shows_volume_and_size_and_unchanged_meshes_are_not_analysed(
    lamp: Path, tmp_path: Path
):
    (lamp / "parts" / "base.stl").write_bytes(cube_stl(10.0))
    git("commit", "-qam", "Small base", cwd=lamp)
    (lamp / "parts" / "base.stl").write_bytes(cube_stl(20.0))
    git("commit", "-qam", "Bigger base", cwd=lamp)
    cache = tmp_path / "cache"
    changes = diff_json(lamp, "HEAD~1", "HEAD", env={"OHW_CACHE_DIR": str(cache)})
    [base] = changes["parts"]
    assert base["id"] == "base" and base["fields"] == []
    [mesh] = base["meshes"]
    assert mesh["old"]["path"] == mesh["new"]["path"] == "parts/base.stl"
    assert mesh["old"]["volume"] == pytest.approx(1000.0)
    assert mesh["new"]["volume"] == pytest.approx(8000.0)
    assert mesh["volume_change"] == pytest.approx(7000.0)
    assert mesh["size_change"] == pytest.approx([10.0, 10.0, 10.0])
    assert mesh["new"]["bounding_box"]["maximum"] == pytest.approx([20.0, 20.0, 20.0])
    # Only the two versions of the base were analysed: arm, head and knob were not read.
    analysed = list((cache / "mesh").rglob("*.json"))
    assert len(analysed) == 2
    text = run_ohw("diff", "HEAD~1", "HEAD", cwd=lamp, env={"OHW_CACHE_DIR": str(cache)})
    assert "mesh parts/base.stl: volume +7.00 cm³ (1.00 → 8.00)" in text.stdout
    assert "size +10.0 × +10.0 × +10.0 mm" in text.stdout


def test_against_the_working_tree_only_changed_meshes_are_read(lamp: Path, tmp_path: Path):
    """git's index says which files are unchanged; ohw hashes only the others
    (and remembers each file it hashed in its stat index)."""
    (lamp / "parts" / "base.stl").write_bytes(cube_stl(20.0))
    cache = tmp_path / "cache"
    changes = diff_json(lamp, env={"OHW_CACHE_DIR": str(cache)})
    assert [p["id"] for p in changes["parts"]] == ["base"]
    [base_mesh] = changes["parts"][0]["meshes"]
    assert base_mesh["new"]["volume"] == pytest.approx(8000.0)
    assert len(list((cache / "mesh").rglob("*.json"))) == 2
    hashed = (
        json.loads((cache / "stat-index.json").read_text())
        if (cache / "stat-index.json").exists()
        else {}
    )
    assert not [path for path in hashed if not path.endswith("base.stl")]
    # A mesh changed on disk but not yet committed counts, whatever git's index says.
    (lamp / "parts" / "arm.stl").write_bytes(cube_stl(5.0))
    git("add", "parts/arm.stl", cwd=lamp)
    changes = diff_json(lamp, env={"OHW_CACHE_DIR": str(cache)})
    assert sorted(p["id"] for p in changes["parts"]) == ["arm", "base"]


def test_a_renamed_mesh_is_compared_with_the_file_it_replaces(lamp: Path):
    git("mv", "parts/head.stl", "parts/head-v2.stl", cwd=lamp)
    (lamp / "parts" / "head-v2.stl").write_bytes(cube_stl(30.0))
    edit(lamp, "ohw.yaml", "export: parts/head.stl", "export: parts/head-v2.stl")
    changes = diff_json(lamp)
    [head] = changes["parts"]
    assert head["fields"] == [
        {"field": ["export"], "old": "parts/head.stl", "new": "parts/head-v2.stl"}
    ]
    [mesh] = head["meshes"]
    assert (mesh["old"]["path"], mesh["new"]["path"]) == ("parts/head.stl", "parts/head-v2.stl")
    assert mesh["new"]["volume"] == pytest.approx(27000.0)


def test_an_unreadable_side_is_a_note_not_a_failure(lamp: Path):
    (lamp / "bom.yaml").write_text("items: [unclosed\n")
    changes = diff_json(lamp)
    assert changes["bom"] == []
    assert any("bom.yaml cannot be read at working tree" in n for n in changes["notes"])


def test_unknown_revisions_and_non_designs_are_input_errors(lamp: Path, tmp_path: Path):
    done = run_ohw("diff", "no-such-branch", cwd=lamp)
    assert done.returncode == 2
    assert "unknown revision 'no-such-branch'" in done.stderr
    assert "Traceback" not in done.stderr
    done = run_ohw("diff", "HEAD", "--", "-x", cwd=lamp)
    assert done.returncode == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    git("init", "-q", cwd=empty)
    git("commit", "-q", "--allow-empty", "-m", "nothing", cwd=empty)
    done = run_ohw("diff", cwd=empty)
    assert done.returncode == 2
    assert "is not a design" in done.stderr


def test_a_design_in_a_subfolder_is_compared_there(tmp_path: Path):
    repo = tmp_path / "monorepo"
    repo.mkdir()
    shutil.copytree(EXAMPLES / "desk-lamp", repo / "lamp")
    init_and_commit(repo, "lamp")
    edit(repo / "lamp", "bom.yaml", "quantity: 0.3", "quantity: 0.4")
    git("commit", "-qam", "more strip", cwd=repo)
    changes = diff_json(repo / "lamp", "HEAD~1", "HEAD")
    assert [b["id"] for b in changes["bom"]] == ["led-strip"]


@pytest.mark.corpus
def test_corpus_meshes_volume_change_matches_trimesh(lamp: Path):
    import trimesh

    old, new = (
        CORPUS / "stl" / "voron-0" / n for n in ("A_Idler_Lower_x1.stl", "B_Idler_Upper_x1.stl")
    )
    shutil.copy(old, lamp / "parts" / "knob.stl")
    git("commit", "-qam", "A real idler as the knob", cwd=lamp)
    shutil.copy(new, lamp / "parts" / "knob.stl")
    changes = diff_json(lamp)
    [knob] = changes["parts"]
    [mesh] = knob["meshes"]
    expected = trimesh.load(new).volume - trimesh.load(old).volume
    assert mesh["volume_change"] == pytest.approx(expected, rel=1e-6)
    old_box = trimesh.load(old).bounds
    new_box = trimesh.load(new).bounds
    expected_size = (new_box[1] - new_box[0]) - (old_box[1] - old_box[0])
    assert mesh["size_change"] == pytest.approx(list(expected_size), abs=1e-4)


def test_the_readme_shows_what_ohw_diff_prints(lamp: Path):
    readme = (ROOT / "README.md").read_text()
    shown = re.search(r"```\n\$ ohw diff\n(.*?)```", readme, re.DOTALL).group(1)
    edit(lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6")
    edit(lamp, "ohw.yaml", "version: 1.2.0", "version: 1.3.0")
    arm = "    process: 3d-printing\n    quantity: 2\n    print:"
    edit(lamp, "ohw.yaml", f"    material: PLA\n{arm}", f"    material: PETG\n{arm}")
    done = run_ohw("diff", cwd=lamp)
    head = git("rev-parse", "--short=7", "HEAD", cwd=lamp).strip()
    assert done.stdout == shown.replace("fb977ef", head)


def test_moving_items_and_editing_comments_is_no_design_change(lamp: Path):
    bom = (lamp / "bom.yaml").read_text()
    start, end = bom.index("  - id: usb-cable"), bom.index("  - id: usb-switch")
    moved = bom[:start] + bom[end:] + bom[start:end]
    (lamp / "bom.yaml").write_text("# moved the cable to the end\n" + moved)
    edit(lamp, "ohw.yaml", "keywords: [lamp, desk lamp,", "keywords: [desk lamp, lamp,")
    assert diff_json(lamp)["empty"] is True


def test_values_added_to_a_list_of_plain_values_read_as_set_members():
    from ohw.history.diff import value_changes
    from ohw.merge.plan import MISSING

    changes = value_changes(
        {"keywords": ["a", "b"], "items": [{"id": "r", "designators": ["R1"]}]},
        {"keywords": ["b", "c"], "items": [{"id": "r", "designators": ["R1", "R2"]}]},
    )
    assert [(c.field, c.old, c.new, c.member) for c in changes] == [
        (("keywords",), MISSING, "c", True),
        (("keywords",), "a", MISSING, True),
        (("items", "r", "designators"), MISSING, "R2", True),
    ]


def test_a_csv_bom_is_compared_item_by_item_too(tmp_path: Path):
    holder = tmp_path / "holder"
    shutil.copytree(EXAMPLES / "spool-holder", holder)
    init_and_commit(holder, "spool holder")
    row = "608-2RSH,,Any skateboard bearing of size 608 fits.,RS Components,,"
    edit(holder, "bom.csv", f"{row}4.85", f"{row}5.10")
    changes = diff_json(holder)
    [bearing] = changes["bom"]
    assert bearing["id"] == "bearing-608"
    assert bearing["fields"] == [
        {"field": ["suppliers", "RS Components", "unit-price"], "old": 4.85, "new": 5.1}
    ]
    # Two bearings at 0.25 more, in euros; the second supplier's dollars are not the first choice.
    assert [(c["currency"], round(c["change"], 6)) for c in changes["cost"]] == [("EUR", 0.5)]
