"""What ohw writes from a design's text, for terminals (ohw.report.styled:
printable, markup): no control character, direction mark or line break reaches
text output as it is, each is written as an escape that reads back as it; and
rich shows markup as the text it stands for."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st
from rich.text import Text
from support.fuzz import fuzzing

from ohw.report.styled import markup, printable

# What a terminal acts on, or a reader takes for a line break: C0, DEL, C1, the
# marks and embeddings that turn text's direction (Trojan Source), and Unicode's
# line and paragraph separators (str.splitlines, JavaScript).
ACTING = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
HOSTILE = st.lists(
    st.characters(exclude_categories=["Cs"])
    | st.sampled_from(
        ["\x1b", "\x1b[2J", "\x1b]0;t\x07", "\x9b", "\u202e", "\u2066", "\u061c", "\u2028",
         "\u2029", "\x85", "\r", "\n", "\t", "\x00", "\\", "[", "]", "[bold]", "[/]", "[link=x]",
         "=", "+", "-", "@", "'", '"', ","]
    ),
    max_size=12,
).map("".join)  # fmt: skip
_ESCAPE = re.compile(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[tnr])")


def unescaped(shown: str) -> str:
    """What printable's escapes stand for, for text that held no backslash."""

    def back(found: re.Match[str]) -> str:
        code = found.group(1)
        return {"t": "\t", "n": "\n", "r": "\r"}.get(code) or chr(int(code[1:], 16))

    return _ESCAPE.sub(back, shown)


@fuzzing(500)
@given(HOSTILE)
@example("name\u2028OHW999 error: forged")  # a line break to str.splitlines and JavaScript
@example("\u061cevil.stl")  # the Arabic letter mark, a direction mark like LRM and RLM
def test_printable_text_holds_nothing_a_terminal_acts_on(text):
    shown = printable(text)
    assert not ACTING.search(shown), repr(shown)
    assert len(shown.splitlines()) <= 1
    if not ACTING.search(text):
        assert shown == text
    if "\\" not in text:
        assert unescaped(shown) == text  # nothing lost: every escape reads back


@fuzzing(300)
@given(HOSTILE)
def test_markup_shows_the_text_it_stands_for(text):
    """Between tags, as ohw's reports put it (alone, rich's escape doubles a
    backslash at the end, for a tag that does not follow)."""
    assert Text.from_markup(f"[bold]{markup(text)}[/bold]").plain == printable(text)
