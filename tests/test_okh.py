"""docs/okh.md maps every Open Know-How key to its place in ohw.yaml: the keys of
the real manifests in the corpus and of the standard's schemas all have a row,
and every target exists in the manifest schema."""

from __future__ import annotations

import json
import re
import sys

import pytest
from support import ROOT

from ohw.design.schemas import load_schema

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

import yaml

ROW = re.compile(r"^\| (`[^|]+`) \| ([^|]+) \|", re.MULTILINE)


def mapping() -> dict[str, list[str]]:
    """OKH key -> the ohw.yaml paths it goes to (empty when dropped)."""
    table: dict[str, list[str]] = {}
    for keys, targets in ROW.findall((ROOT / "docs" / "okh.md").read_text()):
        for key in re.findall(r"`([^`]+)`", keys):
            assert key not in table, f"{key} is mapped twice"
            table[key] = re.findall(r"`([^`]+)`", targets)
    return table


def schema_has(path: str) -> bool:
    """Whether a target such as `parts[].process` names a property of the manifest schema."""
    schema = load_schema("manifest")

    def resolve(node: dict) -> list[dict]:
        if "$ref" in node and node["$ref"].startswith("#/$defs/"):
            return resolve(schema["$defs"][node["$ref"].split("/")[-1]])
        branches = node.get("anyOf", [])
        return [node] + [r for b in branches for r in resolve(b)]

    nodes = resolve(schema)
    for name in path.split("."):
        key, is_list = name.removesuffix("[]"), name.endswith("[]")
        found = [n["properties"][key] for n in nodes if key in n.get("properties", {})]
        nodes = [r for n in found for r in resolve(n)]
        if is_list:
            nodes = [r for n in nodes if "items" in n for r in resolve(n["items"])]
        if not nodes:
            return False
    return True


def test_the_page_draws_the_table_the_import_uses():
    from ohw.okh.keys import KEYS

    assert mapping() == {key: list(targets) for key, targets in KEYS.items()}


def test_every_target_exists_in_the_manifest_schema():
    targets = {t for ts in mapping().values() for t in ts}
    assert targets
    missing = sorted(t for t in targets if not schema_has(t))
    assert missing == []


def test_the_resolver_can_tell_a_missing_target():
    assert schema_has("parts[].process")
    assert not schema_has("parts[].flavour")
    assert not schema_has("links.twitter")


@pytest.mark.corpus
def test_every_key_of_the_standards_schemas_has_a_row(corpus):
    table = mapping()
    for name in ("okh-v1.schema.json", "okh.schema.json"):
        schema = json.loads((corpus / "okh" / "_schemas" / name).read_text())
        unmapped = sorted(k for k in schema["properties"] if k not in table)
        assert unmapped == [], name


def corpus_keys(corpus) -> set[str]:
    keys: set[str] = set()
    for path in sorted((corpus / "okh").glob("*/okh.*")):
        if path.parent.name.startswith("_"):
            continue
        try:
            if path.suffix == ".toml":
                data = tomllib.loads(path.read_text())
            else:
                data = yaml.safe_load(path.read_text())
        except (tomllib.TOMLDecodeError, yaml.YAMLError):
            continue  # broken upstream, kept as negative cases (see the corpus README)
        if not isinstance(data, dict):
            continue
        for key, value in data.items():
            keys.add(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    keys.update(f"{key}.{sub}" for sub in item)
    return keys


@pytest.mark.corpus
def test_every_key_the_real_manifests_use_has_a_row(corpus):
    keys = corpus_keys(corpus)
    assert len(keys) > 60  # the corpus is there and was read
    assert sorted(keys - set(mapping())) == []
