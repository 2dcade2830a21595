"""The values of a BOM table's cells as people write them: quantities ("4",
"2x", "4 pcs", "1 set", "34.03 g"), prices ("$12.50", "12,50 €", "EUR 3"),
designators ("R1, R2", "C5+C9+C10", "R24-31") and the slugs ids are made of.

Each reader returns the value, or a short reason why the text is not one, so
that the caller can say so at the cell.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# --- numbers -------------------------------------------------------------------------

_NUMBER = r"[0-9]+(?:[.,'\u00a0\u202f ][0-9]+)*"
# The largest number a quantity or price may be: what an integer of ohw's YAML
# holds (64 bits), so that the items read are those a bom.yaml can hold.
LARGEST = Decimal(2**63 - 1)
_PLAIN_INTEGER = re.compile(r"[0-9]+")


def read_number(text: str, *, decimal_comma: bool = False) -> Decimal | None:
    """A number written with a decimal point or comma and, perhaps, thousands
    separators: "1.5", "1,5", "1,234.50", "1.234,50", "1 234". With both marks
    the last is the decimal one; a lone comma is decimal unless three digits
    follow it in a number that does not start with 0 ("1,234" is 1234, "0,125"
    is 0.125), or ``decimal_comma`` says commas are decimal (a file whose cells
    are separated by semicolons)."""
    text = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not text or not re.fullmatch(_NUMBER, text):
        return None
    text = text.replace(" ", "").replace("'", "")
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "")
        if text.count(decimal) > 1:
            return None
        text = text.replace(decimal, ".")
    elif "," in text:
        groups = text.split(",")
        grouped = all(len(g) == 3 for g in groups[1:]) and not text.startswith("0")
        if grouped and (len(groups) > 2 or not decimal_comma):
            text = text.replace(",", "")
        elif len(groups) == 2:
            text = text.replace(",", ".")
        else:
            return None
    elif text.count(".") > 1:
        groups = text.split(".")
        if all(len(g) == 3 for g in groups[1:]):  # 1.234.567: thousands
            text = text.replace(".", "")
        else:
            return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits and marks
        return None


def plain(value: Decimal) -> int | float:
    """A Decimal as the JSON number a BOM holds: an integer where it is whole."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


# --- quantities ----------------------------------------------------------------------

# Words for "pieces": the default unit, left out of the item.
_PIECES = {
    "x", "×", "pc", "pcs", "pce", "pces", "piece", "pieces", "ea", "each", "stk", "stck",
    "stück", "st", "nos", "no", "u", "unit", "units", "off", "qty", "count",
}  # fmt: skip
# Other units, by how they are written: the unit ohw writes.
_UNITS = {
    "set": "set", "sets": "set", "pair": "pair", "pairs": "pair", "pr": "pair",
    "kit": "kit", "kits": "kit", "roll": "roll", "rolls": "roll", "pack": "pack",
    "packs": "pack", "pk": "pack", "pkt": "pack", "pkg": "pack", "bag": "bag", "bags": "bag",
    "box": "box", "boxes": "box", "sheet": "sheet", "sheets": "sheet", "reel": "reel",
    "reels": "reel", "spool": "spool", "spools": "spool", "bottle": "bottle", "tube": "tube",
    "strip": "strip", "strips": "strip", "panel": "panel", "panels": "panel",
    "m": "m", "meter": "m", "meters": "m", "metre": "m", "metres": "m", "cm": "cm",
    "mm": "mm", "km": "km", "in": "in", "inch": "in", "inches": "in", '"': "in",
    "ft": "ft", "foot": "ft", "feet": "ft", "'": "ft", "yd": "yd",
    "g": "g", "gr": "g", "gram": "g", "grams": "g", "kg": "kg", "mg": "mg",
    "lb": "lb", "lbs": "lb", "oz": "oz", "ml": "ml", "l": "l", "liter": "l", "liters": "l",
    "litre": "l", "litres": "l", "cl": "cl", "m2": "m2", "m²": "m2", "sqm": "m2",
    "ft2": "ft2", "ft²": "ft2", "h": "h",
}  # fmt: skip
_APPROXIMATE = r"(?:~|≈|ca\.?|approx\.?|about|circa)"
_QUANTITY = re.compile(
    rf"(?P<approx>{_APPROXIMATE})?\s*(?P<times>[x×]\s*)?(?P<number>{_NUMBER})\s*"
    r"(?P<unit>[^\W\d_]+\.?|[²\"'×]|[^\W\d_]+[²2])?\s*(?P<rest>\(.*\))?",
    re.IGNORECASE,
)
_NO_QUANTITY = {"", "-", "--", "—", "\u2013", "n/a", "na", "none", "tbd", "tba", "?", "??", "x"}


