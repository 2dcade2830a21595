"""Paths and URLs in a design's files (ohw.design.paths), told without regular
expressions; the expressions they replace are the reference here."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from ohw.design.paths import is_url, path_problem

URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
DRIVE = re.compile(r"^[A-Za-z]:")
# Text made mostly of the characters that matter, so that near misses are common.
texts = st.text(alphabet=st.sampled_from("aZ09+.-:/ \\é_"), max_size=12) | st.text(max_size=12)


@given(texts)
def test_a_url_is_what_the_regular_expression_says(text):
    assert is_url(text) == bool(URL.match(text))


@given(texts)
def test_a_drive_path_is_what_the_regular_expression_says(text):
    problem = path_problem(text) or ""
    if DRIVE.match(text) and text.strip() and "\0" not in text and "\\" not in text:
        assert "Windows drive" in problem
    else:
        assert "Windows drive" not in problem


def test_examples():
    assert is_url("https://example.org/x.stl") and is_url("git+ssh://host/repo")
    assert not is_url("parts/x.stl") and not is_url("1http://x") and not is_url("://x")
    assert "Windows drive" in (path_problem("C:parts/x.stl") or "")
    assert path_problem("parts/C:x.stl") is None
