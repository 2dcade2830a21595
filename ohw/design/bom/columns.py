"""The columns of a BOM table, as people name them: what each header means.

A header is read loosely: case, spaces, '_', '-', '/', '.', ':' and the text in
brackets are ignored ("Part type (Electrical, Mechanical)" is "part type"),
'#', "No." and "PN" read as "number" ("LCSC Part #" is "lcsc part number"), and
a currency in it is the currency of its prices ("Price (USD)",
"unit_price_eur", "Cost €"). Then the header is looked up among the names
below (``ITEM_COLUMNS``, ``SUPPLIER_COLUMNS``), then as a distributor's own
column ("Digikey", "Mouser Part Number", "LCSC Part #", "Amazon link"), then
by the words it holds ("Quantity Needed", "Price per Unit").

Some names mean one thing or another by what the table holds; the table reader
settles them (``AMBIGUOUS``).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass

from ohw.design.bom.values import CURRENCY_SIGNS, currency_of

# Fields of an item. "position" (a row number), "aside" (kept in notes, said
# what it is: a datasheet, a CAD library's symbol),
# "dnp", "fitted" and "required" (optional, said otherwise) are not fields of a
# bom.yaml item but mean something in a table.
_ITEM_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id", "item id", "part id", "identifier", "bom id"),
    "name": (
        "name", "item", "item name", "part name", "component name", "component", "part",
        "title", "article", "product", "product name", "designation", "bezeichnung",
        "benennung", "artikel", "part and description", "item and description",
    ),
    "description": (
        "description", "desc", "details", "item description", "part description",
        "component description", "long description", "beschreibung",
    ),
    "value": (
        "value", "val", "comment", "specification", "specifications", "spec", "specs", "wert",
    ),
    "footprint": (
        "footprint", "package", "case", "case package", "pcb footprint", "footprint name",
    ),
    "quantity": (
        "quantity", "qty", "qnty", "quant", "quantities", "count", "amount", "pcs", "pieces",
        "number of pieces", "quantity needed", "qty needed", "total qty", "total quantity",
        "qty per board", "qty per pcb", "quantity per pcb", "quantity per board",
        "quantity per pcb", "qty per unit", "quantity per unit", "quantity required",
        "required quantity", "qty required", "bom qty", "menge", "anzahl", "stuck", "stk",
        "cantidad", "quantite", "qte", "quantity per", "qty per", "ct", "cnt", "nos",
    ),
    "unit": ("unit", "uom", "unit of measure", "units of measure", "measure", "einheit"),
    "category": (
        "category", "type", "part type", "item type", "component type", "kind", "group",
        "section", "class", "classification", "kategorie", "cat", "subsystem", "assembly",
    ),
    "manufacturer": (
        "manufacturer", "manufacturer name", "make", "brand", "maker", "part manufacturer", "mf",
        "hersteller",
    ),
    "mpn": (
        "mpn", "manufacturer part number", "manufacturer part", "manufacturer number",
        "manufacturer reference", "manufacturers part number", "part manufacturer number",
        "mpn number", "manufacturer part code", "hersteller teilenummer",
        "hersteller artikelnummer", "mfr part number",
    ),
    "standard": ("standard", "norm", "din", "iso", "standard part", "din iso"),
    "designators": (
        "designators", "designator", "references", "reference", "reference designators",
        "reference designator", "refdes", "ref des", "refs", "ref", "part references",
        "designation references",
    ),
    "optional": ("optional", "opt", "is optional"),
    "dnp": (
        "dnp", "dnf", "do not populate", "do not place", "do not fit", "not fitted",
        "no stuff", "nostuff",
    ),
    "fitted": ("fitted", "populate", "populated", "mount", "mounted", "place", "placed", "stuff"),
    "status": ("status", "fit", "fitting", "bom status", "assembly status"),
    "required": ("required", "mandatory"),
    "notes": (
        "notes", "note", "comments", "remarks", "remark", "info", "information",
        "additional info", "additional information", "bemerkung", "bemerkungen",
        "anmerkung", "anmerkungen", "hinweis", "purpose", "usage", "use", "function",
    ),
    "position": (
        "pos", "position", "line", "line item", "row", "idx", "index", "s number",
        "sl number", "sr number", "serial number", "item number", "line number",
    ),
    "aside": (
        "datasheet", "data sheet", "datasheet url", "datasheet link", "documentation",
        "device", "libpart", "lib part", "libref", "lib ref", "library", "library ref",
        "symbol", "cmp name", "part type name", "already owned", "owned", "status note",
    ),
    "parts?": ("parts",),
}  # fmt: skip
# Fields of a supplier: the first supplier's, or with " 2", " 3"... a further one's.
_SUPPLIER_NAMES: dict[str, tuple[str, ...]] = {
    "name": (
        "supplier", "vendor", "distributor", "source", "shop", "store", "seller",
        "where to buy", "where to get", "bought from", "purchase from", "supplier name",
        "vendor name", "distributor name", "lieferant", "sourcing", "purchase", "buy",
        "preferred supplier", "store name", "shop name", "supplier and part number", "where",
        "buy from", "purchase at", "buy at", "get it", "get it from", "available from", "retailer",
        "source and part number", "vendor and part number",
    ),
    "part-number": (
        "supplier part number", "sku", "supplier sku", "vendor part number",
        "distributor part number", "order code", "order number", "ordering code",
        "supplier code", "supplier reference", "stock number", "stock code", "bestellnummer",
        "supplier number", "vendor number", "vendor sku", "vendor code", "source part number",
        "supplier item number", "catalog number", "catalogue number",
    ),
    "url": (
        "url", "link", "links", "product link", "purchase link", "buy link", "product url",
        "product page", "web link", "website", "web", "href", "hyperlink", "shop link",
        "store link", "source link", "supplier link", "vendor link", "link to buy",
        "where to buy link", "supplier url", "vendor url", "purchase url", "source url",
    ),
    "unit-price": (
        "unit price", "price per unit", "price each", "price per piece", "unit cost",
        "cost per unit", "cost each", "each", "per unit", "price per item", "item price",
        "piece price", "stuckpreis", "einzelpreis", "prix unitaire", "precio unitario",
        "price unit", "price pc", "price per pc", "cost per item", "cost per piece",
        "price item", "cost item", "unit price each",
    ),
    "price": (
        "price", "cost", "estimated price", "estimated cost", "approx price", "approx cost",
        "preis", "kosten", "prix", "precio", "price estimate", "cost estimate",
    ),
    "total-price": (
        "total price", "price total", "total cost", "cost total", "extended price",
        "ext price", "extended cost", "line total", "line price", "subtotal", "sub total",
        "total", "sum", "gesamtpreis", "summe", "price for qty needed", "total price each", "ext",
        "extended", "ext total",
    ),
    "currency": ("currency", "curr", "wahrung", "devise", "moneda"),
    "pack-size": (
        "pack size", "package quantity", "pkg quantity", "pkg qty", "pack qty",
        "pack quantity", "qty per pack", "pieces per pack", "pcs per pack", "units per pack",
        "packaging unit", "verpackungseinheit", "package size", "pkg size",
    ),
}  # fmt: skip
# Names that mean one field or another by what the column holds:
# "units" is a quantity (2, 4) or a unit (pcs, m); "part number" the maker's
# (MPN) or the shop's; "number" a quantity or a row number.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "units": ("units", "unit qty"),
    "part-number": (
        "part number",
        "part code",
        "article number",
        "artikelnummer",
        "product code",
        "product number",
        "code",
        "reference number",
        "ref number",
    ),
    "number": ("number", "nr", "no"),
}
# Distributors whose name is a column of their part numbers (Kitspace's
# 1-click BOM: Digikey, Mouser, RS, Newark, Farnell; JLCPCB's LCSC part).
DISTRIBUTORS = {
    "digikey": "Digi-Key", "digi key": "Digi-Key", "mouser": "Mouser", "rs": "RS",
    "rs components": "RS", "rs online": "RS", "rs pro": "RS", "newark": "Newark",
    "farnell": "Farnell", "element14": "Farnell", "lcsc": "LCSC", "jlcpcb": "LCSC",
    "jlc": "LCSC", "tme": "TME", "reichelt": "Reichelt", "conrad": "Conrad",
    "arrow": "Arrow", "avnet": "Avnet", "mcmaster": "McMaster-Carr",
    "mcmaster carr": "McMaster-Carr", "misumi": "Misumi", "aliexpress": "AliExpress",
    "amazon": "Amazon", "adafruit": "Adafruit", "sparkfun": "SparkFun", "pololu": "Pololu",
    "ebay": "eBay", "banggood": "Banggood", "seeed": "Seeed Studio",
    "seeed studio": "Seeed Studio", "distrelec": "Distrelec", "burklin": "Bürklin",
    "octopart": "Octopart", "lcsc part": "LCSC", "jlcpcb part": "LCSC",
}  # fmt: skip

ITEM_FIELDS = {name: field for field, names in _ITEM_NAMES.items() for name in names}
SUPPLIER_FIELDS = {name: field for field, names in _SUPPLIER_NAMES.items() for name in names}
_AMBIGUOUS = {name: field + "?" for field, names in AMBIGUOUS.items() for name in names}
_DISTRIBUTOR = "|".join(sorted((re.escape(d) for d in DISTRIBUTORS), key=len, reverse=True))
_DISTRIBUTOR_COLUMN = re.compile(rf"(?P<who>{_DISTRIBUTOR})(?: (?P<what>.+))?")
_DISTRIBUTOR_WHAT = {
    "part-number": (
        "", "part", "part number", "number", "sku", "order number", "order code", "code",
        "stock number", "catalog number", "id", "item", "item number", "product number",
        "pn", "p n", "reference", "ref", "part code",
    ),
    "url": ("link", "url", "links", "page", "product page", "product link", "web"),
    "unit-price": ("price", "unit price", "cost", "price each", "unit cost", "price per unit"),
    "pack-size": ("pack size", "package quantity", "pack qty", "moq"),
}  # fmt: skip
_DISTRIBUTOR_FIELD = {what: field for field, whats in _DISTRIBUTOR_WHAT.items() for what in whats}


@dataclass(frozen=True)
class Column:
    """What a column's cells are: a field of the item (``supplier`` None and no
    ``distributor``), of its n-th supplier (``supplier`` 0 for the first), or of
    a named distributor's supplier entry. ``currency`` is the currency its
    header names, for prices. A field ending in '?' is one the table settles
    (see AMBIGUOUS)."""

    field: str
    supplier: int | None = None
    distributor: str = ""
    currency: str | None = None
    alternative: int = 0  # Manufacturer 2, MPN 2: another part that fits (1 for the first)

    @property
    def of_supplier(self) -> bool:
        return self.supplier is not None or bool(self.distributor)


def normalized(header: str) -> tuple[str, str | None]:
    """A header's words as the tables above hold them, and the currency it names."""
    text = unicodedata.normalize("NFKC", header).strip()
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text).lower()  # PartNumber, unitPrice
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    currency = None
    # A currency in brackets, or as a word: "Price (USD)", "Cost in €", "unit_price_usd".
    for inside in re.findall(r"[(\[{]([^)\]}]*)[)\]}]", text):
        found = currency_of(inside.strip())
        if found is not None:
            currency = found
    text = re.sub(r"[(\[{][^)\]}]*[)\]}]?", " ", text)  # "(optional)", "(g)", "[USD]"
    text = text.replace("'s ", " ").replace("\u2019s ", " ")
    text = re.sub(r"#|\bno\.|\bnr\.|\bnum\b|\bnbr\b", " number ", text)
    text = re.sub(r"\bp/n\b|\bpn\b|\bp\.n\.", " part number ", text)
    text = re.sub(r"\b(mfr|mfg|mgf|mgfr|mfgr|manuf|manufact)\b\.?", "manufacturer", text)
    text = re.sub(r"[^\w\s#$€£&/.:,;|*+()\[\]{}'-]", " ", text)  # "Part Number†"
    text = re.sub(r"\bmanufacturers\b", "manufacturer", text)
    text = text.replace("&", " and ")
    words = [w for w in re.split(r"[\s_\-/.:,;|*+]+", text) if w]
    # "Mouser No:", "Mfr. Nr.", "Part Num": a number (where "No." alone is left to AMBIGUOUS).
    if len(words) > 1:
        words = ["number" if w in ("no", "nr", "nbr", "num") else w for w in words]
    kept: list[str] = []
    for i, word in enumerate(words):
        sign = CURRENCY_SIGNS.get(word)
        if sign is not None and (len(words) > 1):
            currency = sign
            if kept and kept[-1] == "in":
                kept.pop()
            continue
        if word in ("€", "$", "£") or (word.endswith("$") and i):
            currency = currency_of(word) or currency
            continue
        kept.append(word)
    text = " ".join(kept)
    for sign in ("€", "$", "£"):
        if sign in text:
            currency = currency or currency_of(sign)
            text = " ".join(text.replace(sign, " ").split())
    return text, currency