@dataclass(frozen=True)
class Quantity:
    """A quantity read from a cell: the number, its unit (None for pieces) and
    what was said beside it, to keep in the item's notes."""

    value: Decimal
    unit: str | None
    aside: str = ""


def _counted(digits: str, written: str, what: str, *, decimal_comma: bool) -> Decimal | str:
    """The number ``digits`` of the cell ``written``, or why it is not ``what``."""
    number = read_number(digits, decimal_comma=decimal_comma)
    if number is None:
        return f"{written!r} is not {what}"
    if number > LARGEST:
        return f"{written!r} is more than ohw can count (up to {LARGEST:,})"
    return number


def read_quantity(text: str, *, decimal_comma: bool = False) -> Quantity | str:
    """The quantity a cell gives, or why it gives none ("" for an empty cell)."""
    written = " ".join(text.split())
    if written.lower() in _NO_QUANTITY:
        return ""
    match = _QUANTITY.fullmatch(written)
    if match is None:
        return f"{written!r} is not a number"
    number = _counted(match["number"], written, "a number", decimal_comma=decimal_comma)
    if isinstance(number, str):
        return number
    word = (match["unit"] or "").lower().rstrip(".")
    if match["times"] and word:
        return f"{written!r} is not a number"
    unit: str | None
    if not word or word in _PIECES:
        unit = None
    elif word in _UNITS:
        unit = _UNITS[word]
    else:
        return f"{written!r} is not a number with a unit ohw knows"
    asides = [a for a in ("approximately" if match["approx"] else "", match["rest"] or "") if a]
    return Quantity(number, unit, " ".join(asides))


# --- prices --------------------------------------------------------------------------

# Currency signs and words, as written before or after an amount.
CURRENCY_SIGNS = {
    "$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "euro": "EUR",
    "euros": "EUR", "£": "GBP", "gbp": "GBP", "c$": "CAD", "ca$": "CAD", "cad": "CAD",
    "a$": "AUD", "au$": "AUD", "aud": "AUD", "nz$": "NZD", "nzd": "NZD", "hk$": "HKD",
    "hkd": "HKD", "s$": "SGD", "sgd": "SGD", "r$": "BRL", "brl": "BRL", "chf": "CHF",
    "fr.": "CHF", "sfr": "CHF", "jpy": "JPY", "cny": "CNY", "rmb": "CNY", "cn¥": "CNY",
    "元": "CNY", "inr": "INR", "₹": "INR", "rs.": "INR", "₽": "RUB", "rub": "RUB",
    "₩": "KRW", "krw": "KRW", "zł": "PLN", "pln": "PLN", "kč": "CZK", "czk": "CZK",
    "sek": "SEK", "nok": "NOK", "dkk": "DKK", "huf": "HUF", "mxn": "MXN", "zar": "ZAR",
    "try": "TRY", "₺": "TRY", "twd": "TWD", "nt$": "TWD", "ils": "ILS", "₪": "ILS",
}  # fmt: skip
# Signs that stand for more than one currency.
AMBIGUOUS_SIGNS = {"¥": "JPY or CNY", "￥": "JPY or CNY", "kr": "SEK, NOK or DKK"}
_SIGN = r"[^\d\s.,+-]{1,4}|[A-Za-z]{1,3}\$|[A-Za-z]{2,5}\.?"
_PRICE = re.compile(
    rf"(?P<before>{_SIGN})?\s*(?P<minus>-)?\s*(?P<number>{_NUMBER})\s*(?P<after>{_SIGN})?"
)
_NO_PRICE = {"", "-", "--", "—", "\u2013", "n/a", "na", "none", "tbd", "?", "$-", "€-", "£-"}


@dataclass(frozen=True)
class Price:
    amount: Decimal
    currency: str | None  # None: the cell names no currency


def currency_of(word: str) -> str | None:
    """The ISO 4217 code a sign or word stands for, if it stands for one."""
    word = word.strip().lower()
    if word in CURRENCY_SIGNS:
        return CURRENCY_SIGNS[word]
    if re.fullmatch(r"[a-z]{3}", word) and word.upper() in _iso_codes():
        return word.upper()
    return None


