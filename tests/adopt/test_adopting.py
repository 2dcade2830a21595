"""`ohw adopt` on repositories as their maintainers lay them out: what it writes,
that `ohw check` finds no false error after it, that it keeps what the
maintainer wrote, and what it does with bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from support import CORPUS
from support.designs import files_in, write_files
from support.meshes import cube_stl
from support.repos import corpus_repository, listed_paths
from support.run import git, ohw_json, run_ohw

CUBE = cube_stl()
LICENSE_MIT = (Path(__file__).parent / "test_license_files.py").read_text().split('"""')[3]


def printer_repository(folder: Path) -> Path:
    """A small printer as people lay one out: Voron names, a folder of
    alternatives, sources in a parallel tree, superseded parts, a CSV BOM."""
    write_files(folder, {
        "README.md": "# Tiny printer\n\nA small printer for a desk, printed in PETG.\n",
        "LICENSE": LICENSE_MIT,
        "STLs/Frame/[a]_corner_x4.stl": CUBE,
        "STLs/Frame/foot_x2.stl": CUBE,
        "STLs/Hotend Mounts/Dragon.stl": CUBE,
        "STLs/Hotend Mounts/Revo.stl": CUBE,
        "CAD/Hotend Mounts/Standard/Dragon.step": "ISO-10303-21;\n",
        "STLs/old/foot_v1.stl": CUBE,
        "bom.csv": "id,name,quantity\nm3x8,M3x8 screw,12\n",
        "docs/BOM.md": "| qty | item |\n|---|---|\n| 4 | M3 nut |\n",
        "docs/BOM.xlsx": "PK\x03\x04 a spreadsheet",
    })  # fmt: skip
    git("init", "-q", "-b", "main", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-qm", "printer", cwd=folder)
    return folder


def check_rules(folder: Path) -> set[str]:
    """The finding ids `ohw check` reports on the design in ``folder``."""
    output = json.loads(run_ohw("check", "--json", cwd=folder).stdout)
    return {f["id"] for design in output["designs"] for f in design["findings"]}


def adopt_json(folder: Path, *options: str) -> dict:
    return ohw_json("adopt-output", "adopt", "--json", *options, cwd=folder)


def test_adopting_writes_only_ohw_yaml_and_check_finds_no_error(tmp_path: Path):
    printer = printer_repository(tmp_path / "tiny-printer")
    before = files_in(printer, skip_git=True)
    output = adopt_json(printer)
    assert output["written"] and not output["merged"] and output["commit"] is None
    after = files_in(printer, skip_git=True)
    assert set(after) - set(before) == {"ohw.yaml"} and all(after[p] == before[p] for p in before)
    manifest = yaml.safe_load((printer / "ohw.yaml").read_text())
    assert manifest["name"] == "tiny-printer" and manifest["title"] == "Tiny printer"
    assert manifest["description"] == "A small printer for a desk, printed in PETG."
    assert manifest["license"] == {"hardware": "MIT", "documentation": "MIT"}
    assert [a["name"] for a in manifest["authors"]] == [
        git("config", "user.name", cwd=printer).strip()
    ]
    parts = {p["export"]: p for p in manifest["parts"]}
    corner = parts["STLs/Frame/[a]_corner_x4.stl"]
    assert (corner["id"], corner["quantity"], corner["colour"]) == ("corner", 4, "accent")
    assert (
        parts["STLs/Hotend Mounts/Dragon.stl"]["source"] == "CAD/Hotend Mounts/Standard/Dragon.step"
    )
    assert parts["STLs/Hotend Mounts/Revo.stl"]["choice"] == "hotend-mounts"
    assert manifest["choices"] == [{"id": "hotend-mounts", "title": "Hotend Mounts",
                                    "default": "dragon"}]  # fmt: skip
    assert manifest["unused"] == [{"path": "STLs/old/", "reason": "superseded"}]
    assert manifest["bom"] == "bom.csv"
    said = " ".join(u["message"] for u in output["undecided"])
    assert "also found: docs/BOM.md" in said
    assert "look like BOMs ohw cannot read yet" in said and "in docs/: not named" in said
    check = run_ohw("check", cwd=printer)
    assert check.returncode == 0, check.stdout
    assert "OHW205" not in check.stdout  # every mesh is a part, or said to be none
    bom = run_ohw("bom", "--json", cwd=printer).stdout
    assert "Revo" not in bom and "Dragon" in bom  # the choice's default only


def test_a_dry_run_shows_the_manifest_and_writes_nothing(tmp_path: Path):
    printer = printer_repository(tmp_path / "p")
    before = files_in(printer)
    done = run_ohw("adopt", "--dry-run", cwd=printer)
    assert done.returncode == 0 and "id: corner" in done.stdout and "--dry-run" in done.stdout
    assert "could not decide" in done.stdout and "→ choices: hotend-mounts: default" in done.stdout
    assert files_in(printer) == before


def test_running_again_adds_only_what_is_new_and_keeps_the_maintainers_text(tmp_path: Path):
    printer = printer_repository(tmp_path / "p")
    adopt_json(printer)
    manifest = (printer / "ohw.yaml").read_text()
    edited = manifest.replace("quantity: 4", "quantity: 5  # one spare").replace(
        "hardware: MIT", "hardware: CERN-OHL-P-2.0"
    )
    (printer / "ohw.yaml").write_text(edited)
    again = adopt_json(printer)
    assert not again["written"] and again["added"] == []
    assert (printer / "ohw.yaml").read_text() == edited
    write_files(
        printer, {"STLs/Frame/[a]_corner_x4 copy.stl": CUBE, "STLs/Frame/bracket.stl": CUBE}
    )
    third = adopt_json(printer)
    assert third["merged"] and sorted(third["added"]) == ["bracket", "corner-x4-copy"]
    text = (printer / "ohw.yaml").read_text()
    assert "quantity: 5  # one spare" in text and "hardware: CERN-OHL-P-2.0" in text
    assert text.startswith(edited.rstrip("\n").split("\nparts:")[0])
    assert run_ohw("check", cwd=printer).returncode == 0


def test_inside_a_design_it_is_the_design_above_that_is_adopted(tmp_path: Path):
    printer = printer_repository(tmp_path / "p")
    adopt_json(printer)
    write_files(printer, {"STLs/Frame/bracket.stl": CUBE})
    done = run_ohw("adopt", cwd=printer / "STLs" / "Frame")
    assert done.returncode == 0, done.stderr
    assert "added to" in done.stdout and "1 new part" in done.stdout
    assert not (printer / "STLs" / "Frame" / "ohw.yaml").exists()
    assert "bracket" in (printer / "ohw.yaml").read_text()


def test_counts_are_written_with_their_nouns(tmp_path: Path):
    folder = tmp_path / "one"
    write_files(folder, {"README.md": "# One knob\n", "knob.stl": CUBE})
    git("init", "-q", "-b", "main", cwd=folder)
    done = run_ohw("adopt", "--dry-run", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "1 part, 0 choices, 0 folders set apart, " in done.stdout
    assert "1 parts" not in done.stdout


def test_commit_commits_ohw_yaml_alone_and_only_when_asked(tmp_path: Path):
    printer = printer_repository(tmp_path / "p")
    (printer / "notes.txt").write_text("my own work, not staged\n")
    head = git("rev-parse", "HEAD", cwd=printer).strip()
    adopt_json(printer)
    assert git("rev-parse", "HEAD", cwd=printer).strip() == head  # written, not committed
    (printer / "ohw.yaml").unlink()
    output = adopt_json(printer, "--commit")
    assert output["commit"] == git("rev-parse", "HEAD", cwd=printer).strip()
    changed = git("show", "--name-only", "--format=", "HEAD", cwd=printer).split()
    assert changed == ["ohw.yaml"] and "?? notes.txt" in git("status", "--short", cwd=printer)


def test_commit_refused_over_staged_changes_leaves_everything_as_it_was(tmp_path: Path):
    printer = printer_repository(tmp_path / "p")
    (printer / "README.md").write_text("# Tiny printer, edited\n")
    git("add", "README.md", cwd=printer)
    before = files_in(printer, skip_git=True)
    done = run_ohw("adopt", "--commit", cwd=printer)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert files_in(printer, skip_git=True) == before


def test_a_folder_outside_git_is_adopted_without_authors(tmp_path: Path):
    folder = tmp_path / "loose"
    write_files(folder, {"knob.stl": CUBE, "knob.scad": "cube(10);\n"})
    output = adopt_json(folder)
    manifest = yaml.safe_load((folder / "ohw.yaml").read_text())
    assert "authors" not in manifest and manifest["parts"][0]["source"] == "knob.scad"
    wheres = [u["where"] for u in output["undecided"]]
    assert any(w.startswith("authors") for w in wheres) and any(
        w.startswith("license") for w in wheres
    )
    assert run_ohw("adopt", "--commit", cwd=folder).returncode == 2


@pytest.mark.parametrize(
    ("manifest", "says"),
    [("ohw: 1\nname: [unclosed\n", "cannot be read as a manifest"),
     ("- a list\n", "cannot be read as a manifest"),
     ("a: 1\na: 2\n", "cannot be read as a manifest"),
     # what the maintainer wrote fails the schema: theirs to fix, not adopt's bug
     ("ohw: 1\nname: p\ntitle: t\nlicense:\n  hardware: MIT\nparts: 5\n",
      "ohw.yaml is not a valid manifest (parts should be a list"),
     ("ohw: 1\nname: p\nparts:\n  - id: lid\n    quantity: -1\n", "is not a valid manifest"),
     ("ohw: 2\n", "is not a valid manifest"),
     (b"\xff\xfeo\x00h\x00w\x00", "it is not UTF-8 text"),  # UTF-16
     (b"name: caf\xe9\n", "it is not UTF-8 text")],  # Windows-1252
)  # fmt: skip
def test_an_unreadable_ohw_yaml_is_left_as_it_is(tmp_path: Path, manifest: str | bytes, says: str):
    printer = printer_repository(tmp_path / "p")
    raw = manifest if isinstance(manifest, bytes) else manifest.encode()
    (printer / "ohw.yaml").write_bytes(raw)
    done = run_ohw("adopt", cwd=printer)
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr
    assert (printer / "ohw.yaml").read_bytes() == raw


def test_an_ohw_yaml_that_is_a_folder_is_left_as_it_is(tmp_path: Path):
    printer = printer_repository(tmp_path / "p")
    (printer / "ohw.yaml").mkdir()
    done = run_ohw("adopt", cwd=printer)
    assert done.returncode == 2 and "is not a file" in done.stderr, done.stderr
    assert (printer / "ohw.yaml").is_dir()


def test_hostile_files_give_clear_notes_never_a_traceback(tmp_path: Path):
    folder = tmp_path / "hostile"
    write_files(folder, {
        "parts/back\\slash.stl": CUBE,
        "parts/ünïcödé name (x2).stl": CUBE,
        "parts/empty.stl": b"",
        "README.md": b"\xff\xfe# \x00 not utf-8\r\rtitle\r",
        "LICENSE": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        "bom.csv": "qty;item\n" + "x" * 200_000 + "\n",
        "BOM.md": "| 2 | knob.stl |\n",
    })  # fmt: skip
    done = run_ohw("adopt", "--json", cwd=folder)
    assert done.returncode == 0, done.stderr
    said = [u["message"] for u in json.loads(done.stdout)["undecided"]]
    assert any("parts/back\\slash.stl uses backslashes" in m and "not adopted" in m for m in said)
    manifest = yaml.safe_load((folder / "ohw.yaml").read_text())
    names = {p["export"]: p for p in manifest["parts"]}
    assert names["parts/ünïcödé name (x2).stl"]["quantity"] == 2
    # True findings only: the empty mesh, the licence nobody gave, the name with spaces, and
    # the mesh whose name neither Windows nor ohw.yaml can hold (as the notes say).
    assert check_rules(folder) == {"OHW301", "OHW502", "OHW208", "OHW205", "OHW207"}


def test_not_a_folder_is_a_usage_error(tmp_path: Path):
    done = run_ohw("adopt", tmp_path / "nowhere", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr


# --- the corpus: two real printers, measured ---------------------------------------


def adopted(name: str, tmp_path: Path) -> tuple[Path, dict, dict, dict[str, dict]]:
    """The corpus repository ``name`` made and adopted: its folder, the adopt
    output, the manifest written and its parts by file."""
    repository = corpus_repository(name, tmp_path / name.split("__")[1])
    output = adopt_json(repository)
    manifest = yaml.safe_load((repository / "ohw.yaml").read_text())
    return repository, output, manifest, {p["export"]: p for p in manifest["parts"]}


def quantity_in_name(path: str) -> int:
    found = re.search(r"_x(\d+)\.stl$", path, re.IGNORECASE)
    return int(found.group(1)) if found else 1


@pytest.mark.corpus
def test_the_voron_trident_every_part_with_its_quantity_and_its_choices(tmp_path: Path):
    repository, output, manifest, parts = adopted("VoronDesign__Voron-Trident", tmp_path)
    stls = [p for p in listed_paths("VoronDesign__Voron-Trident") if p.lower().endswith(".stl")]
    apart = [p for p in stls if p.startswith(("STLs/superseded_parts/", "experimental/"))]
    assert len(stls) == 145 and len(apart) == 14
    # Every STL is a part with the quantity its _xN says, or set apart on purpose.
    assert sorted(parts) == sorted(set(stls) - set(apart))
    assert all(parts[p]["quantity"] == quantity_in_name(p) for p in parts)
    accent = [p for p in parts if "/[a]_" in p]
    assert all(parts[p]["colour"] == "accent" for p in accent)
    assert len(accent) == len([p for p in stls if "/[a]_" in p and p not in apart])
    assert {c["id"] for c in manifest["choices"]} == {
        "skirt", "controller-mounts", "holes", "deck-support"
    }  # fmt: skip
    skirt = [p for p in parts.values() if p.get("choice") == "skirt"]
    assert {p["option"] for p in skirt} == {"250", "300", "350"} and len(skirt) == 15
    assert output["license"]["hardware"] == "GPL-3.0-only"
    check = run_ohw("check", cwd=repository)
    assert check.returncode == 0 and "error" not in check.stdout, check.stdout
    built = ohw_json("bom-output", "bom", "--json", "--choose", "skirt=300", cwd=repository)
    printed = [p["id"] for p in built["printed"]["parts"]]
    assert "front-skirt-left-300" in printed and "front-skirt-left-250" not in printed


def mendel_bom_counts() -> dict[str, int]:
    text = (CORPUS / "repos/nophead__Mendel90/files/dibond/bom/bom.txt").read_text()
    printed = text.split("Printed:")[1].split("Sub-assemblies:")[0]
    return {m.group(2): int(m.group(1)) for m in re.finditer(r"(\d+) (\S+\.stl)$", printed, re.M)}


@pytest.mark.corpus
def test_mendel90_variants_are_one_choice_and_the_generated_bom_counts(tmp_path: Path):
    repository, output, manifest, parts = adopted("nophead__Mendel90", tmp_path)
    counts = mendel_bom_counts()
    assert len(counts) == 50
    right = [n for n, c in counts.items() if parts[f"dibond/stls/{n}"]["quantity"] == c]
    assert len(right) == len(counts)
    (variant,) = manifest["choices"]
    assert variant["id"] == "variant" and variant["default"] == "dibond"
    options = {o for p in parts.values() for o in _options(p)}
    assert options == {"dibond", "dibond-e3d", "huxley", "mendel", "sturdy", "sturdy-e3d"}
    assert "dibond/stls/printed/" in output["unused"]  # plates of the parts beside them
    assert not any("/printed/" in p for p in parts)
    rules = check_rules(repository)
    assert rules == {"OHW502", "OHW208"}  # no licence upstream; spaces in picture names
    built = ohw_json("bom-output", "bom", "--json", cwd=repository)
    printed = {p["file"] for p in built["printed"]["parts"]}
    others = ("mendel/", "huxley/", "sturdy/", "sturdy_E3D/", "dibond_E3D/")
    assert not [f for f in printed if f.startswith(others)]
    assert len([f for f in printed if f.startswith("dibond/")]) == len(
        [p for p in parts if p.startswith("dibond/")]
    )


def _options(part: dict) -> list[str]:
    option = part.get("option", [])
    return [option] if isinstance(option, str) else option


def test_adopting_with_lfs_sets_up_lfs_for_meshes_from_now_on(tmp_path: Path):
    printer = printer_repository(tmp_path / "tiny-printer")
    done = run_ohw("adopt", "--lfs", "--commit", cwd=printer)
    assert done.returncode == 0, done.stderr
    assert "git add --renormalize" in done.stdout
    committed = git("show", "--name-only", "--format=", "HEAD", cwd=printer).split()
    assert committed == [".gitattributes", "ohw.yaml"]
    assert "*.stl filter=lfs diff=lfs merge=lfs -text" in (printer / ".gitattributes").read_text()
    git("add", "--renormalize", ".", cwd=printer)
    git("commit", "-qm", "meshes into LFS", cwd=printer)
    assert "STLs/Frame/[a]_corner_x4.stl" in git("lfs", "ls-files", "-n", cwd=printer)
    assert run_ohw("check", cwd=printer).returncode == 0
