"""The real OKH manifests of the corpus: each imports or gives a finding with its
line, every key is kept, and every export validates against the standard's own
schemas (OKH-LOSH, OKH v1), read as their authors meant them."""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

import jsonschema
import pytest
import yaml
from support import CORPUS
from support.run import run_ohw

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

# A stand-in where the corpus is absent: a parametrized test needs one case to
# skip, which the corpus marker skips saying why.
MANIFESTS = sorted(p for p in CORPUS.glob("okh/*/okh.*") if not p.parent.name.startswith("_")) or [
    CORPUS / "okh" / "(the corpus is absent)" / "okh.yml"
]


def standard(name: str) -> jsonschema.protocols.Validator:
    """The standard's schema; its JavaScript named groups and its type 'float'
    (for number) read as Python's jsonschema can."""
    text = re.sub(r"\(\?<[A-Za-z]+>", "(", (CORPUS / "okh" / "_schemas" / name).read_text())
    checker = jsonschema.Draft7Validator.TYPE_CHECKER.redefine(
        "float", lambda checker, value: checker.is_type(value, "number")
    )
    validator = jsonschema.validators.extend(jsonschema.Draft7Validator, type_checker=checker)
    return validator(json.loads(text))


@pytest.mark.corpus
@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.parent.name)
def test_a_real_manifest_imports_and_exports_valid_or_gives_a_finding(manifest: Path):
    design = Path(tempfile.mkdtemp())
    done = run_ohw("import", "okh", manifest, design, "--json")
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    if not report["written"]:
        [found] = report["findings"]
        assert found["line"] is not None and found["column"] is not None
        return
    assert report["keys"]["unknown"] == []  # the table covers the corpus
    for okh_format, schema in (("toml", "okh.schema.json"), ("yaml", "okh-v1.schema.json")):
        out = design / f"out.{okh_format}"
        exported = run_ohw("export", "okh", "--format", okh_format, "-o", out, design)
        assert exported.returncode == 0, exported.stdout
        text = out.read_text()
        data = tomllib.loads(text) if okh_format == "toml" else yaml.safe_load(text)
        errors = list(standard(schema).iter_errors(json.loads(json.dumps(data, default=str))))
        assert errors == [], [e.message for e in errors]


# Keys OKH v1 has twice, for one thing: the import keeps the value, the export
# writes it under the second name.
SYNONYMS = {"sub": "sub-parts"}


@pytest.mark.corpus
@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.parent.name)
def test_a_round_trip_keeps_every_value_the_standard_defines_or_says_why(manifest: Path):
    """export(import(x)) in x's own format holds every key of x that the
    standard's schema defines, its value normalised at most; or the export
    names it as left out, with the reason."""
    design = Path(tempfile.mkdtemp())
    imported = json.loads(run_ohw("import", "okh", manifest, design, "--json").stdout)
    if not imported["written"]:
        return  # a broken manifest: the test above holds its finding
    okh_format, schema = (
        ("toml", "okh.schema.json")
        if manifest.suffix == ".toml"
        else ("yaml", "okh-v1.schema.json")
    )
    out = design / f"out.{okh_format}"
    done = run_ohw("export", "okh", "--format", okh_format, "-o", out, "--json", design)
    assert done.returncode == 0, done.stdout
    left_out = " ".join(f["message"] for f in json.loads(done.stdout)["findings"])
    text = manifest.read_text("utf-8")
    source = tomllib.loads(text) if okh_format == "toml" else yaml.safe_load(text)
    exported = (
        tomllib.loads(out.read_text()) if okh_format == "toml" else yaml.safe_load(out.read_text())
    )
    defined = json.loads((CORPUS / "okh" / "_schemas" / schema).read_text())["properties"]
    lost = [
        key
        for key in source
        if key in defined
        and key not in exported
        and SYNONYMS.get(key) not in exported
        and f"extensions.okh.{key} is not written" not in left_out
    ]
    assert lost == []
