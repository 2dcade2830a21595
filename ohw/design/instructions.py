"""Build instructions: Markdown files citing parts and BOM items.

A step cites a part or a BOM item with an ordinary Markdown link whose target is
``part:ID`` or ``bom:ID``:

    Screw [the arm](part:arm) to the base with two [M3x10 screws](bom:m3x10).
    Or in short: <part:arm>, <bom:m3x10>.

On GitHub these read as plain link text; ohw checks that every ID exists and
turns them into links in a build kit. Links and images to files are read
relative to the Markdown file. Code blocks and code spans are not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from ohw.storage.yaml.document import Location

REFERENCE_KINDS = ("part", "bom")

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_INLINE = re.compile(
    r"(!?)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_AUTOLINK = re.compile(r"<((?:part|bom):[^>\s]*)>")
_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*([\"'])(.*?)\1", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Where a new block of Markdown starts: a heading or a list item.
_BLOCK_START = re.compile(r"^ {0,3}(#{1,6}\s|[-*+]\s|\d{1,9}[.)]\s)")


@dataclass(frozen=True)
class Link:
    """A link or image in Markdown, where it was written."""

    target: str
    image: bool
    at: Location

    def reference(self) -> tuple[str, str] | None:
        """("part", ID) or ("bom", ID) for a citation, else None."""
        kind, sep, ident = self.target.partition(":")
        return (kind, ident) if sep and kind in REFERENCE_KINDS else None

    def local_path(self) -> str | None:
        """The file a relative link names (fragment and query dropped), else None."""
        if self.reference() or self.target.startswith("#"):
            return None
        if _SCHEME.match(self.target) and not re.match(r"^[A-Za-z]:[\\/]", self.target):
            return None  # a web address, mailto: and the like
        path = unquote(re.split(r"[#?]", self.target, maxsplit=1)[0])
        return path or None


def links(markdown: str) -> Iterator[Link]:
    """Every link, image, citation and link definition outside code."""
    fence: str | None = None
    for number, line in enumerate(markdown.splitlines(), start=1):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        # Blank code spans out, keeping columns, so links inside them are not read.
        text = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        for match in _INLINE.finditer(text):
            yield Link(
                match.group(2).strip("<>"),
                bool(match.group(1)),
                Location(number, match.start() + 1),
            )
        for match in _AUTOLINK.finditer(text):
            yield Link(match.group(1), False, Location(number, match.start() + 1))
        for match in _HTML_IMAGE.finditer(text):
            yield Link(match.group(2), True, Location(number, match.start() + 1))
        definition = _DEFINITION.match(text)
        if definition:
            yield Link(
                definition.group(1).strip("<>"), False, Location(number, definition.start(1) + 1)
            )


def citations_by_block(markdown: str) -> list[set[tuple[str, str]]]:
    """The citations of each paragraph, list item or heading that has any: what
    one sentence of the instructions uses together ("screw the arm on with two
    M3x25 screws")."""
    block_of_line: list[int] = [0]  # line numbers count from 1
    block = 0
    for line in markdown.splitlines():
        if not line.strip() or _BLOCK_START.match(line):
            block += 1
        block_of_line.append(block)
    found: dict[int, set[tuple[str, str]]] = {}
    for link in links(markdown):
        reference = link.reference()
        if reference is not None:
            found.setdefault(block_of_line[link.at.line], set()).add(reference)
    return [found[b] for b in sorted(found)]