def column_for(header: str) -> Column | None:
    """The meaning of a header cell, or None if ohw does not know it."""
    if header.strip() in ("#", "No", "No.", "Nr.", "Pos."):
        return Column("position" if header.strip() in ("#", "Pos.") else "number?")
    name, currency = normalized(header)
    if not name:
        return None
    column = _exact(name) or _distributor(name) or _by_words(name)
    if column is None:
        return None
    if currency is not None:
        return dataclasses.replace(column, currency=currency)
    return column


def _exact(name: str) -> Column | None:
    if name in ITEM_FIELDS:
        return Column(ITEM_FIELDS[name])
    if name in _AMBIGUOUS:
        return Column(_AMBIGUOUS[name])
    if name in SUPPLIER_FIELDS:
        return Column(SUPPLIER_FIELDS[name], 0)
    number = re.fullmatch(r"(.+?) ?([1-9][0-9]?)", name)
    if number is not None:
        base, index = number.group(1), int(number.group(2)) - 1
        if base in SUPPLIER_FIELDS:
            return Column(SUPPLIER_FIELDS[base], index)
        if _AMBIGUOUS.get(base) == "part-number?":  # "part number 2": the second supplier's
            return Column("part-number", index)
        if ITEM_FIELDS.get(base) in ("manufacturer", "mpn"):
            # Manufacturer 2, MPN 2: an alternative part (index 0 is the item's own).
            return Column(ITEM_FIELDS[base], alternative=index)
    return None


