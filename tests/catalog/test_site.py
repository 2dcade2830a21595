"""`ohw catalog site` and `ohw catalog serve`: the catalog as a static web
site, read in headless Chromium over HTTP and from file:// (a USB stick):
every page loads without a console error, every link and picture resolves,
and the search finds designs by a word of their description, offline."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import time
import zipfile
from pathlib import Path
from urllib.request import urlopen

import pytest
from support import EXAMPLES, OHW
from support.browser import chromium, console_errors, static_server, visit_site
from support.designs import init_and_commit, write_design
from support.meshes import binary_stl, box_facets
from support.run import git, run_ohw
from support.servers import free_port

from ohw.design.schemas import schema_validator

DOVETAIL = """\
ohw: 1
name: dovetail-box
title: A <b>box</b> with dovetails
description: A small box whose lid slides on dovetail rails; prints without supports.
keywords: [storage, box]
license: {hardware: CERN-OHL-P-2.0, documentation: CC-BY-4.0}
parts:
  - {id: body, name: Box body, export: parts/body.stl, material: PETG, process: 3d-printing}
  - {id: lid, export: parts/lid.stl, material: PLA, process: 3d-printing, quantity: 2}
"""

UNBUILDABLE = """\
ohw: 1
name: unfinished
title: An unfinished design
description: Its part names a file that was never committed.
license: {hardware: MIT}
parts:
  - {id: frame, export: parts/frame.stl, material: PLA, process: 3d-printing}
