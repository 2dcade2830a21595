"""How ohw writes numbers for people: counts with their nouns in the right
number, sizes in millimetres rounded as a maker reads them, and one
multiplication sign everywhere."""

from __future__ import annotations

from collections.abc import Iterable

TIMES = "×"  # between the extents of a size, and in counts such as "5 × PLA"


def plural(count: int, one: str, many: str | None = None) -> str:
    """``count`` with its noun: "1 collapsed facet", "2,048 collapsed facets"."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def millimetres(value: float) -> str:
    """A length as a maker reads it off a caliper: to a tenth of a millimetre
    (a hundredth below one millimetre), without a trailing ".0"."""
    digits = 2 if abs(value) < 1 else 1
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def size_text(size: Iterable[float], unit: bool = True) -> str:
    """Extents as "110 × 110 × 58 mm"."""
    return f" {TIMES} ".join(millimetres(v) for v in size) + (" mm" if unit else "")
