"""ohw import okh: OKH manifests made here (TOML and YAML, odd values, broken
files) become ohw.yaml; an existing ohw.yaml keeps its text; a repository URL
served on loopback is cloned and read."""

from __future__ import annotations

import json

import pytest
from support.designs import init_and_commit, read_manifest
from support.okh import LOSH, imported
from support.run import git, ohw_json, run_ohw
from support.servers import git_daemon, smart_http

from ohw.design.reader import parse_file


def test_an_okh_losh_manifest_becomes_a_valid_design_with_its_values_normalised(tmp_path):
    report, manifest = imported(tmp_path, LOSH)
    assert report["written"] and report["ok"]
    assert manifest["license"] == {"hardware": "CERN-OHL-1.2"}
    assert manifest["licensor"] == ["Ada Maker <ada@example.org>", "Bo Builder"]
    assert manifest["documentation-language"] == ["en-GB", "de"]
    assert manifest["images"] == ["docs/photo.jpg"]
    assert manifest["instructions"] == "docs/build.md"
    assert manifest["organization"] == {"name": "Maker Space", "url": "https://makers.example.org"}
    [arm] = manifest["parts"]
    assert arm["quantity"] == 2 and arm["process"] == "3d-printing"
    assert arm["print"] == {"infill": 20, "process": "FDM"}
    assert arm["source"] == "cad/arm.scad"
    # A height of 0 is no size: the dimensions are kept as written, not dropped.
    assert manifest["extensions"]["okh"]["outer-dimensions"]["height"] == 0
    assert manifest["extensions"]["okh"]["x-vendor-colour"] == "teal"
    rules = {f["rule"] for f in report["findings"]}
    assert {"OHW705", "OHW706", "OHW707"} <= rules
    assert "x-vendor-colour" in report["keys"]["unknown"]
    text = (tmp_path / "design" / "ohw.yaml").read_bytes()
    assert parse_file("ohw.yaml", "manifest", text).valid


def test_an_okh_v1_manifest_keeps_its_version_as_written_and_its_names_become_ids(tmp_path):
    _, manifest = imported(
        tmp_path,
        "title: Door Knob\ndescription: Opens doors.\nversion: 1.10\n"
        "license:\n  hardware: CERN OHL v1.2\n  documentation: BY-SA 4.0\n"
        "documentation-language: EN-UK\nmade: true\ndevelopment-stage: prototpye\n"
        "contact:\n  name: Nic\n  social:\n    - platform: GitHub\n      user-handle: nic\n",
        "okh.yml",
    )
    assert manifest["name"] == "door-knob"
    assert manifest["version"] == "1.10"
    assert manifest["license"] == {"hardware": "CERN-OHL-1.2", "documentation": "CC-BY-SA-4.0"}
    assert manifest["documentation-language"] == "en-GB"
    assert manifest["development-stage"] == "prototype"
    assert manifest["contact"] == {"name": "Nic", "url": "https://github.com/nic"}
    assert manifest["extensions"]["okh"]["contact"]["social"][0]["user-handle"] == "nic"


@pytest.mark.parametrize(
    ("name", "text", "rule", "line", "column"),
    [
        ("okh.toml", 'name = "a"\nname = "b"\n', "OHW702", 2, 11),
        ("okh.toml", 'name = "a\n', "OHW701", 1, 10),
        ("okh.yml", "title: a\ntitle: b\n", "OHW702", 2, 1),
        ("okh.yml", "contact:\n  user: @me\n", "OHW701", 2, 9),
        ("okh.yml", "# only a comment\n", "OHW703", 1, 1),
        ("okh.yml", "- a list\n", "OHW703", 1, 1),
        ("okh.yml", b"title: caf\xe9\n", "OHW701", 1, 11),
    ],
)
def test_a_broken_manifest_is_a_finding_with_line_and_column_and_writes_nothing(
    tmp_path, name, text, rule, line, column
):
    source = tmp_path / name
    source.write_bytes(text if isinstance(text, bytes) else text.encode())
    done = run_ohw("import", "okh", source, tmp_path / "design", "--json")
    assert done.returncode == 1, done.stderr
    [found] = json.loads(done.stdout)["findings"]
    assert (found["rule"], found["line"], found["column"]) == (rule, line, column)
    assert not (tmp_path / "design").exists()


