"""ohw.report.styled writes styled lines without rich where no colour can show,
standing in for rich, which takes a tenth of a second to load: the text is what
rich itself writes there."""

from __future__ import annotations

import io

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from ohw.report.styled import Line, print_lines, printable

STYLES = st.sampled_from(["", "bold", "dim", "bold red", "yellow", "cyan", "bold underline"])
# Text as reports hold it: names, numbers, marks, and characters of every width;
# no control characters (a tab among them), which rich would turn into spaces.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("✔✘×³ "),
    max_size=40,
)
LINES = st.lists(st.lists(st.tuples(TEXT, STYLES), max_size=5), min_size=1, max_size=6)


def through_rich(lines: list[Line]) -> str:
    """What rich writes of the lines, their text printable as print_lines shows it
    either way (a line separator or direction mark as an escape)."""
    stream = io.StringIO()
    console = Console(file=stream, soft_wrap=True, highlight=False, force_terminal=False)
    shown = [[(printable(text), style) for text, style in line] for line in lines]
    console.print(Text("\n").join(Text.assemble(*line) for line in shown))
    return stream.getvalue()


@settings(max_examples=200, deadline=None)
@given(LINES)
@example([[("a\u2028b \u061c", "bold")]])  # escaped by printable, whichever way is taken
def test_plain_lines_are_what_rich_writes_where_no_colour_shows(lines):
    stream = io.StringIO()  # not a terminal
    print_lines(lines, stream)
    assert stream.getvalue() == through_rich(lines)


def test_a_report_s_lines_are_what_rich_writes():
    lines: list[Line] = [
        [("parts/base.stl", "bold underline")],
        [("parts/base.stl:1:1", "bold"), (" ", ""), ("OHW302", "bold red"), (" error:", "")],
        [("    hint: close the holes", "dim")],
        [("✘ lamp: 1 error, 0 warnings (4 files checked)", "bold red")],
    ]
    stream = io.StringIO()
    print_lines(lines, stream)
    assert stream.getvalue() == through_rich(lines)
