"""Lines of a text report, styled through rich only where colour can show."""

from __future__ import annotations

import os
from typing import IO

# A line of a text report: pieces of text, each with its rich style ("" for none).
Line = list[tuple[str, str]]


def print_lines(lines: list[Line], stream: IO[str]) -> None:
    """Styled through rich where colour can show; as plain text elsewhere, which
    is what rich would write there, without the time it takes to load."""
    if not stream.isatty() and not os.environ.get("FORCE_COLOR"):
        stream.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
        return
    from rich.console import Console
    from rich.text import Text

    # A report must not wrap: allow lines as long as a log's.
    console = Console(file=stream, soft_wrap=True, highlight=False)
    # One print: a rich Table per file costs more than the analysis of a small part.
    console.print(Text("\n").join(Text.assemble(*line) for line in lines))