@pytest.mark.parametrize("depth", [150, 2000])
def test_a_manifest_nested_too_deep_is_a_finding_not_a_crash(tmp_path, depth):
    source = tmp_path / "okh.toml"
    source.write_text('name = "x"\nx = ' + "[" * depth + "]" * depth + "\n")
    done = run_ohw("import", "okh", source, tmp_path / "design", "--json")
    assert done.returncode == 1, done.stderr
    [found] = json.loads(done.stdout)["findings"]
    assert found["rule"] == "OHW701" and "levels deep" in found["message"]
    assert not (tmp_path / "design").exists()


def test_a_percent_line_before_the_document_is_read_past_and_said(tmp_path):
    report, manifest = imported(
        tmp_path, "%Open Know-How Manifest 1.0\n---\ntitle: ERV\n", "okh.yml"
    )
    assert manifest["title"] == "ERV"
    [directive] = [f for f in report["findings"] if f["rule"] == "OHW704"]
    assert (directive["line"], directive["column"]) == (1, 1)


def test_a_huge_file_is_refused_before_it_is_parsed(tmp_path):
    source = tmp_path / "okh.toml"
    source.write_text('name = "x"\n' + "# padding\n" * 200_000)
    done = run_ohw("import", "okh", source, tmp_path / "design")
    assert done.returncode == 1 and "OHW701" in done.stdout


def test_paths_leaving_the_repository_are_kept_apart_not_followed(tmp_path):
    _report, manifest = imported(tmp_path, 'name = "x"\nreadme = "../../etc/passwd"\n')
    assert "readme" not in manifest
    assert manifest["extensions"]["okh"]["readme"] == "../../etc/passwd"


def test_importing_into_a_design_keeps_the_maintainers_text_and_values(tmp_path):
    design = tmp_path / "design"
    design.mkdir()
    mine = (
        "# my comment\nohw: 1\nname: holder\ntitle: My Holder   # mine\nlicense:\n  hardware: MIT\n"
    )
    (design / "ohw.yaml").write_text(mine)
    (tmp_path / "okh.toml").write_text(LOSH)
    report = ohw_json("okh-import", "import", "okh", tmp_path / "okh.toml", design, "--json")
    assert report["merged"]
    text = (design / "ohw.yaml").read_text()
    assert text.startswith("# my comment\nohw: 1\nname: holder\ntitle: My Holder   # mine\n")
    manifest = read_manifest(design)
    assert manifest["license"]["hardware"] == "MIT"
    assert manifest["parts"][0]["id"] == "Arm"
    assert any(f["rule"] == "OHW708" for f in report["findings"])


@pytest.mark.parametrize("server", [git_daemon, smart_http], ids=["git", "http"])
def test_a_repository_url_is_cloned_and_its_manifest_imported(tmp_path, server):
    work = tmp_path / "work"
    work.mkdir()
    (work / "okh.toml").write_text(LOSH)
    init_and_commit(work, "okh")
    served = tmp_path / "served"
    served.mkdir()
    git("clone", "-q", "--bare", work, served / "holder.git", cwd=served)
    with server(served) as url:
        report = ohw_json(
            "okh-import", "import", "okh", f"{url}/holder.git", tmp_path / "design", "--json"
        )
    assert report["okh_file"] == "okh.toml"
    assert read_manifest(tmp_path / "design")["title"] == "Spool Holder"


def test_a_repository_without_a_manifest_is_a_usage_error(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "README.md").write_text("hi\n")
    init_and_commit(work, "readme")
    done = run_ohw("import", "okh", f"file://{work}", tmp_path / "design")
    assert done.returncode == 2
    assert "no OKH manifest" in done.stderr
