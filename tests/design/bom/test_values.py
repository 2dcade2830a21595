"""ohw.design.bom.values: quantities, prices, designators and slugs as people write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ohw.design.bom.values import (
    Price,
    Quantity,
    read_designators,
    read_number,
    read_price,
    read_quantity,
    slug,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4", "4"), ("1.5", "1.5"), ("1,5", "1.5"), ("0,125", "0.125"), ("1,234", "1234"),
        ("1,234.50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1 234", "1234"),
        ("1.234.567", "1234567"),
        (" 12 ", "12"),
    ],
)  # fmt: skip
def test_numbers_with_decimal_and_thousands_marks(text, value):
    assert read_number(text) == Decimal(value)


def test_a_decimal_comma_file_reads_a_lone_comma_as_decimal():
    assert read_number("1,234", decimal_comma=True) == Decimal("1.234")
    assert read_number("1,234", decimal_comma=False) == Decimal("1234")


@pytest.mark.parametrize("text", ["", "abc", "1,2,3.4.5", "1..2", "--1"])
def test_not_numbers(text):
    assert read_number(text) is None


@pytest.mark.parametrize(
    ("text", "value", "unit", "aside"),
    [
        ("4", "4", None, ""), ("2x", "2", None, ""), ("x2", "2", None, ""), ("×3", "3", None, ""),
        ("2 x", "2", None, ""), ("4 pcs", "4", None, ""), ("4pcs", "4", None, ""),
        ("1 pc.", "1", None, ""), ("4 Stück", "4", None, ""), ("6 ea", "6", None, ""),
        ("1 set", "1", "set", ""), ("2 sets", "2", "set", ""), ("2 pairs", "2", "pair", ""),
        ("1 kit", "1", "kit", ""), ("1.5 m", "1.5", "m", ""), ("1,5m", "1.5", "m", ""),
        ("34.03 g", "34.03", "g", ""), ("0.5 kg", "0.5", "kg", ""), ("100 ml", "100", "ml", ""),
        ("3 ft", "3", "ft", ""), ("1 roll", "1", "roll", ""), ("~10", "10", None, "approximately"),
        ("approx. 10", "10", None, "approximately"),
        ("2 (+1 spare)", "2", None, "(+1 spare)"), ("0", "0", None, ""),
    ],
)  # fmt: skip
def test_quantities_with_their_units(text, value, unit, aside):
    assert read_quantity(text) == Quantity(Decimal(value), unit, aside)


@pytest.mark.parametrize("text", ["", "-", "n/a", "TBD", "?", "  "])
def test_no_quantity_is_empty(text):
    assert read_quantity(text) == ""


@pytest.mark.parametrize(
    "text",
    ["Varies", "three", "1-2", "2 or 4", "2/4", "-1", "as needed", "2 bananas", "x2 pcs",
     "9223372036854775808", "99999999999999999999x", "1" + "0" * 40 + " m"],
)  # fmt: skip
def test_unreadable_quantities_say_why(text):
    """Past 64 bits too: what a bom.yaml (ohw's YAML) cannot hold is no quantity."""
    why = read_quantity(text)
    assert isinstance(why, str)
    assert why and repr(" ".join(text.split())) in why


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("12.50", "12.50", None), ("$12.50", "12.50", "USD"), ("12,50 €", "12.50", "EUR"),
        ("€12,50", "12.50", "EUR"), ("EUR 3", "3", "EUR"), ("3 EUR", "3", "EUR"),
        ("12.5 usd", "12.5", "USD"), ("US$4", "4", "USD"), ("£1.20", "1.20", "GBP"),
        ("1.234,56 €", "1234.56", "EUR"), ("CHF 5", "5", "CHF"), ("$ 0.10000", "0.10000", "USD"),
        (" $0.63 ", "0.63", "USD"), ("100 ₹", "100", "INR"), ("C$ 3", "3", "CAD"),
    ],
)  # fmt: skip
def test_prices_with_their_currency(text, amount, currency):
    assert read_price(text) == Price(Decimal(amount), currency)


@pytest.mark.parametrize("text", ["", "-", "$-", "$ -", " $-   ", "n/a"])
def test_no_price_is_empty(text):
    assert read_price(text) == ""


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("free", "not a price"), ("¥20", "JPY or CNY"), ("20 kr", "SEK, NOK or DKK"),
        ("$5 €", "two currencies"), ("-3 EUR", "negative"), ("5 XQ", "currency ohw knows"),
        ("$9223372036854775808", "more than ohw can count"),
        ("1" + "0" * 30 + ".5 EUR", "more than ohw can count"),
    ],
)  # fmt: skip
def test_unreadable_prices_say_why(text, says):
    why = read_price(text)
    assert isinstance(why, str)
    assert says in why


@pytest.mark.parametrize(
    ("text", "designators"),
    [
        ("R1, R2", ["R1", "R2"]),
        ("R1 R2  R3", ["R1", "R2", "R3"]),
        ("C5+C9+C10", ["C5", "C9", "C10"]),
        ("J3;D1", ["J3", "D1"]),
        ("R24-31", [f"R{n}" for n in range(24, 32)]),
        ("R24-R31", [f"R{n}" for n in range(24, 32)]),
        ("C1..C3", ["C1", "C2", "C3"]),
        ("R1 - R3", ["R1", "R2", "R3"]),
        ("LED1-LED2", ["LED1", "LED2"]),
        ("D08-10", ["D08", "D09", "D10"]),
        ("R1,R1,R2", ["R1", "R2"]),
        ("LED2A-LED2", ["LED2A-LED2"]),  # not a range: kept as written
        ("I/O", ["I/O"]),
        ("S", ["S"]),
        ("Part_0", ["Part_0"]),
        ("U1-A", None),
        ("n/a", []),
        ("", []),
        ("~", []),
        ("U2 position", None),
        ("One of Part_4.0 to Part_4.4", None),
        ("R5-R1", ["R5-R1"]),  # a range backwards is no range: kept as written
    ],
)
def test_designators_split_and_ranges_expanded(text, designators):
    assert read_designators(text) == designators


def test_a_huge_range_is_not_expanded():
    assert read_designators("R1-R100000") == ["R1-R100000"]


@pytest.mark.parametrize(
    ("text", "made"),
    [
        ("M3x10 Screw", "m3x10-screw"), ("470 µF", "470-uf"), ("4.7k 0603", "4.7k-0603"),
        ("10 kΩ", "10-kohm"), ("PJ-320B", "pj-320b"), ("Résistance 1%", "resistance-1pct"),
        ("  --  ", ""), ("中文", ""), ("B2B-XH-A(LF)(SN)", "b2b-xh-a-lf-sn"), ("1.2.3", "1.2.3"),
        ("a.-b", "a-b"),
    ],
)  # fmt: skip
def test_slugs(text, made):
    assert slug(text) == made


@given(st.text(max_size=200))
def test_every_slug_is_an_id(text):
    made = slug(text)
    assert len(made) <= 48
    if made:
        from ohw.design.bom.rows import _ID

        assert _ID.fullmatch(made), made


def test_the_largest_quantity_and_price_are_read():
    assert read_quantity("9223372036854775807") == Quantity(Decimal(2**63 - 1), None)
    assert read_price("$9223372036854775807") == Price(Decimal(2**63 - 1), "USD")