def _distributor(name: str) -> Column | None:
    match = _DISTRIBUTOR_COLUMN.fullmatch(name)
    if match is None:
        return None
    what = match["what"] or ""
    field = _DISTRIBUTOR_FIELD.get(what)
    if field is None:
        field = _DISTRIBUTOR_FIELD.get(what.removesuffix(" number").strip())
    if field is None:
        return None
    return Column(field, None, DISTRIBUTORS[match["who"]])


# Words a header holds, in order of precedence, and what they make it.
_WORD_RULES: tuple[tuple[str, str, bool], ...] = (
    (r"\b(date|checked|updated|as of|time|mass|weight)\b", "", False),
    (r"\b(pkg|pack|package|packaging)\b.*\b(qty|quantity|size|count)\b", "pack-size", True),
    (r"\b(price|cost)\b.*\b(per|for) (package|pack)\b", "", False),
    (r"\b(price|cost)\b.*\b(total|qty|quantity|needed|all|line|extended)\b", "total-price", True),
    (r"\b(total|extended|line)\b.*\b(price|cost)\b", "total-price", True),
    (r"\b(price|cost)\b.*\b(unit|each|per|item|piece|pc|pcs)\b", "unit-price", True),
    (r"\b(unit|each|item|piece)\b.*\b(price|cost)\b", "unit-price", True),
    (r"\b(price|cost)\b", "price", True),
    (r"\b(time|mass|weight|volume|length|width|height|size|dimensions?)\b", "", False),
    (r"\b(qty|quantity|quantities|count)\b", "quantity", False),
    (r"\b(designators?|references?|refdes)\b", "designators", False),
    (r"\bmanufacturer\b.*\b(part|number|code|reference)\b", "mpn", False),
    (r"\bmpn\b", "mpn", False),
    (r"\bmanufacturer\b", "manufacturer", False),
    (r"\b(supplier|vendor|distributor|source|shop|store)\b.*\b(link|url)\b", "url", True),
    (r"\b(link|url|website)\b", "url", True),
    (r"\b(supplier|vendor|distributor|shop|store)\b.*\b(part|number|sku|code)\b", "part-number",
     True),
    (r"\bsku\b", "part-number", True),
    (r"\b(supplier|vendor|distributor|source|shop|store|seller)\b", "name", True),
    (r"\bfootprint\b", "footprint", False),
    (r"\bdescription\b", "description", False),
    (r"\b(notes?|comments|remarks?)\b", "notes", False),
    (r"\b(category|type|section|group)\b", "category", False),
    (r"\b(name|item|part|component)\b", "name", False),
    (r"\bvalue\b", "value", False),
)  # fmt: skip


