"""ohw remix and ohw credits through the command line, on real git repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import EXAMPLES
from support.designs import (
    commit_edit,
    desk_lamp_repository,
    files_in,
    init_and_commit,
    read_bom,
    read_manifest,
)
from support.run import git, ohw_json, run_ohw

S, SA = "CERN-OHL-S-2.0", "CC-BY-SA-4.0"


def new_design(folder: Path, *options: str) -> Path:
    done = run_ohw("init", folder.name, *options, cwd=folder.parent)
    assert done.returncode == 0, done.stderr
    return folder


def state(folder: Path) -> tuple:
    """Everything a failed command must leave as it was."""
    return (
        git("rev-parse", "HEAD", cwd=folder),
        git("status", "--porcelain", cwd=folder),
        git("for-each-ref", "--format=%(refname) %(objectname)", cwd=folder),
        files_in(folder, skip_git=True),
    )


def relicense(folder: Path, old: str, new: str) -> None:
    commit_edit(folder, "ohw.yaml", f"hardware: {old}", f"hardware: {new}", f"License {new}")


@pytest.fixture
def ada(tmp_path: Path) -> Path:
    return desk_lamp_repository(tmp_path / "ada")


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    return new_design(tmp_path / "mine")


def test_remix_copies_the_part_records_its_origin_and_commits(ada: Path, mine: Path):
    head = git("rev-parse", "HEAD", cwd=ada).strip()
    done = run_ohw("remix", ada, "--part", "arm", cwd=mine)
    assert done.returncode == 0, done.stderr
    assert "Remixed 1 part from desk-lamp" in done.stdout
    data = read_manifest(mine)
    (arm,) = data["parts"]
    assert arm["id"] == "arm" and arm["material"] == "PLA" and arm["quantity"] == 2
    assert arm["export"] == "parts/desk-lamp/arm.stl"
    assert arm["from"] == {
        "design": "desk-lamp",
        "url": str(ada),
        "commit": head,
        "part": "arm",
        "license": {"hardware": S, "documentation": SA},
    }
    assert (mine / arm["export"]).read_bytes() == (ada / "parts/arm.stl").read_bytes()
    (entry,) = data["lineage"]
    assert entry == {
        "relation": "remix",
        "design": "desk-lamp",
        "title": "Adjustable desk lamp",
        "url": str(ada),
        "commit": head,
        "license": {"hardware": S, "documentation": SA},
        "authors": read_manifest(ada)["authors"],
        "parts": ["arm"],
    }
    # the manifest is edited, not rewritten: ohw init's comments are still there,
    # and its empty `parts: []` becomes a block like the source's
    text = (mine / "ohw.yaml").read_text()
    assert "# Fabricated parts, e.g.:" in text
    assert "\nparts:\n  - id: arm\n    name: Arm\n" in text
    assert git("status", "--porcelain", cwd=mine) == ""
    assert git("log", "-1", "--format=%s", cwd=mine) == f"Remix arm from desk-lamp at {head[:7]}\n"
    assert git("show", "--name-only", "--format=", "HEAD", cwd=mine).split() == [
        "ohw.yaml",
        "parts/desk-lamp/arm.stl",
    ]
    pins = git("for-each-ref", "--format=%(refname) %(objectname)", "refs/ohw", cwd=mine)
    assert pins == f"refs/ohw/remix/desk-lamp/{head} {head}\n"
    git("fsck", "--strict", cwd=mine)
    assert run_ohw("check", cwd=mine).returncode == 0


def test_with_bom_brings_the_items_the_instructions_cite_with_the_part(ada: Path, mine: Path):
    bom = mine / "bom.yaml"
    bom.write_text(
        bom.read_text().replace(
            "items: []", "items:\n  - id: usb-cable\n    name: My own USB cable\n    quantity: 1"
        )
    )
    git("commit", "-qam", "A cable", cwd=mine)
    output = ohw_json(
        "remix-output", "remix", ada, "--part", "arm", "--with-bom", "--json", cwd=mine
    )
    # arm is cited with these in one list item or paragraph of the lamp's instructions
    assert output["bom"] == {
        "added": ["m3x25", "m3-nut", "m3-washer", "cable-tie"],
        "present": ["usb-cable"],
    }
    items = {item["id"]: item for item in read_bom(mine)["items"]}
    assert items["usb-cable"]["name"] == "My own USB cable"
    source = {item["id"]: item for item in read_bom(ada)["items"]}
    assert all(items[i] == source[i] for i in output["bom"]["added"])
    assert git("status", "--porcelain", cwd=mine) == ""
    assert run_ohw("check", cwd=mine).returncode == 0


def test_with_bom_and_no_bom_yet_creates_one(ada: Path, tmp_path: Path):
    mine = new_design(tmp_path / "bare-design")
    text = (mine / "ohw.yaml").read_text()
    (mine / "ohw.yaml").write_text(text.replace("bom: bom.yaml\n", ""))
    git("rm", "-q", "bom.yaml", cwd=mine)
    git("commit", "-qam", "No BOM", cwd=mine)
    done = run_ohw("remix", ada, "--part", "head", "--with-bom", cwd=mine)
    assert done.returncode == 0, done.stderr
    assert read_manifest(mine)["bom"] == "bom.yaml"
    assert [i["id"] for i in read_bom(mine)["items"]] == [
        "led-strip", "usb-cable", "heat-shrink", "m3x25", "m3-nut", "m3-washer",
    ]  # fmt: skip
    assert git("status", "--porcelain", cwd=mine) == ""


def test_an_id_collision_is_refused_and_as_renames(ada: Path, mine: Path):
    assert run_ohw("remix", ada, "--part", "arm", cwd=mine).returncode == 0
    before = state(mine)
    again = run_ohw("remix", ada, "--part", "arm", cwd=mine)
    assert again.returncode == 2
    assert "already has a part called 'arm'" in again.stderr and "--as" in again.stderr
    assert state(mine) == before
    both = run_ohw("remix", ada, "--part", "arm", "--part", "knob", "--as", "x", cwd=mine)
    assert both.returncode == 2 and "--as renames one part" in both.stderr
    renamed = run_ohw("remix", ada, "--part", "arm", "--as", "spare-arm", cwd=mine)
    assert renamed.returncode == 0, renamed.stderr
    spare = read_manifest(mine)["parts"][1]
    assert (spare["id"], spare["from"]["part"]) == ("spare-arm", "arm")
    # one lineage entry for the one source commit
    assert [e["parts"] for e in read_manifest(mine)["lineage"]] == [["arm"]]
    assert run_ohw("check", cwd=mine).returncode == 0


@pytest.mark.parametrize(
    ("license", "reason"),
    [
        ("CC-BY-NC-4.0", "forbids commercial use"),
        ("CC-BY-ND-4.0", "allows no derivatives"),
        ("CC-BY-NC-SA-4.0", "forbids commercial use"),
    ],
)
def test_non_commercial_or_no_derivatives_sources_are_refused(
    ada: Path, mine: Path, license: str, reason: str
):
    relicense(ada, S, license)
    before = state(mine)
    done = run_ohw("remix", ada, "--part", "arm", cwd=mine)
    assert done.returncode == 2
    assert f"cannot remix desk-lamp's part arm: {license} {reason}" in done.stderr
    assert "Traceback" not in done.stderr
    assert state(mine) == before


def test_a_design_licence_weaker_than_the_part_is_refused_unless_relicensed(
    ada: Path, tmp_path: Path
):
    mine = new_design(tmp_path / "mine", "--license", "MIT")
    before = state(mine)
    done = run_ohw("remix", ada, "--part", "arm", cwd=mine)
    assert done.returncode == 2
    assert "CERN-OHL-S-2.0 is strongly reciprocal" in done.stderr
    assert "this one carries MIT" in done.stderr
    assert "--relicense CERN-OHL-S-2.0" in done.stderr
    assert state(mine) == before
    done = run_ohw("remix", ada, "--part", "arm", "--relicense", S, "--json", cwd=mine)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["license"] | {"source": None} == {
        "source": None,
        "design": S,
        "relicensed": True,
        "previous": "MIT",
        "may_carry": [S],
    }
    assert read_manifest(mine)["license"]["hardware"] == S


def test_weakly_reciprocal_parts_name_both_licences_that_would_do(ada: Path, tmp_path: Path):
    relicense(ada, S, "CERN-OHL-W-2.0")
    mine = new_design(tmp_path / "mine", "--license", "CERN-OHL-P-2.0")
    done = run_ohw("remix", ada, "--part", "arm", cwd=mine)
    assert done.returncode == 2
    assert "may carry CERN-OHL-S-2.0 or CERN-OHL-W-2.0" in done.stderr


def test_check_reports_a_licence_weakened_after_the_remix(ada: Path, mine: Path):
    assert run_ohw("remix", ada, "--part", "arm", cwd=mine).returncode == 0
    relicense(mine, S, "MIT")
    done = run_ohw("check", "--json", cwd=mine)
    assert done.returncode == 1
    (found,) = json.loads(done.stdout)["designs"][0]["findings"]
    assert found["id"] == "OHW505"
    assert "part arm from desk-lamp is licensed CERN-OHL-S-2.0" in found["message"]


@pytest.mark.parametrize("path", ["ohw.yaml", "bom.yaml"])
def test_uncommitted_changes_to_the_manifest_or_bom_are_refused(ada: Path, mine: Path, path: str):
    (mine / path).write_text((mine / path).read_text() + "# mine, not committed\n")
    before = state(mine)
    done = run_ohw("remix", ada, "--part", "arm", cwd=mine)
    assert done.returncode == 2
    assert f"uncommitted changes: {path}" in done.stderr
    assert state(mine) == before


def test_unknown_parts_and_revisions_and_other_repositories(ada: Path, mine: Path, tmp_path: Path):
    before = state(mine)
    unknown = run_ohw("remix", ada, "--part", "lamp-shade", cwd=mine)
    assert unknown.returncode == 2
    assert (
        "has no part 'lamp-shade'" in unknown.stderr and "base, arm, head, knob" in unknown.stderr
    )
    no_rev = run_ohw("remix", ada, "--part", "arm", "--rev", "v9", cwd=mine)
    assert no_rev.returncode == 2 and "has no revision 'v9'" in no_rev.stderr
    # a commit of this repository is not a revision of the source
    ours = git("rev-parse", "HEAD", cwd=mine).strip()
    not_theirs = run_ohw("remix", ada, "--part", "arm", "--rev", ours, cwd=mine)
    assert not_theirs.returncode == 2
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "README.md").write_text("not a design\n")
    init_and_commit(plain, "readme")
    not_design = run_ohw("remix", plain, "--part", "arm", cwd=mine)
    assert not_design.returncode == 2 and "is not an ohw design" in not_design.stderr
    assert state(mine) == before


def test_rev_takes_the_part_as_it_was(ada: Path, mine: Path):
    git("tag", "v1.2.0", cwd=ada)
    old = git("rev-parse", "HEAD", cwd=ada).strip()
    old_arm = (ada / "parts/arm.stl").read_bytes()
    (ada / "parts/arm.stl").write_bytes((ada / "parts/knob.stl").read_bytes())
    git("commit", "-qam", "A new arm", cwd=ada)
    for revision in ("v1.2.0", old[:10]):
        folder = new_design(mine.parent / f"at-{revision}")
        done = run_ohw("remix", ada, "--part", "arm", "--rev", revision, cwd=folder)
        assert done.returncode == 0, done.stderr
        assert read_manifest(folder)["parts"][0]["from"]["commit"] == old
        assert (folder / "parts/desk-lamp/arm.stl").read_bytes() == old_arm


def test_a_failure_while_copying_leaves_everything_as_it_was(ada: Path, mine: Path):
    taken = mine / "parts/desk-lamp/arm.stl"
    taken.parent.mkdir(parents=True)
    taken.write_bytes(b"solid mine\nendsolid mine\n")
    git("add", "-A", cwd=mine)
    git("commit", "-qm", "An arm of my own", cwd=mine)
    before = state(mine)
    done = run_ohw("remix", ada, "--part", "arm", cwd=mine)
    assert done.returncode == 2
    assert "parts/desk-lamp/arm.stl already exists in this design" in done.stderr
    assert state(mine) == before
    # a source whose part names a path outside it
    text = (ada / "ohw.yaml").read_text()
    (ada / "ohw.yaml").write_text(text.replace("export: parts/knob.stl", "export: ../../secret"))
    git("commit", "-qam", "Escape", cwd=ada)
    escape = run_ohw("remix", ada, "--part", "knob", cwd=mine)
    assert escape.returncode == 2 and "'../../secret'" in escape.stderr
    assert state(mine) == before


def test_credits_follow_a_remix_of_a_remix(ada: Path, tmp_path: Path):
    middle = new_design(tmp_path / "middle")
    assert run_ohw("remix", ada, "--part", "arm", cwd=middle).returncode == 0
    last = new_design(tmp_path / "last")
    done = run_ohw("remix", middle, "--part", "arm", "--as", "link", cwd=last)
    assert done.returncode == 0, done.stderr
    output = ohw_json("credits", "credits", "--json", cwd=last)
    assert [(u["design"], u["depth"], u["via"], u["parts"]) for u in output["upstream"]] == [
        ("middle", 1, "last", ["arm"]),
        ("desk-lamp", 2, "middle", ["arm"]),
    ]
    assert all(u["followed"] for u in output["upstream"])
    lamp = output["upstream"][1]
    assert [a["name"] for a in lamp["authors"]] == ["Ada Maker", "Grace Solder"]
    assert lamp["license"] == {"hardware": S, "documentation": SA}
    assert lamp["commit"] == git("rev-parse", "HEAD", cwd=ada).strip()


def test_credits_write_is_atomic_idempotent_and_keeps_a_file_a_person_wrote(ada: Path, mine: Path):
    assert run_ohw("remix", ada, "--part", "arm", cwd=mine).returncode == 0
    first = run_ohw("credits", "--write", cwd=mine)
    assert first.returncode == 0 and "Wrote ATTRIBUTION.md" in first.stdout
    written = (mine / "ATTRIBUTION.md").read_text()
    assert "## Adjustable desk lamp (desk-lamp)" in written
    assert "Ada Maker <ada@example.org>, Grace Solder <grace@example.org>" in written
    again = run_ohw("credits", "--write", "--json", cwd=mine)
    assert json.loads(again.stdout)["attribution"] == {"path": "ATTRIBUTION.md", "changed": False}
    assert (mine / "ATTRIBUTION.md").read_text() == written
    assert sorted(p.name for p in mine.iterdir() if p.name.startswith(".ohw-")) == []
    (mine / "ATTRIBUTION.md").write_text("Thanks to Ada, by hand.\n")
    refused = run_ohw("credits", "--write", cwd=mine)
    assert refused.returncode == 2 and "was not written by ohw credits" in refused.stderr
    assert (mine / "ATTRIBUTION.md").read_text() == "Thanks to Ada, by hand.\n"


def test_credits_say_which_entries_could_not_be_followed(tmp_path: Path):
    lamp = tmp_path / "spool-lamp"
    import shutil

    shutil.copytree(EXAMPLES / "spool-lamp", lamp)
    done = run_ohw("credits", "--json", cwd=lamp)
    assert done.returncode == 0, done.stderr
    upstream = json.loads(done.stdout)["upstream"]
    assert [(u["design"], u["relations"], u["followed"]) for u in upstream] == [
        ("desk-lamp", ["remix"], False),
        ("spool-holder", ["remix"], False),
    ]
    assert "not in a git repository" in upstream[0]["unfollowed"]
    text = run_ohw("credits", cwd=lamp).stdout
    assert "Bo Filament <bo@example.org>" in text and "not followed" in text


def test_with_bom_into_a_csv_bom_remixes_and_names_the_items_to_add(ada: Path, mine: Path):
    (mine / "bom.csv").write_text("id,name,quantity\nusb-cable,My own USB cable,1\n")
    git("rm", "-q", "bom.yaml", cwd=mine)
    commit_edit(mine, "ohw.yaml", "bom: bom.yaml", "bom: bom.csv", "A CSV BOM")
    git("add", "bom.csv", cwd=mine)
    git("commit", "-qm", "A CSV BOM", cwd=mine)
    before = (mine / "bom.csv").read_bytes()
    done = run_ohw("remix", ada, "--part", "arm", "--with-bom", cwd=mine)
    assert done.returncode == 0, done.stderr
    assert (
        "BOM items to add by hand (ohw does not edit a BOM table): m3x25, m3-nut, m3-washer, "
        "cable-tie" in done.stdout
    )
    assert "BOM items already here, left as they are: usb-cable" in done.stdout
    assert (mine / "bom.csv").read_bytes() == before
    assert [p["id"] for p in read_manifest(mine)["parts"]] == ["arm"]
    message = git("log", "-1", "--format=%b", cwd=mine)
    assert "add to the BOM table by hand: m3x25, m3-nut" in message
    assert git("status", "--porcelain", cwd=mine) == ""
    output = ohw_json(
        "remix-output", "remix", ada, "--part", "knob", "--with-bom", "--json", cwd=mine
    )
    assert output["bom"] == {
        "added": [],
        "present": [],
        "by_hand": ["m3x25", "m3-nut", "m3-washer"],
    }


def test_a_remix_killed_after_its_files_is_put_back_by_the_next(ada: Path, mine: Path):
    """What a remix killed between writing its files and its commit leaves, or
    (as an older ohw could) between its commit and the index: the next remix
    puts the files and the index back as HEAD has them, then does its work."""
    from ohw.storage.vcs.repository import note_writes

    start = git("rev-parse", "HEAD", cwd=mine).strip()
    assert run_ohw("remix", ada, "--part", "arm", cwd=mine).returncode == 0
    remixed = git("rev-parse", "HEAD", cwd=mine).strip()
    written = {path: (mine / path).read_bytes() for path in ("ohw.yaml", "parts/desk-lamp/arm.stl")}
    # killed before its commit: files and index written, HEAD not moved
    note_writes(mine, written)
    git("reset", "-q", "--soft", start, cwd=mine)
    assert git("status", "--porcelain", cwd=mine) == "M  ohw.yaml\nA  parts/desk-lamp/arm.stl\n"
    again = run_ohw("remix", ada, "--part", "arm", cwd=mine)
    assert again.returncode == 0, again.stderr
    assert git("rev-parse", "HEAD^", cwd=mine).strip() == start
    assert git("rev-parse", "HEAD^{tree}", cwd=mine) == git(
        "rev-parse", f"{remixed}^{{tree}}", cwd=mine
    )
    assert git("status", "--porcelain", cwd=mine) == ""
    # killed after its commit, the index not yet written, and a person's edit since
    redone = git("rev-parse", "HEAD", cwd=mine).strip()
    note_writes(mine, written)
    git("read-tree", start, cwd=mine)
    (mine / "README.md").write_text("my notes\n")
    done = run_ohw("remix", ada, "--part", "knob", cwd=mine)
    assert done.returncode == 0, done.stderr
    assert git("rev-parse", "HEAD^", cwd=mine).strip() == redone
    assert git("status", "--porcelain", cwd=mine) == " M README.md\n"
    assert git("diff", "--stat", "HEAD^", "HEAD", "--", "parts/desk-lamp/arm.stl", cwd=mine) == ""


def test_what_a_remix_killed_while_fetching_left_is_removed_by_the_next(ada: Path, mine: Path):
    """Killed while libgit2 fetched, a remix leaves its fetched references and
    lock files under its process's name; the next remix removes them (and those
    of remixes that fetched before there were such names), not those of a
    remix still running."""
    head = git("rev-parse", "HEAD", cwd=mine).strip()
    fetched = mine / ".git" / "refs" / "ohw" / "remix-fetch"
    for left in ("999999999/heads/main", "heads/main", "1/heads/main"):  # pid 1 runs
        (fetched / left).parent.mkdir(parents=True, exist_ok=True)
        (fetched / left).write_text(head + "\n")
        (fetched / f"{left}.lock").write_text(head + "\n")
    git("update-ref", "refs/ohw/remix-fetch/999999999/tags/v1", head, cwd=mine)
    git("pack-refs", "--all", cwd=mine)  # the packed ones too
    done = run_ohw("remix", ada, "--part", "arm", cwd=mine)
    assert done.returncode == 0, done.stderr
    files = sorted(p.relative_to(fetched).as_posix() for p in fetched.rglob("*") if p.is_file())
    assert files == ["1/heads/main", "1/heads/main.lock"]
    left = git("for-each-ref", "--format=%(refname)", "refs/ohw/remix-fetch", cwd=mine)
    assert left.split() == ["refs/ohw/remix-fetch/1/heads/main"]
    assert [p["id"] for p in read_manifest(mine)["parts"]] == ["arm"]
