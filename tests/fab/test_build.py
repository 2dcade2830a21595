"""`ohw fab`: build kits of real commits, read back as files, as zip files, and
in a real browser (headless Chromium)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from support import EXAMPLES
from support.browser import chromium, is_picture, static_server, visit_site
from support.designs import choosy_design, files_in, init_and_commit, write_design
from support.meshes import binary_stl, box_facets
from support.run import git, run_ohw

from ohw.design.schemas import schema_validator


def picture_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (64, 48), "white")
    ImageDraw.Draw(image).rectangle((8, 8, 40, 30), fill="navy")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def lamp(lamp: Path) -> Path:
    """The desk lamp (tests/conftest.py's), with a picture, a drawing and raw HTML
    in its instructions committed."""
    (lamp / "instructions" / "img").mkdir()
    (lamp / "instructions" / "img" / "pivot.png").write_bytes(picture_png())
    (lamp / "docs").mkdir()
    (lamp / "docs" / "drawing.txt").write_text("a drawing\n")
    step = lamp / "instructions" / "02-assemble-the-arms.md"
    step.write_text(
        step.read_text()
        + "\n![The lower pivot](img/pivot.png)\n\nSee [the drawing](../docs/drawing.txt), "
        "[the first step](01-wire-the-head.md#1-wire-the-head) and <https://example.org/lamp>.\n"
        "<script>alert('kit')</script> and <part:knob>.\n"
    )
    git("add", "-A", cwd=lamp)
    git("commit", "-qm", "Pictures", cwd=lamp)
    return lamp


def check_hashes(files: dict[str, bytes]) -> dict:
    kit = json.loads(files["kit.json"])
    schema_validator("kit").validate(kit)
    listed = kit["files"]
    assert set(listed) == set(files) - {"kit.json"}
    for path, digest in listed.items():
        assert hashlib.sha256(files[path]).hexdigest() == digest, path
    return kit


def test_a_kit_as_a_folder_and_as_a_zip_is_the_same_and_reproducible(lamp: Path, tmp_path: Path):
    done = run_ohw(
        "fab", "--printer", "prusa-mk4", "--units", "5", "--out", tmp_path / "kit", cwd=lamp
    )
    assert done.returncode == 0, done.stderr
    files = files_in(tmp_path / "kit")
    kit = check_hashes(files)
    assert kit["commit"] == git("rev-parse", "HEAD", cwd=lamp).strip()
    assert kit["units"] == 5 and kit["printer"]["volume"] == [250, 210, 220]
    assert {"print/PETG/base.stl", "print/PETG/head.stl", "print/PLA/arm.stl", "print/PLA/knob.stl",
            "bom.csv", "index.html", "steps/02-assemble-the-arms.html", "LICENSE",
            "files/instructions/img/pivot.png", "files/docs/drawing.txt"} <= set(files)  # fmt: skip
    assert files["print/PLA/arm.stl"] == (lamp / "parts" / "arm.stl").read_bytes()
    # Each part with a mesh has its picture, drawn of that mesh, in the kit and in kit.json.
    for part in ("base", "head", "arm", "knob"):
        width, height, colours = is_picture(files[f"thumbnails/{part}.png"])
        assert (width, height) == (256, 256) and colours > 16
    assert (
        files["bom.csv"].decode()
        == run_ohw("bom", "--units", "5", "--format", "csv", cwd=lamp).stdout
    )
    assert "fits as modelled" in done.stdout

    # Uncommitted edits are not in a kit of HEAD, and the same commit gives the same bytes.
    (lamp / "bom.yaml").write_text("items: []\n")
    for out in ("a.zip", "b.zip"):
        again = run_ohw(
            "fab", "--printer", "prusa-mk4", "--units", "5", "--out", tmp_path / out, cwd=lamp
        )
        assert again.returncode == 0, again.stderr
    zipped = (tmp_path / "a.zip").read_bytes()
    assert zipped == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert {n: archive.read(n) for n in names} == files
        assert all(i.date_time == archive.infolist()[0].date_time for i in archive.infolist())


def test_the_kit_in_a_browser(lamp: Path, tmp_path: Path):
    done = run_ohw("fab", "--printer", "prusa-mk4", "--out", tmp_path / "kit", cwd=lamp)
    assert done.returncode == 0, done.stderr
    with static_server(tmp_path / "kit") as base, chromium(tmp_path / "profile") as driver:
        site = visit_site(driver, base)
    assert not site.broken_links and not site.broken_images
    assert site.external_links == ["https://example.org/lamp"]
    index = site.pages[base + "index.html"]
    assert index["bomRows"] == 8  # the desk lamp's required items
    assert {base + f"thumbnails/{p}.png" for p in ("base", "arm", "head", "knob")} <= {
        i["src"] for i in index["images"]
    }
    assert {"part-base", "part-arm", "part-head", "part-knob", "bom-m3x25", "bom"} <= set(
        index["ids"]
    )
    step = site.pages[base + "steps/02-assemble-the-arms.html"]
    assert base + "files/instructions/img/pivot.png" in [i["src"] for i in step["images"]]
    assert base + "index.html#part-knob" in step["links"]
    assert len(site.pages) == 4  # the index and three steps
    width, height, colours = is_picture(site.screenshot)
    assert width >= 800 and height >= 400 and colours > 16
    html = (tmp_path / "kit" / "steps" / "02-assemble-the-arms.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;alert" in html


def test_out_must_be_empty_unless_forced(lamp: Path, tmp_path: Path):
    out = tmp_path / "kit"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    refused = run_ohw("fab", "--out", out, cwd=lamp)
    assert refused.returncode == 2 and "not empty" in refused.stderr and "--force" in refused.stderr
    assert files_in(out) == {"notes.txt": b"mine\n"}
    forced = run_ohw("fab", "--out", out, "--force", cwd=lamp)
    assert forced.returncode == 0, forced.stderr
    assert "notes.txt" not in files_in(out) and "kit.json" in files_in(out)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    (tmp_path / "kit.zip").write_bytes(b"old")
    assert run_ohw("fab", "--out", tmp_path / "kit.zip", cwd=lamp).returncode == 2
    assert (tmp_path / "kit.zip").read_bytes() == b"old"
    assert run_ohw("fab", "--out", tmp_path / "kit.zip", "--force", cwd=lamp).returncode == 0
    assert zipfile.is_zipfile(tmp_path / "kit.zip")
    assert (
        run_ohw("fab", "--out", tmp_path / "new" / "folder" / "kit.zip", cwd=lamp).returncode == 0
    )
    assert zipfile.is_zipfile(tmp_path / "new" / "folder" / "kit.zip")


BIG_MANIFEST = """\
ohw: 1
name: big-things
title: Big things
license: {hardware: CERN-OHL-P-2.0}
parts:
  - {id: tower, export: parts/tower.stl, material: PETG, process: 3d-printing}
  - {id: plank, export: parts/plank.stl, material: PLA, process: 3d-printing}
  - {id: cube, name: "<b>bold</b>", export: parts/cube.stl, material: PLA, process: 3d-printing}
"""


@pytest.fixture
def big(tmp_path: Path) -> Path:
    meshes = {
        "parts/tower.stl": binary_stl(box_facets((0, 0, 0), (400, 100, 380))),
        "parts/plank.stl": binary_stl(box_facets((0, 0, 0), (10, 240, 200))),
        "parts/cube.stl": binary_stl(box_facets()),
    }
    return init_and_commit(write_design(tmp_path / "big", BIG_MANIFEST, meshes), "big")


def test_a_part_too_big_for_every_printer_is_said_plainly(big: Path, tmp_path: Path):
    done = run_ohw("fab", "--out", tmp_path / "kit", cwd=big)
    assert done.returncode == 1, done.stderr
    assert "TOO BIG for every printer ohw knows: it is 400.0 × 100.0 × 380.0 mm" in done.stdout
    assert (
        "1 part too big for every printer ohw knows: tower (400.0 × 100.0 × 380.0 mm)"
        in done.stdout
    )
    kit = check_hashes(files_in(tmp_path / "kit"))
    tower = next(p for p in kit["parts"] if p["id"] == "tower")
    assert tower["fits_on"] == [] and tower["fit"] is None
    assert "Too big for any printer ohw knows" in (tmp_path / "kit" / "index.html").read_text()
    assert "<b>bold</b>" not in (tmp_path / "kit" / "index.html").read_text()


def test_fits_in_some_orientation_and_says_which(big: Path, tmp_path: Path):
    done = run_ohw("fab", "--printer", "prusa-mk4", "--json", "--out", tmp_path / "k.zip", cwd=big)
    assert done.returncode == 1
    parts = {p["id"]: p for p in json.loads(done.stdout)["parts"]}
    assert parts["plank"]["fit"] == {
        "printer": "prusa-mk4",
        "fits": True,
        "orientation": ["Y", "X", "Z"],
    }
    assert parts["cube"]["fit"]["orientation"] == ["X", "Y", "Z"]
    assert parts["tower"]["fit"] == {"printer": "prusa-mk4", "fits": False, "orientation": None}
    text = run_ohw("fab", "--printer", "prusa-mk4", "--out", tmp_path / "t.zip", cwd=big).stdout
    assert "fits turned, as 240.0 × 10.0 × 200.0 mm (X × Y × Z)" in text
    assert "TOO BIG for the Prusa MK4 (250 × 210 × 220 mm)" in text
    bed = run_ohw("fab", "--bed", "500x500x500", "--out", tmp_path / "b.zip", cwd=big)
    assert bed.returncode == 0, bed.stdout
    for wrong in (
        ["--printer", "nope"],
        ["--bed", "10x10"],
        ["--printer", "ender-3", "--bed", "1x1x1"],
    ):
        refused = run_ohw("fab", *wrong, "--out", tmp_path / "w.zip", cwd=big)
        assert refused.returncode == 2, wrong
    assert not (tmp_path / "w.zip").exists()


def test_a_kit_needs_a_commit(tmp_path: Path):
    folder = tmp_path / "loose"
    shutil.copytree(EXAMPLES / "desk-lamp", folder)
    done = run_ohw("fab", "--out", tmp_path / "kit", cwd=folder)
    assert done.returncode == 2 and "git" in done.stderr
    assert run_ohw("fab", "--rev", "nope", "--out", tmp_path / "kit", cwd=tmp_path).returncode == 2


@pytest.mark.parametrize("export", ["5", "parts", "parts/gone.stl", "../outside.stl"])
def test_a_part_naming_a_file_the_commit_lacks_makes_no_kit(
    lamp: Path, tmp_path: Path, export: str
):
    manifest = lamp / "ohw.yaml"
    manifest.write_text(
        manifest.read_text().replace("export: parts/base.stl", f"export: {export}", 1)
    )
    git("commit", "-qam", "A part's file is gone", cwd=lamp)
    done = run_ohw("fab", "--out", tmp_path / "kit", cwd=lamp)
    assert done.returncode == 2, done.stderr
    assert f"does not hold: {export}" in done.stderr and "ohw check" in done.stderr
    assert not (tmp_path / "kit").exists()


def test_a_kit_holds_the_chosen_option_only_and_sorts_prints_by_colour(tmp_path: Path):
    design = init_and_commit(choosy_design(tmp_path / "choosy"), "choosy")
    done = run_ohw("fab", "--choose", "head=square", "--out", tmp_path / "kit", "--json",
                   cwd=design)  # fmt: skip
    assert done.returncode == 0, done.stderr
    kit = json.loads((tmp_path / "kit" / "kit.json").read_text())
    assert schema_validator("kit").is_valid(kit)
    parts = {p["id"]: p for p in kit["parts"]}
    assert list(parts) == ["base", "square", "trim", "jig"]
    assert parts["trim"]["files"] == ["print/PLA/accent/trim.stl"]
    assert parts["jig"]["optional"] and parts["jig"]["role"] == "tool"
    assert kit["choices"][0]["option"] == "square"
    assert not (tmp_path / "kit" / "print" / "PLA" / "round.stl").exists()
    page = (tmp_path / "kit" / "index.html").read_text()
    assert "head: square (also round)" in page and "accent" in page and "optional" in page
    refused = run_ohw("fab", "--choose", "head=oval", "--out", tmp_path / "kit2", cwd=design)
    assert refused.returncode == 2 and not (tmp_path / "kit2").exists()
