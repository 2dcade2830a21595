"""Licences from LICENSE, COPYING and the README, matched by licenseclassifier."""

from __future__ import annotations

import pytest
from support import CORPUS, ROOT

from ohw.adopt.license_files import find_licences, is_licence_file

MIT = """MIT License

Copyright (c) 2024 Ada Maker

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


@pytest.mark.parametrize(
    ("name", "expected"),
    [("LICENSE", True), ("LICENCE.md", True), ("COPYING", True), ("LICENSE-HARDWARE.txt", True),
     ("docs/LICENSE", False), ("licensed_parts.stl", False), ("README.md", False)],
)  # fmt: skip
def test_licence_files_are_known_by_name(name, expected):
    assert is_licence_file(name) is expected


def test_texts_become_spdx_identifiers_for_hardware_and_documentation():
    found = find_licences({"LICENSE": (ROOT / "LICENSE").read_text()}, None)
    assert found.by_kind == {"hardware": "Apache-2.0", "documentation": "Apache-2.0"}
    assert found.doubts == []
    found = find_licences({"COPYING": MIT.replace("\n", "\r\n")}, None)
    assert found.by_kind["hardware"] == "MIT"


def test_licence_files_named_for_a_kind_of_work_cover_that_kind():
    found = find_licences(
        {"LICENSE-SOFTWARE": MIT, "LICENSE-HARDWARE": "SPDX-License-Identifier: CERN-OHL-S-2.0"},
        None,
    )
    assert found.by_kind == {"hardware": "CERN-OHL-S-2.0", "software": "MIT"}


def test_the_readme_is_read_only_without_licence_files_and_is_a_doubt():
    section = ("README.md", "Docs under https://creativecommons.org/licenses/by-sa/4.0/ .")
    found = find_licences({}, section)
    assert found.by_kind["hardware"] == "CC-BY-SA-4.0"
    assert any("read from the words of README.md" in d for d in found.doubts)
    named = find_licences({}, ("README.md", "This design is released under CERN-OHL-W-2.0."))
    assert named.by_kind["hardware"] == "CERN-OHL-W-2.0"
    assert find_licences({"LICENSE": MIT}, section).by_kind["hardware"] == "MIT"


@pytest.mark.parametrize("text", ["", "All rights reserved.", "\x00\x01binary", "MIT"])
def test_no_licence_text_is_a_doubt_not_a_guess(text):
    found = find_licences({"LICENSE": text}, None)
    assert found.by_kind == {} and "no licence text ohw recognises" in found.doubts[0]


@pytest.mark.corpus
def test_the_voron_trident_is_gpl_3_and_the_version_question_is_said():
    text = (CORPUS / "repos/VoronDesign__Voron-Trident/LICENSE").read_text()
    found = find_licences({"LICENSE": text}, None)
    assert found.by_kind["hardware"] == "GPL-3.0-only"
    assert "GPL-3.0-or-later" in found.doubts[0]
