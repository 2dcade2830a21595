"""What the name of a part's file says, as communities write it: how many to
print (Voron's ``_x2``, ``2x_``, ``(x2)``, ``_2pcs``), its colour (Voron's
``[a]_`` accent, ``[c]_`` clear, ``[o]_`` opaque prefixes), whether it is
optional, and the part's name without them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

# The VoronUsers repository's rules for submitted mods (.github/PULL_REQUEST_TEMPLATE.md):
# "[a]_" accent, "[o]_" opaque (blocks light), "[c]_" clear (lets light through);
# no prefix is the primary colour.
COLOUR_PREFIXES = {"a": "accent", "c": "clear", "o": "opaque", "p": "primary"}
PRIMARY = "primary"
MAX_QUANTITY = 999  # more is a size or a part number, not a count

_SEPARATOR = r"[ _.\-]"
_QUANTITY_SUFFIXES = (
    re.compile(rf"{_SEPARATOR}+x(\d+)$", re.IGNORECASE),  # idler_x2
    re.compile(rf"{_SEPARATOR}+(\d+)x$", re.IGNORECASE),  # idler_2x
    re.compile(rf"{_SEPARATOR}*\(\s*x?\s*(\d+)\s*(?:x|pcs|pc)?\s*\)$", re.IGNORECASE),  # (x2)
    re.compile(rf"{_SEPARATOR}+(\d+){_SEPARATOR}?pcs?$", re.IGNORECASE),  # idler_2pcs
    re.compile(rf"{_SEPARATOR}+qty{_SEPARATOR}?(\d+)$", re.IGNORECASE),  # idler_qty2
)
_QUANTITY_PREFIXES = (
    re.compile(rf"^(\d+)\s?x{_SEPARATOR}+", re.IGNORECASE),  # 2x_idler
    re.compile(rf"^x(\d+){_SEPARATOR}+", re.IGNORECASE),  # x2_idler
    re.compile(rf"^(\d+){_SEPARATOR}?pcs?{_SEPARATOR}+", re.IGNORECASE),  # 2pcs_idler
)
_COLOUR_PREFIX = re.compile(r"^\[([A-Za-z]{1,2})\]" + _SEPARATOR + "*")
_OPTIONAL_WORDS = frozenset({"optional", "opt"})


@dataclass(frozen=True)
class NameReading:
    """What one file name says."""

    stem: str  # the name without suffix, colour prefix, quantity or "optional"
    quantity: int | None  # None: the name gives none
    colour: str | None  # from a prefix; None without one
    optional: bool
    unknown_prefix: str | None = None  # a bracketed prefix ohw does not know, as written


def read_name(path: str) -> NameReading:
    """What the file name of ``path`` says of its part."""
    stem = PurePosixPath(path).name
    stem = stem[: -len(PurePosixPath(stem).suffix)] if PurePosixPath(stem).suffix else stem
    colour = unknown = None
    prefix = _COLOUR_PREFIX.match(stem)
    if prefix:
        letter = prefix.group(1).lower()
        colour = COLOUR_PREFIXES.get(letter)
        unknown = None if colour else prefix.group(0).rstrip(" _.-")
        stem = stem[prefix.end() :]
    quantity = None
    for pattern in (*_QUANTITY_SUFFIXES, *_QUANTITY_PREFIXES):
        found = pattern.search(stem)
        if (
            found
            and 1 <= int(found.group(1)) <= MAX_QUANTITY
            and found.end() - found.start() < len(stem)
        ):
            quantity = int(found.group(1))
            stem = stem[: found.start()] + stem[found.end() :]
            break
    words = words_of(stem)
    optional = any(w in _OPTIONAL_WORDS for w in words)
    if optional:
        stem = "_".join(w for w in re.split(r"[ _.\-]+", stem) if w.lower() not in _OPTIONAL_WORDS)
    return NameReading(stem.strip(" _.-") or stem, quantity, colour, optional, unknown)


def words_of(text: str) -> list[str]:
    """The words of a file or folder name, lower case: "Hotend Mounts" -> hotend, mounts."""
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]


def part_id(text: str) -> str:
    """An id (letters and digits joined by '-') from a name: "[a] Idler (v2)" -> a-idler-v2."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(words_of(ascii_text))[:64].strip("-") or "part"


def human_name(stem: str) -> str:
    """A part's name for people from its file's stem: "z_carriage_left" -> Z carriage left."""
    words = [w for w in re.split(r"[ _\-]+", stem) if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else stem
