"""OHW4xx beyond the schema: unique item ids and real currencies.

Positive quantities and prices are the schema's to check; it names OHW402 and
OHW404 for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from ohw.checks.context import CheckContext
from ohw.design.findings import Finding, finding


@cache
def iso_4217_codes() -> frozenset[str]:
    """The currency codes in use today, from the ISO 4217 list pycountry keeps."""
    import pycountry

    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


def check_bom(context: CheckContext) -> Iterator[Finding]:
    assert context.design.bom is not None
    first_at: dict[str, int] = {}
    for item in context.design.bom:
        at = context.design.at_bom((*item.at, "id"))
        if item.id in first_at:
            yield finding(
                "OHW401",
                context.design.bom_path,
                f"the BOM item id {item.id!r} is used twice (first at line {first_at[item.id]})",
                at,
            )
        else:
            first_at[item.id] = at.line if at else 0
        for path, currency in item.currencies:
            if currency not in iso_4217_codes():
                yield finding(
                    "OHW403",
                    context.design.bom_path,
                    f"{currency!r} is not a currency code in ISO 4217",
                    context.design.at_bom(path),
                )