def read_price(text: str, *, decimal_comma: bool = False) -> Price | str:
    """The price a cell gives, with the currency its sign or code names, or why
    it gives none ("" for an empty cell, or Excel's "$ -" for nothing)."""
    written = " ".join(text.split())
    if written.lower().replace(" ", "") in _NO_PRICE:
        return ""
    match = _PRICE.fullmatch(written)
    if match is None:
        return f"{written!r} is not a price"
    signs = [s for s in (match["before"], match["after"]) if s]
    if len(signs) > 1:
        return f"{written!r} names two currencies"
    currency = None
    if signs:
        sign = signs[0]
        if sign.lower() in AMBIGUOUS_SIGNS or sign in AMBIGUOUS_SIGNS:
            meaning = AMBIGUOUS_SIGNS.get(sign, AMBIGUOUS_SIGNS.get(sign.lower()))
            return f"{sign!r} stands for {meaning}: write the currency's code"
        currency = currency_of(sign)
        if currency is None:
            return f"{written!r} is not a price in a currency ohw knows"
    number = _counted(match["number"], written, "a price", decimal_comma=decimal_comma)
    if isinstance(number, str):
        return number
    if match["minus"]:
        return f"{written!r} is negative"
    return Price(number, currency)


@functools.cache
def _iso_codes() -> frozenset[str]:
    """The currency codes in use today, from the ISO 4217 list pycountry keeps."""
    import pycountry

    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


# --- designators ---------------------------------------------------------------------

_NO_DESIGNATORS = {"", "-", "--", "—", "n/a", "na", "none", "~", "nc"}
# A designator: letters then a number (R1, LED2A, Part_0, SW1.2) or a short
# word in capitals (S, I/O). Anything else in the cell means it is not a list.
_DESIGNATOR = re.compile(r"[A-Za-z#_][A-Za-z0-9_#/.+:-]*[0-9][A-Za-z0-9_#/.]*|[A-Z][A-Z0-9/]{0,4}")
_RANGE = re.compile(
    r"(?P<prefix>[A-Za-z_#]+)(?P<first>[0-9]+)(?:-|\u2013|\.\.|~)(?P=prefix)?(?P<last>[0-9]+)"
)
_RANGE_ANY_CASE = re.compile(
    r"(?P<prefix>[A-Za-z_#]+)(?P<first>[0-9]+)(?:-|\u2013|\.\.|~)(?P<second>[A-Za-z_#]+)?(?P<last>[0-9]+)"
)
MAX_RANGE = 1000


def read_designators(text: str) -> list[str] | None:
    """The designators a cell lists, ranges expanded ("R24-31" is R24 to R31),
    each once; None when the cell is not a list of designators."""
    written = text.strip()
    if written.lower() in _NO_DESIGNATORS:
        return []
    # "R1 - R5", "R1 .. R5": a range written with spaces.
    written = re.sub(r"\s*(-|\u2013|\.\.)\s*(?=[A-Za-z_#]*[0-9])", r"\1", written)
    found: list[str] = []
    for token in re.split(r"[,;\s+&]+", written):
        if not token:
            continue
        expanded = _expand(token)
        if expanded is None:
            return None
        found.extend(expanded)
    return list(dict.fromkeys(found))


def _expand(token: str) -> list[str] | None:
    match = _RANGE_ANY_CASE.fullmatch(token)
    if match is not None:
        second = match["second"]
        if second is None or second.lower() == match["prefix"].lower():
            first, last = int(match["first"]), int(match["last"])
            if first < last <= first + MAX_RANGE:
                width = len(match["first"]) if match["first"].startswith("0") else 0
                return [f"{match['prefix']}{n:0{width}d}" for n in range(first, last + 1)]
    return [token] if _DESIGNATOR.fullmatch(token) else None


# --- slugs ---------------------------------------------------------------------------

# Signs spelt out in slugs: micro (two code points), ohm (two), degree, percent.
_SPELLED = {
    "\u00b5": "u", "\u03bc": "u", "\u03a9": "ohm", "\u2126": "ohm", "\u00b0": "deg",
    "\u00b1": "", "%": "pct", "\u00df": "ss",
}  # fmt: skip
MAX_SLUG = 48


def slug(text: str, limit: int = MAX_SLUG) -> str:
    """``text`` as an id: lower-case ASCII letters and digits, words joined by
    '-', '.' kept between digits (4.7k); cut at ``limit`` characters, at a word."""
    for sign, spelled in _SPELLED.items():
        text = text.replace(sign, spelled)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9.]+", "-", ascii_text)
    words = re.sub(r"\.(?![0-9])|(?<![0-9])\.", "-", words)  # a dot only between digits
    words = re.sub(r"-{2,}", "-", words).strip("-")
    if len(words) > limit:
        cut = words[:limit]
        words = cut.rsplit("-", 1)[0] if "-" in cut[limit // 2 :] else cut
    return words.strip("-.")
