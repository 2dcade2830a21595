"""The bill of materials: purchased items, as bom.yaml holds them (a CSV BOM is
read into the same data by ohw.design.bom.tables), and what they cost."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ohw.storage.yaml.document import JsonPath


@dataclass(frozen=True)
class BomItem:
    """A purchased item, as far as the checks need it: its id and its prices' currencies."""

    id: str
    currencies: tuple[tuple[JsonPath, str], ...]  # each supplier's currency, located
    at: JsonPath

    @classmethod
    def from_data(cls, data: dict[str, Any], at: JsonPath) -> BomItem:
        return cls(
            id=data["id"],
            currencies=tuple(
                ((*at, "suppliers", i, "currency"), supplier["currency"])
                for i, supplier in enumerate(data.get("suppliers", []))
                if "currency" in supplier
            ),
            at=at,
        )


@dataclass(frozen=True)
class BomCost:
    """What the purchased items of one unit of the design cost, per currency:
    each item's quantity times the unit price of its first supplier that has a
    price. Amounts in different currencies are never added together."""

    totals: dict[str, Decimal]  # by ISO 4217 code
    unpriced: tuple[str, ...]  # ids of the items no supplier gives a price for


def bom_cost(items: list[Any]) -> BomCost:
    """The cost of BOM items (their data, as bom.yaml holds them). Decimal
    arithmetic, so that 0.3 m at 8.90 is 2.67 and not 2.6700000000000004."""
    totals: dict[str, Decimal] = {}
    unpriced: list[str] = []
    for item in items:
        if not isinstance(item, dict) or not _is_number(item.get("quantity")):
            continue
        suppliers = item.get("suppliers")
        priced = [
            s
            for s in (suppliers if isinstance(suppliers, list) else [])
            if isinstance(s, dict) and _is_number(s.get("unit-price"))
            and isinstance(s.get("currency"), str)
        ]  # fmt: skip
        if not priced:
            unpriced.append(str(item.get("id", "")))
            continue
        amount = Decimal(str(item["quantity"])) * Decimal(str(priced[0]["unit-price"]))
        currency = priced[0]["currency"]
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    return BomCost(totals, tuple(unpriced))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
