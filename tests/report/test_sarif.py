"""`ohw check --format sarif` (ohw.report.sarif), held to the official SARIF 2.1.0
schema and to what GitHub code scanning needs: rules, relative paths, stable
fingerprints; and the report written to a file, the cache where CI keeps it."""

from __future__ import annotations

import json

import jsonschema
import pytest
from support import TESTS
from support.designs import DEFECTS, defective_design
from support.run import run_check, run_ohw

from ohw.design.findings import RULES

SARIF_SCHEMA = json.loads((TESTS / "data" / "sarif-schema-2.1.0.json").read_text())


def sarif(capsys, *args) -> dict:
    code, out = run_check(capsys, "--format", "sarif", *args)
    assert code == 1
    log = json.loads(out)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    return log


def test_the_official_sarif_schema_is_the_one_shipped():
    assert SARIF_SCHEMA["id"].endswith("/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    # The schema is strict: a log GitHub would refuse is refused here too.
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate({"version": "2.1.0", "runs": [{}]})


def test_sarif_is_valid_and_has_what_code_scanning_needs(defective, capsys, monkeypatch):
    monkeypatch.chdir(defective)
    log = sarif(capsys)
    [run] = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    for rule in rules:
        assert rule["helpUri"].startswith("https://")
        assert rule["help"]["text"]
        assert rule["shortDescription"]["text"] == RULES[rule["id"]].title
    found = []
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:")), uri
        assert location["region"]["startLine"] >= 1
        assert location["region"]["startColumn"] >= 1
        found.append((result["ruleId"], uri, location["region"]["startLine"]))
    assert found == [
        (rule, file.replace(" ", "%20").replace(":", "%3A"), line or 1)
        for rule, file, line in DEFECTS
    ]


def test_sarif_paths_are_relative_to_the_repository_root(tmp_path, capsys, monkeypatch):
    repository = tmp_path / "repo"
    defective_design(repository / "designs" / "lamp", repository=repository)
    monkeypatch.chdir(repository / "designs")
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif(capsys, "lamp")["runs"][0]["results"]
    ]
    assert "designs/lamp/ohw.yaml" in uris
    assert all(uri.startswith("designs/lamp/") for uri in uris)


def test_sarif_fingerprints_stay_while_lines_move(defective, capsys):
    def fingerprints() -> dict[str, tuple[int, str]]:
        results = sarif(capsys, defective)["runs"][0]["results"]
        return {
            r["ruleId"]: (
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["partialFingerprints"]["ohwFinding/v1"],
            )
            for r in results
        }

    before = fingerprints()
    assert fingerprints() == before
    manifest = defective / "ohw.yaml"
    manifest.write_text("# the design\n" + manifest.read_text())
    after = fingerprints()
    assert after["OHW201"][0] == before["OHW201"][0] + 1
    assert {k: v[1] for k, v in after.items()} == {k: v[1] for k, v in before.items()}
    assert len({v[1] for v in after.values()}) == len(after)


# -- output to a file, cache folder ----------------------------------------------------------


def test_output_goes_to_a_file_and_the_cache_where_asked(defective, tmp_path):
    cache = tmp_path / "ci-cache"
    report = tmp_path / "ohw.sarif"
    done = run_ohw(
        "check", "--format", "sarif", "--output", report, "--cache-dir", cache, defective
    )
    assert done.returncode == 1
    assert done.stdout == ""
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads(report.read_text()))
    assert list((cache / "mesh").rglob("*.json"))
    assert not (defective / ".git" / "ohw").exists()
