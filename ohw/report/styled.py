"""Lines of styled text, written through rich only where colour can show."""

from __future__ import annotations

import os
from typing import IO

# A line: pieces of text, each with its rich style ("" for none).
Line = list[tuple[str, str]]


def print_lines(lines: list[Line], stream: IO[str]) -> None:
    """Styled through rich where colour can show; as plain text elsewhere, which
    is what rich would write there, without the tenth of a second it takes to
    load. Lines never wrap: a report's lines are read by editors and grep too."""
    if not lines:
        return
    if not stream.isatty() and not os.environ.get("FORCE_COLOR"):
        stream.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, soft_wrap=True, highlight=False)
    # One print: a print per line costs more than the analysis of a small part.
    console.print(Text("\n").join(Text.assemble(*line) for line in lines))
