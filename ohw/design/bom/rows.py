"""One row of a BOM table read as an item: its cells into the item's fields,
its quantity, designators, alternatives, suppliers and prices, and whether it
is optional; every value located at its cell, and every cell that cannot be
read a finding, its text kept in the item's notes (ohw.design.bom.tables finds
the tables and their rows; this reads each row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ohw.design.bom.columns import DISTRIBUTORS, Column
from ohw.design.bom.text import Row, Text
from ohw.design.bom.values import (
    Quantity,
    currency_of,
    plain,
    read_designators,
    read_price,
    read_quantity,
)
from ohw.storage.yaml.document import JsonPath, Location, ReadProblem

RULE_NO_QUANTITY = "OHW410"
RULE_RAGGED = "OHW411"
RULE_UNKNOWN_COLUMN = "OHW412"
RULE_UNREADABLE = "OHW413"
RULE_ROW = "OHW414"
RULE_DESIGNATORS = "OHW415"
RULE_CELL = "OHW416"
RULE_NO_HEADER = "OHW418"
RULE_NOT_NEEDED = "OHW419"


_ID = re.compile(r"[A-Za-z0-9]+([._-][A-Za-z0-9]+)*")
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s]+")
BARE_URL = re.compile(r"(?:www\.)[^\s/]+\.[A-Za-z]{2,}(?:/\S*)?")
_TRUE = {"true", "yes", "y", "x", "1", "optional", "opt", "ja", "oui", "si", "sí", "✓", "✔"}
_FALSE = {"false", "no", "n", "0", "required", "nein", "non", "-", "✗", "✘"}
_NOT_FITTED = {
    "dnf", "dnp", "dnc", "nf", "nofit", "no fit", "do not fit", "do not place",
    "do not populate", "not fitted", "not populated", "unpopulated", "no stuff",
}  # fmt: skip
_OPTIONAL_SECTION = re.compile(r"\b(optional|alternatives?|alternate|extras?|spares?)\b", re.I)
_STANDARD = re.compile(r"(DIN|ISO|EN|ANSI|ASME|JIS|GB|BS|NF|UNI|IEC)\b")
# Cells that say "nothing here".
_PLACEHOLDERS = {
    "n/a",
    "na",
    "n.a.",
    "-",
    "--",
    "\u2014",
    "\u2013",
    "none",
    "null",
    "tbd",
    "tba",
    "?",
    "~",
    "#n/a",
}


@dataclass(frozen=True)
class LeftOut:
    """A row that is not an item: what it is, and what it says."""

    line: int
    kind: str  # "preamble", "header", "section", "total", "note", "assembly", "row"
    text: str
    item: dict[str, Any] | None = None  # for a row left out: what was read of it


@dataclass
class Table:
    """One table of the file: its header and what each column is."""

    line: int  # the header's line (of the first row, where read by content)
    header: list[str]
    starts: list[Location]
    columns: list[Column | None]
    rows: list[Row] = field(default_factory=list)
    by_content: bool = False
    has_quantity: bool = True
    price_totals: set[int] = field(default_factory=set)  # "price" columns holding row totals
    reference_text: set[int] = field(default_factory=set)  # "designators" holding other text
    labels: dict[int, str] = field(default_factory=dict)  # how each column is named in notes


@dataclass
class ReadRow:
    """One row as read."""

    item: dict[str, Any]
    nodes: dict[JsonPath, Location]
    line: int
    notes: list[tuple[str, Location]] = field(default_factory=list)
    quantity_at: Location | None = None  # the quantity's cell, empty or not


_PRICES = {"unit-price", "price", "total-price"}
_SUPPLIER_ORDER = ("name", "part-number", "url", "unit-price", "currency", "pack-size")


def _first(
    fields: dict[str, list[tuple[str, Location, Column, int]]], name: str
) -> tuple[str, Location] | None:
    """The first cell of the item's own ``name`` field (not a supplier's, not an
    alternative's)."""
    for text, at, column, _ in fields.get(name, []):
        if not column.of_supplier and column.alternative == 0 and text:
            return text, at
    return None


def finished_item(read: ReadRow) -> dict[str, Any]:
    """The item with its notes gathered, in one text."""
    item = dict(read.item)
    notes = [text for text, _ in sorted(read.notes, key=lambda n: (n[1].line, n[1].column)) if text]
    if notes:
        item["notes"] = "\n".join(dict.fromkeys(notes))
        read.nodes.setdefault(("notes",), read.notes[0][1])
    return item


