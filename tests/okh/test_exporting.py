"""ohw export okh: a design as okh.toml (checked by ohw's own OKH-LOSH schema)
or okh.yml, what OKH requires taken from the repository where the design is
silent, and the round trip through an import losing nothing OKH defines."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml
from support.designs import read_manifest
from support.okh import LOSH, imported
from support.run import ohw_json, run_ohw

from ohw.design.schemas import schema_validator

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def test_an_imported_manifest_exports_valid_and_keeps_every_value(tmp_path):
    imported(tmp_path, LOSH)
    design = tmp_path / "design"
    done = run_ohw("export", "okh", design)
    assert done.returncode == 0, done.stdout + done.stderr
    written = tomllib.loads((design / "okh.toml").read_text())
    assert written["okhv"] == "OKH-LOSHv1.0"
    assert written["license"] == "CERN-OHL-1.2"
    assert written["licensor"] == ["Ada Maker <ada@example.org>", "Bo Builder"]
    assert written["documentation-language"] == ["en-GB", "de"]
    assert written["x-vendor-colour"] == "teal"
    [arm] = written["part"]
    assert (arm["quantity"], arm["tsdc"], arm["printing-process"]) == (2, "3DP", "FDM")
    original = tomllib.loads(LOSH)
    for key in ("name", "repo", "version", "function", "manufacturing-instructions"):
        assert written[key] == original[key].lstrip("/")


def test_what_okh_requires_is_taken_from_the_repository_or_reported(tmp_path):
    imported(tmp_path, 'name = "x"\n')
    design = tmp_path / "design"
    report = json.loads(run_ohw("export", "okh", design, "--json").stdout)
    assert not report["ok"] and not report["written"]
    assert any("repo" in f["message"] for f in report["findings"] if f["rule"] == "OHW710")
    assert not (design / "okh.toml").exists()


def test_the_shape_ohw_writes_is_its_own_schema(tmp_path):
    imported(tmp_path, LOSH)
    done = run_ohw("export", "okh", "-o", "-", tmp_path / "design")
    data = tomllib.loads(done.stdout)
    data.pop("x-vendor-colour")
    schema_validator("okh-losh").validate(data)


def test_a_hand_written_okh_file_is_not_replaced_without_force(tmp_path):
    imported(tmp_path, LOSH)
    design = tmp_path / "design"
    (design / "okh.toml").write_text("# mine\n")
    done = run_ohw("export", "okh", design)
    assert done.returncode == 2 and (design / "okh.toml").read_text() == "# mine\n"
    assert run_ohw("export", "okh", design, "--force").returncode == 0
    assert run_ohw("export", "okh", design).returncode == 0  # ohw's own file: replaced


def test_okh_v1_export_round_trips_through_an_import(tmp_path):
    v1 = (
        "title: Knob\ndescription: Opens doors.\nlicense:\n  hardware: CERN-OHL-W-2.0\n"
        "  documentation: CC-BY-SA-4.0\nkeywords: [door, knob]\nmade: true\n"
        "project-link: https://example.org/knob\n"
    )
    imported(tmp_path, v1, "okh.yml")
    report = ohw_json(
        "okh-export", "export", "okh", "--format", "yaml", tmp_path / "design", "--json"
    )
    assert report["written"]
    back = yaml.safe_load((tmp_path / "design" / "okh.yml").read_text())
    for key, value in yaml.safe_load(v1).items():
        assert back[key] == value
    assert read_manifest(tmp_path / "design")["title"] == "Knob"


def test_exported_files_are_what_the_import_reads_again(tmp_path: Path):
    imported(tmp_path, LOSH)
    first = tmp_path / "design"
    run_ohw("export", "okh", first)
    again = tmp_path / "again"
    ohw_json("okh-import", "import", "okh", first / "okh.toml", again, "--json")
    assert read_manifest(again)["parts"] == read_manifest(first)["parts"]
