"""The kit's pages for the workbench: short links read as names, each step
opens with what it needs, and the whole guide on one page prints a step a
page; read back as HTML and in headless Chromium."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from support.browser import chromium, static_server, visit_site
from support.designs import commit_edit
from support.run import run_ohw


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def kit_of(lamp: Path, out: Path, *options: str) -> Path:
    done = run_ohw("fab", "--out", out, *options, cwd=lamp)
    assert done.returncode == 0, done.stderr
    return out


def test_short_links_read_as_the_names_of_what_they_cite(lamp, tmp_path):
    commit_edit(
        lamp,
        "instructions/02-assemble-the-arms.md",
        "Tools:",
        "Short: <part:knob>, <bom:m3x25>, <part:nothing>, [own words](part:knob).\nTools:",
    )
    kit = kit_of(lamp, tmp_path / "kit")
    html = (kit / "steps" / "02-assemble-the-arms.html").read_text()
    assert '<a href="../index.html#part-knob">Knob</a>' in html
    assert ">Socket head cap screw M3x25, stainless steel A2</a>" in html
    assert ">own words</a>" in html
    assert "part:knob" not in text_of(html) and "bom:m3x25" not in text_of(html)
    assert "part:nothing" in text_of(html)  # an unknown id keeps its text, and no link


def test_each_step_opens_with_its_parts_and_items_for_one_unit(lamp, tmp_path):
    kit = kit_of(lamp, tmp_path / "kit", "--units", "5")
    html = (kit / "steps" / "02-assemble-the-arms.html").read_text()
    needs = html[html.index('<aside class="needs">') : html.index("</aside>")]
    assert html.index("</h1>") < html.index('<aside class="needs">')  # after the step's title
    parts = re.findall(r'<img src="\.\./thumbnails/(\w+)\.png"', needs)
    assert parts == ["base", "arm", "head", "knob"]  # in the order the step cites them
    said = text_of(needs)
    for amount in ("1 × Base", "2 × Arm", "2 × Knob", "2 × Socket head cap screw M3x25",
                   "4 × Flat washer M3"):  # fmt: skip
        assert amount in said, amount
    assert "For one unit; the kit is for 5." in said
    wiring = text_of((kit / "steps" / "01-wire-the-head.html").read_text())
    assert "0.3 m LED strip" in wiring  # an item measured in metres keeps its unit


def test_the_guide_holds_every_step_in_order_and_prints_a_step_a_page(lamp, tmp_path):
    kit = kit_of(lamp, tmp_path / "kit")
    guide = (kit / "guide.html").read_text()
    titles = ["1. Wire the head", "2. Assemble the arms", "3. Route the cable and fit the feet"]
    places = [guide.index(title) for title in titles]
    assert places == sorted(places)
    assert guide.count('class="step"') == 3 and guide.count('<aside class="needs">') == 3
    assert 'href="#part-knob"' in guide and 'id="part-knob"' in guide
    assert 'id="bom-m3x25"' in guide
    assert '<a href="guide.html">' in (kit / "index.html").read_text()
    assert "@media print" in (kit / "style.css").read_text()

    with static_server(kit) as base, chromium(tmp_path / "profile") as driver:
        site = visit_site(driver, base, "guide.html")
        assert not site.broken_links and not site.broken_images
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        driver.get(base + "guide.html")
        printed = driver.execute_script(
            "return {nav: getComputedStyle(document.querySelector('nav')).display,"
            " breaks: Array.from(document.querySelectorAll('.step'),"
            "   s => getComputedStyle(s).breakBefore)};"
        )
    assert printed == {"nav": "none", "breaks": ["page", "page", "page"]}