_SHOPS = {
    "amazon": "Amazon", "amzn": "Amazon", "digikey": "Digi-Key", "mouser": "Mouser",
    "lcsc": "LCSC", "aliexpress": "AliExpress", "mcmaster": "McMaster-Carr", "misumi-ec": "Misumi",
    "misumi": "Misumi", "ebay": "eBay", "adafruit": "Adafruit", "sparkfun": "SparkFun",
    "pololu": "Pololu", "reichelt": "Reichelt", "conrad": "Conrad", "tme": "TME",
    "rs-online": "RS", "farnell": "Farnell", "newark": "Newark", "banggood": "Banggood",
    "seeedstudio": "Seeed Studio", "arrow": "Arrow", "jlcpcb": "JLCPCB", "pcbway": "PCBWay",
    "oshpark": "OSH Park", "printables": "", "thingiverse": "", "github": "",
}  # fmt: skip


def _shop_of(url: str) -> str:
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.lower()).split("/", 1)[0].split(":", 1)[0]
    for word in reversed(host.split(".")[:-1]):
        if word in _SHOPS:
            return _SHOPS[word]
    return ""


def _url(text: str) -> str:
    return text if URL.fullmatch(text) else f"https://{text}"


def words_of(cells: list[str]) -> str:
    return shortened(" | ".join(c.strip() for c in cells if c.strip()), 80)


