"""A README's title, description and licence section."""

from __future__ import annotations

import pytest
from support import CORPUS

from ohw.adopt.readme import introduction, licence_section


def test_title_and_the_first_prose_under_it_not_badges_or_pictures():
    text = (
        "Desk lamp\n=========\n\n[![build](b.svg)](ci) [![licence](l.svg)](x)\n\n"
        "![The lamp](photo.jpg)\n\n"
        "A clamp-on lamp for a *desk*, printed in [PETG](http://example.org).\n"
        "It takes an E27 bulb.\n\n## Build\n\nSteps."
    )
    found = introduction(text)
    assert found.title == "Desk lamp"
    assert found.description == (
        "A clamp-on lamp for a desk, printed in PETG. It takes an E27 bulb."
    )


@pytest.mark.parametrize(
    "text",
    ["", "\r\n\r\n", "no heading at all, just words here and there", "```\n# not a title\n```"],
)
def test_what_has_no_heading_has_no_title(text):
    assert introduction(text).title is None


def test_no_description_outside_the_introduction_and_a_long_one_is_cut():
    assert introduction("# A\n\n## B\n\nA paragraph of prose under B.").description is None
    long = introduction("# A\n\n" + "word " * 400).description
    assert long is not None and len(long) < 620 and long.endswith("…")


def test_the_licence_section_ends_at_the_next_heading_of_its_level():
    text = "# A\nx\n## Licence\nCC-BY-SA-4.0 for the docs.\n### Hardware\nsee LICENSE\n## Other\nno"
    assert licence_section(text) == "CC-BY-SA-4.0 for the docs.\n\nsee LICENSE"
    assert licence_section("# A\n## Usage\ntext") == ""


@pytest.mark.corpus
def test_the_corpus_printers_titles():
    voron = introduction((CORPUS / "repos/VoronDesign__Voron-Trident/README.md").read_text())
    assert voron.title == "Voron Trident" and "stealthburner" in (voron.description or "")
    mendel = introduction((CORPUS / "repos/nophead__Mendel90/README.md").read_text())
    assert mendel.title == "A RepRap Mendel variant using sheets for the frame instead of rods"
    assert mendel.description is None  # its introduction is a heading, then the variants
