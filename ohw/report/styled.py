"""Lines of styled text, written through rich only where colour can show; and
text from a design made safe to show on a terminal."""

from __future__ import annotations

import os
import re

# typing takes 3 ms to load, and ohw clone needs nothing of it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO

# What no text ohw shows may hold as it is: control characters (C0, DEL, C1: an
# escape sequence could recolour a terminal, clear it or set its title; a line
# break in a file name could forge a line of a report), Unicode's line and
# paragraph separators (line breaks to str.splitlines and to JavaScript), and
# the marks and embeddings that turn text's direction (which could make a name
# read as another: LRM, RLM, the Arabic letter mark, LRE to RLO, LRI to PDI).
_UNSHOWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on written as an escape
    (``\\x1b``, ``\\n``, ``\\u202e``), as git quotes such names."""
    return _UNSHOWABLE.sub(_escaped, text) if _UNSHOWABLE.search(text) else text


def _escaped(found: re.Match[str]) -> str:
    code = ord(found.group())
    known = {9: "\\t", 10: "\\n", 13: "\\r"}.get(code)
    return known or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


# A bracket that rich does not take for a tag, after backslashes: rich reads
# "\\[" outside a tag as "[", so one more backslash keeps them all.
_UNTAGGED_ESCAPE = re.compile(r"(\\+)\[(?![a-z#/@][^[]*?\])")


def markup(text: str) -> str:
    """``text`` put into rich's markup as it is: printable, its brackets escaped."""
    from rich.markup import escape

    shown = printable(text)
    body = shown.rstrip("\\")
    escaped = _UNTAGGED_ESCAPE.sub(r"\1\\[", escape(body))
    if body == shown:
        return escaped
    # rich halves backslashes before a tag, and not at the end of a line: these
    # are always before a tag of no style, so that they show as they are anywhere.
    return escaped + "[none]" + "\\" * 2 * (len(shown) - len(body)) + "[/none]"


# A line: pieces of text, each with its rich style ("" for none).
Line = list[tuple[str, str]]


def print_lines(lines: list[Line], stream: IO[str]) -> None:
    """Styled through rich where colour can show; as plain text elsewhere, which
    is what rich would write there, without the tenth of a second it takes to
    load. Lines never wrap: a report's lines are read by editors and grep too."""
    if not lines:
        return
    lines = [[(printable(text), style) for text, style in line] for line in lines]
    if not stream.isatty() and not os.environ.get("FORCE_COLOR"):
        stream.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, soft_wrap=True, highlight=False)
    # One print: a print per line costs more than the analysis of a small part.
    console.print(Text("\n").join(Text.assemble(*line) for line in lines))