def shortened(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RowReader:
    def __init__(self, text: Text) -> None:
        self.text = text
        self.problems: list[ReadProblem] = list(text.problems)
        self.left_out: list[LeftOut] = []
        self.read_rows: list[ReadRow] = []
        self.columns: list[tuple[int, str, str]] = []
        self.decimal_comma = text.delimiter == ";"
        self.disagreeing: list[tuple[ReadRow, int]] = []
        self.section = ""  # the title of the section the rows are in, across tables
        self.counted_one: list[ReadRow] = []  # rows counted as one, for want of a quantity
        self.priced_without_currency: set[int] = set()

    def _item(self, row: Row, table: Table, section: str) -> None:
        cells, starts = row.cells, row.starts
        extra = [(j, c) for j, c in enumerate(cells) if j >= len(table.columns) and c.strip()]
        if extra and not table.by_content:
            self.problems.append(
                ReadProblem(
                    RULE_RAGGED,
                    f"this row has {len(cells)} cells, the header {len(table.columns)}: a cell "
                    "holds the separator unquoted? The row is left out",
                    "give every row as many cells as the header; "
                    "quote cells that contain the separator",
                    Location(row.line, 1),
                )
            )
            self.left_out.append(LeftOut(row.line, "row", words_of(cells)))
            return
        read = ReadRow({}, {}, row.line)
        fields: dict[str, list[tuple[str, Location, Column, int]]] = {}
        for j, (cell, column) in enumerate(zip(cells, table.columns, strict=False)):
            text = cell.strip()
            at = starts[j] if j < len(starts) else Location(row.line, 1)
            links = row.links[j] if j < len(row.links) else ()
            if column is not None and column.field == "quantity" and not column.of_supplier:
                read.quantity_at = read.quantity_at or at
            if text.lower() in _PLACEHOLDERS and (column is None or column.field != "quantity"):
                text = ""
            if not text and not links:
                continue
            if column is None:
                label = table.labels.get(j, "")
                if text:
                    read.notes.append((f"{label}: {text}" if label else text, at))
                for url in links:
                    if URL.fullmatch(url):
                        fields.setdefault("link", []).append((url, at, Column("url", 0), j))
                continue
            if column.field in ("ignored", "position"):
                continue
            if links:  # a link to a page of the repository is no shop: kept in notes
                read.notes.extend((url, at) for url in links if not URL.fullmatch(url))
                links = tuple(url for url in links if URL.fullmatch(url))
            if column.field == "url" and links:
                text, links = links[0], links[1:]
            if text:
                fields.setdefault(column.field, []).append((text, at, column, j))
            for url in links:
                fields.setdefault("link", []).append((url, at, column, j))
        self._fill(read, fields, table, section, row)

    def _fill(
        self,
        read: ReadRow,
        fields: dict[str, list[tuple[str, Location, Column, int]]],
        table: Table,
        section: str,
        row: Row,
    ) -> None:
        item = read.item
        self._texts(read, fields)
        self._designators(read, fields, table)
        self._alternatives(read, fields)
        if "name" not in item:
            self._name_from_others(read, fields)
        failure = self._quantity(read, fields, table) if "name" in item else None
        self._suppliers(read, fields, table)
        # What says the item is optional: its column, or its section's title.
        self._optional(read, fields, section)
        category = _first(fields, "category")
        if category is not None:
            item["category"], read.nodes[("category",)] = category
        elif section:
            item["category"], read.nodes[("category",)] = section, Location(row.line, 1)
        for text, at, _, _ in fields.get("notes", []):
            read.notes.append((text, at))
        for text, at, _, j in fields.get("aside", []):
            if text not in ("~", "-"):
                read.notes.append((f"{table.labels.get(j) or 'datasheet'}: {text}", at))
        if "name" not in item:
            self.problems.append(
                ReadProblem(
                    RULE_ROW,
                    "this row names no item (no name, description, value, MPN or part "
                    "number); it is left out",
                    "write what the item is in the row's name column",
                    Location(row.line, 1),
                )
            )
            self.left_out.append(LeftOut(row.line, "row", words_of(row.cells), finished_item(read)))
        elif failure is not None:
            rule, message, hint, at, written = failure
            self.problems.append(ReadProblem(rule, message, hint, at))
            left = finished_item(read)
            if written is not None:
                left["quantity"] = written
            said = "no quantity" if written is None else f"quantity {written!r}"
            kept = left if rule == RULE_ROW else None
            self.left_out.append(LeftOut(row.line, "row", f"{item['name']}: {said}", kept))
        else:
            self.read_rows.append(read)

    def _texts(
        self, read: ReadRow, fields: dict[str, list[tuple[str, Location, Column, int]]]
    ) -> None:
        """The item's id, name and the other fields that are text as written."""
        item, nodes = read.item, read.nodes
        given_id = _first(fields, "id")
        if given_id is not None:
            if _ID.fullmatch(given_id[0]) and len(given_id[0]) <= 64:
                item["id"], nodes[("id",)] = given_id
            else:
                self._cell(given_id[1], f"{given_id[0]!r} is not an id; one is made for the row",
                           "write an id of letters, digits and . _ - (m3x10)")  # fmt: skip
        for key in ("description", "value", "footprint", "manufacturer", "mpn", "standard"):
            found = _first(fields, key)
            if found is not None:
                item[key], nodes[(key,)] = found
        name = _first(fields, "name")
        if name is not None and len(name[0]) <= 2 and ("value" in item or "description" in item):
            read.notes.append(name)  # a schematic symbol's name: C, R
            name = None
        if name is None and "description" in item and "value" not in item:
            name = (item.pop("description"), nodes.pop(("description",)))
        if name is not None:
            item["name"], nodes[("name",)] = name[0].rstrip(",;").strip() or name[0], name[1]
        for key in ("value", "description"):
            if key in item and "name" in item and item[key].lower() == item["name"].lower():
                del item[key]
                del nodes[(key,)]

    def _name_from_others(
        self, read: ReadRow, fields: dict[str, list[tuple[str, Location, Column, int]]]
    ) -> None:
        item, nodes = read.item, read.nodes
        if "value" in item:
            name = item["value"]
            if "footprint" in item:
                name = f"{name} ({item['footprint'].rsplit(':', 1)[-1]})"
            item["name"] = name
            nodes[("name",)] = nodes[("value",)]
            return
        for key in ("mpn", "id"):
            if key in item:
                item["name"] = item[key]
                nodes[("name",)] = nodes[(key,)]
                return
        for text, at, column, _ in fields.get("part-number", []):
            if column.of_supplier and text and not URL.fullmatch(text):
                item["name"] = text
                nodes[("name",)] = at
                return

    def _quantity(
        self,
        read: ReadRow,
        fields: dict[str, list[tuple[str, Location, Column, int]]],
        table: Table,
    ) -> tuple[str, str, str, Location, str | None] | None:
        """Set the item's quantity; where it has none, why (the finding's rule,
        message, hint and place, and the text written)."""
        item, nodes = read.item, read.nodes
        written = next(
            ((t, at) for t, at, c, _ in fields.get("quantity", []) if not c.of_supplier), None
        )
        designators = item.get("designators")
        count = len(designators) if designators else 0
        name = shortened(item["name"])
        if written is None:
            if count:
                item["quantity"] = count
                nodes[("quantity",)] = nodes[("designators",)]
                return None
            if not table.has_quantity or self.text.layout == "list of counts":
                item["quantity"] = 1
                nodes[("quantity",)] = Location(read.line, 1)
                self.counted_one.append(read)
                return None
            at = read.quantity_at or Location(read.line, 1)
            return (RULE_ROW, f"{name!r} has no quantity; the row is left out",
                    "write how many one unit of the design needs", at, None)  # fmt: skip
        text, at = written
        quantity = read_quantity(text, decimal_comma=self.decimal_comma)
        if isinstance(quantity, str):
            if count:
                item["quantity"] = count
                nodes[("quantity",)] = at
                read.notes.append((f"quantity: {text}", at))
                self._cell(at, f"the quantity {text!r} is not a number; the {count} "
                           "designators count instead",
                           "write how many one unit of the design needs, as a number")  # fmt: skip
                return None
            return (
                RULE_ROW,
                f"the quantity of {name!r}: {quantity}; the row is left out",
                "write how many one unit of the design needs, as a number (with a unit, such "
                "as 2 m or 1 set)",
                at,
                text,
            )
        if quantity.value == 0:
            return (RULE_NOT_NEEDED, f"{name!r} has quantity 0: not needed, so left out",
                    "remove the row if the design does not need it", at, text)  # fmt: skip
        item["quantity"] = plain(quantity.value)
        nodes[("quantity",)] = at
        if quantity.aside:
            read.notes.append((f"quantity: {text}", at))
        unit = next(((t, a) for t, a, _, _ in fields.get("unit", []) if t), None)
        if quantity.unit is not None:
            item["unit"] = quantity.unit
            nodes[("unit",)] = at
        elif unit is not None:
            item["unit"] = unit[0]
            nodes[("unit",)] = unit[1]
        if count and item.get("unit") in (None, "pcs") and Decimal(item["quantity"]) != count:
            self.disagreeing.append((read, count))
        return None

    def _designators(
        self,
        read: ReadRow,
        fields: dict[str, list[tuple[str, Location, Column, int]]],
        table: Table,
    ) -> None:
        found: list[str] = []
        where: Location | None = None
        for text, at, _, j in fields.get("designators", []):
            if j in table.reference_text:
                if _STANDARD.match(text) and "standard" not in read.item:
                    read.item["standard"] = text
                    read.nodes[("standard",)] = at
                    continue
                if URL.fullmatch(text):
                    fields.setdefault("link", []).append((text, at, Column("url", 0), j))
                    continue
                label = table.labels.get(j, "")
                read.notes.append((f"{label}: {text}" if label else text, at))
                continue
            listed = read_designators(text)
            if listed is None:
                self._cell(at, f"{shortened(text)!r} is not a list of designators; it is kept in "
                           "notes",
                           "list designators separated by commas: R1, R2, R5-R8")  # fmt: skip
                label = table.labels.get(j, "")
                read.notes.append((f"{label}: {text}" if label else text, at))
                continue
            found.extend(d for d in listed if d not in found)
            where = where or at
        if found and where is not None:
            read.item["designators"] = found
            read.nodes[("designators",)] = where

    def _suppliers(
        self,
        read: ReadRow,
        fields: dict[str, list[tuple[str, Location, Column, int]]],
        table: Table,
    ) -> None:
        slots: dict[tuple[int | None, str], dict[str, tuple[Any, Location]]] = {}
        order: list[tuple[int | None, str]] = []
        currency_cells: dict[tuple[int | None, str], tuple[str, Location]] = {}
        position: dict[tuple[int | None, str], tuple[int, int]] = {}
        for key_field in ("name", "part-number", "url", "unit-price", "price", "total-price",
                          "currency", "pack-size", "link"):  # fmt: skip
            for text, at, column, j in fields.get(key_field, []):
                if key_field == "link":
                    slot = (column.supplier, column.distributor) if column.of_supplier else (0, "")
                elif not column.of_supplier:
                    continue
                else:
                    slot = (column.supplier, column.distributor)
                if slot not in slots:
                    slots[slot] = {}
                    order.append(slot)
                position[slot] = min(position.get(slot, (j, 0)), (j, 0))
                target = slots[slot]
                if key_field == "currency":
                    currency_cells[slot] = (text, at)
                    continue
                if key_field == "link":
                    if "url" not in target:
                        target["url"] = (text, at)
                    elif text != target["url"][0]:
                        extra = (None, f"#{len(order)}")
                        slots[extra] = {"url": (text, at)}
                        order.append(extra)
                        position[extra] = (j, len(order))
                    continue
                target.setdefault(key_field, (text, at, j))  # type: ignore[arg-type]
        # Prices without a shop of their own, beside one distributor's part number
        # (Mouser's cart: "Mouser No:", "Price (USD)"): that distributor's.
        generic, named = slots.get((0, "")), [s for s in order if s[1] and s != (0, "")]
        if generic is not None and len(named) == 1 and set(generic) <= _PRICES:
            slots[named[0]] = {**generic, **slots[named[0]]}
            order.remove((0, ""))
            if (0, "") in currency_cells:
                currency_cells.setdefault(named[0], currency_cells[(0, "")])
        suppliers: list[dict[str, Any]] = []
        index = 0
        for slot in sorted(order, key=lambda s: position[s]):
            raw = slots[slot]
            currency = currency_cells.get(slot) or currency_cells.get((0, ""))
            supplier, nodes = self._supplier(
                read, slot=slot, raw=raw, currency_cell=currency, table=table
            )
            if not supplier:
                continue
            for key, at in nodes.items():
                read.nodes[("suppliers", index, key)] = at
            read.nodes[("suppliers", index)] = next(iter(nodes.values()))
            suppliers.append(supplier)
            index += 1
        if suppliers:
            read.item["suppliers"] = suppliers
            read.nodes[("suppliers",)] = read.nodes[("suppliers", 0)]

    def _supplier(
        self,
        read: ReadRow,
        *,
        slot: tuple[int | None, str],
        raw: dict[str, Any],
        currency_cell: tuple[str, Location] | None,
        table: Table,
    ) -> tuple[dict[str, Any], dict[str, Location]]:
        supplier: dict[str, Any] = {}
        nodes: dict[str, Location] = {}
        distributor = slot[1] if not slot[1].startswith("#") else ""
        if "name" in raw:
            text, at = raw["name"][0], raw["name"][1]
            self._source(text=text, at=at, supplier=supplier, nodes=nodes, read=read, key="name")
        if "part-number" in raw:
            text, at = raw["part-number"][0], raw["part-number"][1]
            if distributor:
                if URL.fullmatch(text) or BARE_URL.fullmatch(text):
                    supplier.setdefault("url", _url(text))
                    nodes.setdefault("url", at)
                else:
                    supplier["part-number"] = text
                    nodes["part-number"] = at
            else:
                self._source(
                    text=text, at=at, supplier=supplier, nodes=nodes, read=read, key="part-number"
                )
        if "url" in raw:
            text, at = raw["url"][0], raw["url"][1]
            url = _url(text) if (URL.fullmatch(text) or BARE_URL.fullmatch(text)) else None
            if url is None:
                found = URL.search(text)
                if found is not None:
                    url = found.group(0)
                    read.notes.append((text, at))
            if url is not None:
                supplier.setdefault("url", url)
                nodes.setdefault("url", at)
            elif text:
                self._cell(at, f"{shortened(text)!r} is not a link; it is kept in notes",
                           "write the product page's address: https://...")  # fmt: skip
                read.notes.append((text, at))
        if distributor and supplier:
            supplier = {"name": distributor, **supplier}
            nodes = {"name": next(iter(nodes.values())), **nodes}
        if "url" in supplier and "name" not in supplier:
            shop = _shop_of(supplier["url"])
            if shop:
                supplier["name"] = shop
                nodes["name"] = nodes["url"]
        self._price(
            read, raw=raw, supplier=supplier, nodes=nodes, currency_cell=currency_cell, table=table
        )
        if "pack-size" in raw:
            text, at = raw["pack-size"][0], raw["pack-size"][1]
            size = read_quantity(text)
            if isinstance(size, Quantity) and size.value >= 1 and size.value == int(size.value):
                supplier["pack-size"] = int(size.value)
                nodes["pack-size"] = at
            else:
                self._cell(at, f"the pack size {shortened(text)!r} is not a whole number; it is "
                           "kept in notes",
                           "write how many the supplier sells together: 100")  # fmt: skip
                read.notes.append((f"pack size: {text}", at))
        ordered = {k: supplier[k] for k in _SUPPLIER_ORDER if k in supplier}
        return ordered, {k: nodes[k] for k in ordered}

    def _source(
        self,
        *,
        text: str,
        at: Location,
        supplier: dict[str, Any],
        nodes: dict[str, Location],
        read: ReadRow,
        key: str,
    ) -> None:
        """A shop, a part number, or a link: "LCSC C22355831", "https://...",
        "3D Fuel", "Any switch. I used https://..."."""
        if URL.fullmatch(text) or BARE_URL.fullmatch(text):
            supplier.setdefault("url", _url(text))
            nodes.setdefault("url", at)
            return
        words = text.split()
        if re.fullmatch(r"[\w.-]+(?:/[\w.-]+)+/?", text) and re.search(r"[a-z]", text):
            # a path in the repository ("Build_Files/STL"), not "BZH01/Z0000/11"
            read.notes.append((text, at))
            return
        shop = re.fullmatch(
            r"(?P<who>[A-Za-z][\w.&-]*(?: [A-Za-z][\w.&-]*)?)[ :#]+(?P<number>\S+)", text
        )
        if (
            shop is not None
            and shop["who"].lower() in DISTRIBUTORS
            and re.search(r"[0-9]", shop["number"])  # "RS Components" is a name
            and not URL.fullmatch(shop["number"])
        ):
            supplier.setdefault("name", shop["who"])
            nodes.setdefault("name", at)
            supplier.setdefault("part-number", shop["number"])
            nodes.setdefault("part-number", at)
            return
        link = URL.search(text)
        if link is not None:
            supplier.setdefault("url", link.group(0).rstrip(".,;)"))
            nodes.setdefault("url", at)
            read.notes.append((text, at))
            return
        if key == "name" and len(words) <= 6 and len(text) <= 60:
            supplier.setdefault("name", text)
            nodes.setdefault("name", at)
        elif key == "part-number" and not re.search(r"[0-9]", text) and len(words) <= 6:
            # "RS Components": a shop, not a number; "JLCPCB (see ORDERING.md)": a shop, and a note.
            aside = len(words) > 1 and bool(re.search(r"[(:/]", text))
            supplier.setdefault("name", words[0] if aside else text)
            nodes.setdefault("name", at)
            if aside:
                read.notes.append((text, at))
        elif key == "part-number" and len(words) <= 2 and len(text) <= 40:
            supplier.setdefault("part-number", text)
            nodes.setdefault("part-number", at)
        elif words and words[0].lower() in DISTRIBUTORS | {"jlcpcb": ""}:
            supplier.setdefault("name", words[0])
            nodes.setdefault("name", at)
            read.notes.append((text, at))
        else:
            read.notes.append((text, at))

    def _price(
        self,
        read: ReadRow,
        *,
        raw: dict[str, Any],
        supplier: dict[str, Any],
        nodes: dict[str, Location],
        currency_cell: tuple[str, Location] | None,
        table: Table,
    ) -> None:
        stated = None
        if currency_cell is not None:
            stated = currency_of(currency_cell[0])
            if stated is None and re.fullmatch(r"[A-Za-z]{3}", currency_cell[0].strip()):
                stated = currency_cell[0].strip().upper()  # an unknown code: OHW403 says so
            if stated is None:
                self._cell(currency_cell[1], f"{shortened(currency_cell[0])!r} is not a currency; "
                           "it is kept in notes",
                           "write an ISO 4217 code: EUR, USD, GBP")  # fmt: skip
                read.notes.append((f"currency: {currency_cell[0]}", currency_cell[1]))
        for key in ("unit-price", "price", "total-price"):
            if key not in raw or "unit-price" in supplier:
                continue
            text, at, j = raw[key]
            column = table.columns[j]
            assert column is not None
            price = read_price(text, decimal_comma=self.decimal_comma)
            if price == "":
                continue
            if isinstance(price, str):
                # read_price's reasons begin with the text, or say what is wrong in it
                said = repr(" ".join(text.split()))
                why = price if price.startswith(said) else f"{said}: {price}"
                self._cell(at, f"the price {why}; it is kept in notes", "write the price as a "
                           "number, with its currency: 12.50 EUR, $12.50")  # fmt: skip
                read.notes.append((f"{table.labels.get(j) or 'price'}: {text}", at))
                continue
            currency = stated or price.currency or column.currency
            if currency is None:
                self._no_currency(table, j)
                read.notes.append((f"{table.labels.get(j) or 'price'}: {text}", at))
                continue
            amount = price.amount
            if key == "total-price" or (key == "price" and j in table.price_totals):
                quantity = read.item.get("quantity")
                if not quantity:
                    read.notes.append((f"{table.labels.get(j) or 'total'}: {text}", at))
                    continue
                amount = (
                    (amount / Decimal(str(quantity)))
                    .quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
                    .normalize()
                )
                read.notes.append((f"{table.labels.get(j) or 'total'}: {text}", at))
            supplier["unit-price"] = plain(amount)
            supplier["currency"] = currency
            nodes["unit-price"] = at
            nodes["currency"] = currency_cell[1] if stated and currency_cell else at

    def _no_currency(self, table: Table, j: int) -> None:
        if j in self.priced_without_currency:
            return
        self.priced_without_currency.add(j)
        at = table.starts[j] if j < len(table.starts) else Location(table.line, 1)
        name = table.labels.get(j) or "price"
        self.problems.append(
            ReadProblem(
                RULE_CELL,
                f"the prices in {name!r} name no currency; they are kept in notes",
                f"name the currency in the header, e.g. '{name} (EUR)', or in a currency column",
                at,
            )
        )

    def _alternatives(
        self, read: ReadRow, fields: dict[str, list[tuple[str, Location, Column, int]]]
    ) -> None:
        pairs: dict[int, dict[str, tuple[str, Location]]] = {}
        for key in ("manufacturer", "mpn"):
            for text, at, column, _ in fields.get(key, []):
                if column.alternative and text:
                    pairs.setdefault(column.alternative, {})[key] = (text, at)
        alternatives: list[dict[str, str]] = []
        for index in sorted(pairs):
            pair = pairs[index]
            alternative: dict[str, str] = {
                k: pair[k][0] for k in ("manufacturer", "mpn") if k in pair
            }
            for k in alternative:
                read.nodes[("alternatives", len(alternatives), k)] = pair[k][1]
            read.nodes[("alternatives", len(alternatives))] = next(iter(pair.values()))[1]
            alternatives.append(alternative)
        if alternatives:
            read.item["alternatives"] = alternatives
            read.nodes[("alternatives",)] = read.nodes[("alternatives", 0)]

    def _optional(
        self,
        read: ReadRow,
        fields: dict[str, list[tuple[str, Location, Column, int]]],
        section: str,
    ) -> None:
        for key in ("optional", "dnp", "fitted", "required", "status"):
            for text, at, _, _ in fields.get(key, []):
                word = text.strip().lower()
                if key == "status":
                    if word in _NOT_FITTED:
                        read.notes.append((f"not fitted ({text})", at))
                        read.item["optional"] = True
                        read.nodes[("optional",)] = at
                        return
                    read.notes.append((f"status: {text}", at))
                    continue
                if key == "dnp" and word:
                    flag = word not in _FALSE
                    if flag:
                        read.notes.append(("not fitted (DNP)", at))
                elif word in _TRUE | _FALSE or (key == "dnp" and not word):
                    flag = word in _TRUE
                    if key in ("fitted", "required"):
                        flag = not flag
                        if flag and key == "fitted":
                            read.notes.append(("not fitted", at))
                else:
                    said = f"{shortened(text)!r} is neither yes nor no; it is kept in notes"
                    self._cell(at, said, "write yes or no")
                    read.notes.append((f"{key}: {text}", at))
                    continue
                if flag:
                    read.item["optional"] = True
                    read.nodes[("optional",)] = at
                    return
                if key == "optional":
                    read.item["optional"] = False
                    read.nodes[("optional",)] = at
                    return
        if section and _OPTIONAL_SECTION.search(section):
            read.item["optional"] = True
            read.nodes[("optional",)] = Location(read.line, 1)

    def _cell(self, at: Location, message: str, hint: str) -> None:
        self.problems.append(ReadProblem(RULE_CELL, message, hint, at))

    # --- the result -----------------------------------------------------------------------
