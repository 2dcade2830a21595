"""The schemas: valid JSON Schema 2020-12, documented, strict, shipped in the wheel."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator

import jsonschema
import pytest
from support import ROOT

from ohw.design.findings import RULES
from ohw.design.schemas import SCHEMA_NAMES, load_schema, schema_text


def subschemas(node: object, path: str = "") -> Iterator[tuple[str, dict]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from subschemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from subschemas(value, f"{path}/{i}")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_draft_2020_12_with_id_and_title(name):
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://ohw.dev/schemas/{name}.schema.json"
    assert schema["title"]
    assert schema["description"]


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_property_is_described_and_objects_refuse_unknown_keys(name):
    for path, node in subschemas(load_schema(name)):
        for key, prop in node.get("properties", {}).items():
            if isinstance(prop, dict) and path.rsplit("/", 1)[-1] != "properties":
                assert prop.get("description"), f"{path}/properties/{key} has no description"
        if "properties" in node and path.rsplit("/", 1)[-1] != "properties":
            assert node.get("additionalProperties") is False, f"{path} accepts unknown keys"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_finding_ids_named_by_a_schema_exist(name):
    named = [n["x-ohw-finding"] for _, n in subschemas(load_schema(name)) if "x-ohw-finding" in n]
    assert all(rule in RULES for rule in named)


def test_the_package_ships_the_schemas_of_the_repository():
    for name in SCHEMA_NAMES:
        assert schema_text(name) == (ROOT / "schemas" / f"{name}.schema.json").read_text()


def test_the_wheel_carries_the_schemas_and_runs_without_the_source_tree(tmp_path):
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = (tmp_path / "dist").glob("ohw-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for name in SCHEMA_NAMES:
        assert f"ohw/schemas/{name}.schema.json" in names
    # setup.cfg lists the packages by hand: every module of the source must ship.
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "ohw").rglob("*.py")}
    assert modules - set(names) == set()
    assert not any(n.startswith(("tests/", "examples/", "schemas/")) for n in names)

    site = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(site),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); import ohw, ohw.cli.main;"
            "print(ohw.__file__); sys.exit(ohw.cli.main.main(['schema', 'bom']))",
            str(site),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=elsewhere,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    first_line, schema = run.stdout.split("\n", 1)
    assert first_line.startswith(str(site))
    assert json.loads(schema)["$id"].endswith("/bom.schema.json")