"""


def catalog(lab: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_ohw("catalog", "--catalog", lab, *args)


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    """A catalog of three designs, synced: the desk lamp, a box, and a design
    whose kit cannot be made; and one URL never synced."""
    lamp = tmp_path / "desk-lamp"
    shutil.copytree(EXAMPLES / "desk-lamp", lamp)
    init_and_commit(lamp, "The desk lamp")
    box = write_design(
        tmp_path / "box",
        DOVETAIL,
        {
            "parts/body.stl": binary_stl(box_facets(high=(60, 40, 30))),
            "parts/lid.stl": binary_stl(box_facets(high=(60, 40, 3))),
        },
    )
    init_and_commit(box, "The box")
    unfinished = init_and_commit(write_design(tmp_path / "unfinished", UNBUILDABLE), "first")
    lab = tmp_path / "lab"
    assert catalog(lab, "add", lamp, box, unfinished).returncode == 0
    synced = catalog(lab, "sync")
    assert synced.returncode == 0, synced.stdout + synced.stderr
    return lab


def test_the_site_in_a_browser_over_http_and_from_a_usb_stick(lab: Path, tmp_path: Path):
    done = catalog(lab, "site", "--out", tmp_path / "site", "--json")
    assert done.returncode == 0, done.stderr
    written = json.loads(done.stdout)
    schema_validator("catalog-site").validate(written)
    assert (written["designs"], written["kits"]) == (3, 2)
    assert [d["design"] for d in written["without_kit"]] == ["unfinished"]
    site = tmp_path / "site"

    with static_server(site) as base, chromium(tmp_path / "profile") as driver:
        visited = visit_site(driver, base)
        assert console_errors(driver) == []
        assert not visited.broken_links and not visited.broken_images
        assert len(visited.pages) == 4  # the list and three designs
        lamp = visited.pages[base + "designs/desk-lamp.html"]
        assert base + "kits/desk-lamp.zip" in lamp["links"]
        assert {base + f"pictures/desk-lamp/{p}.png" for p in ("base", "arm", "head", "knob")} <= {
            i["src"] for i in lamp["images"]
        }
        assert shown(driver, base + "index.html", "dovetail") == ["A <b>box</b> with dovetails"]
        assert shown(driver, base + "index.html", "petg lamp") == ["Adjustable desk lamp"]
        assert shown(driver, base + "index.html", "dove box") == ["A <b>box</b> with dovetails"]
        assert shown(driver, base + "index.html", "nothing-like-it") == []
        assert len(shown(driver, base + "index.html", "")) == 3
        # From a USB stick: file:// pages, no server at all.
        usb = site.as_uri() + "/index.html?q=supports"
        driver.get(usb)
        assert visible(driver) == ["A <b>box</b> with dovetails"]
        driver.get(site.as_uri() + "/designs/unfinished.html")
        assert "No build kit" in driver.find_element("tag name", "body").text
        assert console_errors(driver) == []

    box_page = (site / "designs" / "dovetail-box.html").read_text()
    assert "&lt;b&gt;box&lt;/b&gt;" in box_page and "<b>box</b>" not in box_page
    assert "Every printed part fits: Prusa MK4" in box_page
    assert "60 × 40 × 30 mm" in box_page


def shown(driver: object, page: str, query: str) -> list[str]:
    driver.get(page)  # type: ignore[attr-defined]
    box = driver.find_element("id", "search")  # type: ignore[attr-defined]
    box.clear()
    box.send_keys(query or " ")
    return visible(driver)


def visible(driver: object) -> list[str]:
    return driver.execute_script(  # type: ignore[attr-defined]
        "return Array.from(document.querySelectorAll('#designs > li:not([hidden]) strong'),"
        " e => e.textContent);"
    )


def test_a_design_s_kit_is_the_kit_ohw_fab_makes_of_its_commit(lab: Path, tmp_path: Path):
    assert catalog(lab, "site", "--out", tmp_path / "site").returncode == 0
    lamp = tmp_path / "desk-lamp"
    made = run_ohw("fab", "--out", tmp_path / "fab.zip", cwd=lamp)
    assert made.returncode == 0, made.stderr
    downloaded = (tmp_path / "site" / "kits" / "desk-lamp.zip").read_bytes()
    assert downloaded == (tmp_path / "fab.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "site" / "kits" / "desk-lamp.zip") as archive:
        described = json.loads(archive.read("kit.json"))
        assert described["commit"] == git("rev-parse", "HEAD", cwd=lamp).strip()
        for path, digest in described["files"].items():
            assert hashlib.sha256(archive.read(path)).hexdigest() == digest


def test_a_site_replaces_its_own_but_nothing_else(lab: Path, tmp_path: Path):
    site = tmp_path / "site"
    assert catalog(lab, "site", "--out", site).returncode == 0
    assert catalog(lab, "site", "--out", site).returncode == 0  # its own site: replaced
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"not a site")
    refused = catalog(lab, "site", "--out", other)
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert (other / "holiday.jpg").read_bytes() == b"not a site"
    no_catalog = catalog(tmp_path / "none", "site", "--out", tmp_path / "x")
    assert no_catalog.returncode == 2 and "no catalog" in no_catalog.stderr


def test_serve_puts_the_site_on_the_network_until_interrupted(lab: Path, tmp_path: Path):
    port = free_port()
    server = subprocess.Popen(
        [str(OHW), "catalog", "--catalog", str(lab), "serve", "--bind", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = server.stdout.readline()  # type: ignore[union-attr]
        assert f"http://127.0.0.1:{port}/" in line, line + server.stderr.read()  # type: ignore[union-attr]
        with urlopen(f"http://127.0.0.1:{port}/index.html", timeout=10) as page:
            assert b"A &lt;b&gt;box&lt;/b&gt; with dovetails" in page.read()
        with chromium(tmp_path / "profile") as driver:
            assert shown(driver, f"http://127.0.0.1:{port}/index.html", "lamp") == [
                "Adjustable desk lamp"
            ]
            assert console_errors(driver) == []
        busy = catalog(lab, "serve", "--bind", "127.0.0.1", "--port", str(port))
        assert busy.returncode == 2 and "cannot serve" in busy.stderr
    finally:
        server.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 20
        while server.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
    assert server.returncode == 130
