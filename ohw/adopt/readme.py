"""A design's title and description from its README: the first heading, and
the first paragraph of prose under it (badges, pictures and lone links are
not prose)."""

from __future__ import annotations

import re
from dataclasses import dataclass

README_NAMES = ("readme.md", "readme.markdown", "readme.rst", "readme.txt", "readme")
MAX_DESCRIPTION = 600  # characters: a paragraph, not a page
MAX_PARAGRAPH = 20_000  # characters read of one; longer is no introduction

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](target), ![alt](picture)
_HTML = re.compile(r"<[^>]+>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


@dataclass(frozen=True)
class Introduction:
    title: str | None
    description: str | None


def plain(text: str) -> str:
    """Markdown inline text as words: links as their text, no emphasis or HTML."""
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _HTML.sub("", text)
    text = _EMPHASIS.sub(lambda m: m.group(2), text)
    return " ".join(text.split())


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            blocks.append([])
            continue
        if fenced or not line.strip():
            blocks.append([])
            continue
        if re.match(r"^#{1,6}\s", line.lstrip()):  # a heading is a block of its own
            blocks += [[line], []]
            continue
        blocks[-1].append(line)
    return [b for b in blocks if b]


def _heading(block: list[str]) -> tuple[int, str] | None:
    """The level and text of a heading block (# Title, or a title underlined)."""
    first = block[0].strip()
    atx = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", first)
    if atx:
        return len(atx.group(1)), atx.group(2)
    if len(block) >= 2 and re.fullmatch(r"=+|-+", block[1].strip()):
        return (1 if block[1].strip()[0] == "=" else 2), first
    if len(block) >= 3 and re.fullmatch(r"[=#*~-]+", first) and block[2].strip() == first:
        return 1, block[1].strip()  # reStructuredText: a title over- and underlined
    return None


def _prose(block: list[str]) -> str | None:
    """A paragraph's text, or None for what is not prose: lists, tables, quotes,
    code, pictures and lines of links alone (badges, downloads)."""
    if block[0].lstrip().startswith(("|", ">", "- ", "* ", "+ ", "    ", "\t", "<", "..")):
        return None
    if sum(len(line) for line in block) > MAX_PARAGRAPH:
        return None
    text = plain(" ".join(line.strip() for line in block))
    without_links = plain(_LINK.sub("", " ".join(block)))
    if len(without_links) < 20 or not re.search(r"[a-z]{3,} [a-z]{2,}", text):
        return None
    return text


def introduction(text: str) -> Introduction:
    """The title (the first heading) and description (the first paragraph of
    prose before the next heading) of a README."""
    title = description = None
    for block in _blocks(text):
        heading = _heading(block)
        if heading is not None:
            if title is not None:
                break  # the description is in the introduction, or nowhere
            title = plain(heading[1][:MAX_DESCRIPTION]) or None
            continue
        if description is None:
            description = _prose(block)
    if description and len(description) > MAX_DESCRIPTION:
        cut = description[:MAX_DESCRIPTION].rsplit(" ", 1)[0]
        description = cut + " …"
    return Introduction(title, description)


def licence_section(text: str) -> str:
    """The text under the README's headings about licensing ("License",
    "Licence", "Licensing"), up to the next heading of the same level or above."""
    found: list[str] = []
    level = None
    for block in _blocks(text):
        heading = _heading(block)
        if heading is not None:
            if level is not None and heading[0] <= level:
                level = None
            if re.search(r"licen[cs]", heading[1], re.IGNORECASE):
                level = heading[0]
            continue
        if level is not None:
            found.append("\n".join(block))
    return "\n\n".join(found)
