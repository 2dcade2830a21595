"""A Fab Lab's day, as a new user would try it: clone a design over HTTP, roll
up its BOM for five units, make a kit for a Prusa MK4, look at it in a
browser, and find the design again in the lab's catalog."""

from __future__ import annotations

import hashlib
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import yaml
from support.browser import chromium, is_picture, static_server, visit_site
from support.designs import desk_lamp_repository, files_in
from support.run import git, ohw_json, run_ohw
from support.servers import smart_http

from ohw.design.schemas import schema_validator


def test_from_a_url_to_a_kit_and_a_catalog(tmp_path: Path):
    upstream = desk_lamp_repository(tmp_path / "upstream")
    served = tmp_path / "served"
    served.mkdir()
    git("clone", "-q", "--bare", upstream, served / "desk-lamp.git", cwd=tmp_path)
    with smart_http(served) as base:
        url = f"{base}/desk-lamp.git"
        cloned = run_ohw("clone", url, cwd=tmp_path)
        assert cloned.returncode == 0, cloned.stderr
        lamp = tmp_path / "desk-lamp"

        # The BOM for five lamps, each total recomputed here from bom.yaml.
        rolled = ohw_json("bom-output", "bom", "--units", "5", "--json", cwd=lamp)
        items = yaml.safe_load((lamp / "bom.yaml").read_text())["items"]
        totals = {"required": Decimal(0), "optional": Decimal(0)}
        for item in items:
            price = Decimal(str(item["suppliers"][0]["unit-price"]))
            totals["optional" if item.get("optional") else "required"] += (
                Decimal(str(item["quantity"])) * 5 * price
            )
        assert rolled["purchased"]["totals"] == {"EUR": float(totals["required"])}
        assert rolled["optional"]["totals"] == {"EUR": float(totals["optional"])}
        manifest = yaml.safe_load((lamp / "ohw.yaml").read_text())
        printed = {p["id"]: p["quantity"] for p in rolled["printed"]["parts"]}
        assert printed == {p["id"]: p["quantity"] * 5 for p in manifest["parts"]}

        kit_zip = tmp_path / "kit.zip"
        made = run_ohw("fab", "--printer", "prusa-mk4", "--units", "5", "--out", kit_zip, cwd=lamp)
        assert made.returncode == 0, made.stderr

        lab = tmp_path / "lab-catalog"
        assert run_ohw("catalog", "--catalog", lab, "add", url).returncode == 0
        synced = run_ohw("catalog", "--catalog", lab, "sync")
        assert synced.returncode == 0, synced.stdout + synced.stderr

    kit = tmp_path / "kit"
    with zipfile.ZipFile(kit_zip) as archive:
        archive.extractall(kit)
    files = files_in(kit)
    described = json.loads(files.pop("kit.json"))
    schema_validator("kit").validate(described)
    assert described["commit"] == git("rev-parse", "HEAD", cwd=upstream).strip()
    assert described["files"] == {p: hashlib.sha256(c).hexdigest() for p, c in files.items()}
    assert all(p["fit"]["fits"] for p in described["parts"])

    with static_server(kit) as site_base, chromium(tmp_path / "profile") as driver:
        site = visit_site(driver, site_base)
    assert not site.broken_links and not site.broken_images
    assert site.pages[site_base + "index.html"]["bomRows"] == len(
        [i for i in items if not i.get("optional")]
    )
    assert is_picture(site.screenshot)[2] > 16

    for search in (["lamp"], ["--material", "PETG"], ["desk", "--material", "pla"]):
        found = run_ohw("catalog", "--catalog", lab, "search", *search, "--json")
        assert found.returncode == 0, found.stderr
        assert [d["name"] for d in json.loads(found.stdout)["designs"]] == ["desk-lamp"], search