def _by_words(name: str) -> Column | None:
    for pattern, field, of_supplier in _WORD_RULES:
        if re.search(pattern, name):
            if not field:
                return None
            return Column(field, 0) if of_supplier else Column(field)
    return None


def header_score(cells: list[str]) -> tuple[int, int]:
    """How much a row looks like a header: how many of its cells are column
    names ohw knows, and how many are not empty."""
    filled = [c for c in cells if c.strip()]
    known = sum(1 for c in filled if _looks_like_a_name(c) and column_for(c) is not None)
    return known, len(filled)


def _looks_like_a_name(cell: str) -> bool:
    """A header cell is short text, not a number, a price or a link."""
    text = cell.strip()
    if len(text) > 80 or "://" in text:
        return False
    return not re.fullmatch(r"[\s$€£0-9.,:%()+-]*", text)


def is_header(cells: list[str]) -> bool:
    """Whether a row reads as a header: two or more known column names, at
    least half of its filled cells, one of which names the items."""
    known, filled = header_score(cells)
    if known < 2 or known * 2 < filled:
        return False
    fields = {column.field for c in cells if c.strip() and (column := column_for(c)) is not None}
    return bool(fields & _NAMING) or (bool(fields & _COUNTING) and known >= 3)


# Fields that say what an item is, and fields that say how many.
_NAMING = {"name", "description", "value", "mpn", "id", "part-number?", "designators", "parts?"}
_COUNTING = {"quantity", "units?", "number?"}
