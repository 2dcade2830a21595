"""What a part file's name says: quantity, colour, optional, and the name left."""

from __future__ import annotations

import pytest

from ohw.adopt.names import human_name, part_id, read_name


@pytest.mark.parametrize(
    ("file", "stem", "quantity", "colour", "optional"),
    [
        ("[a]_idler_carrier_a_x2.stl", "idler_carrier_a", 2, "accent", False),
        ("[c]_stealthburner_LED_diffuser.stl", "stealthburner_LED_diffuser", None, "clear", False),
        ("[o]_LED_carrier.STL", "LED_carrier", None, "opaque", False),
        ("deck_support_3mm_optional_x6.stl", "deck_support_3mm", 6, None, True),
        ("2x_foot.stl", "foot", 2, None, False),
        ("x4 foot.stl", "foot", 4, None, False),
        ("foot (x3).stl", "foot", 3, None, False),
        ("foot_3pcs.obj", "foot", 3, None, False),
        ("gear_2x.3mf", "gear", 2, None, False),
        ("clip_qty12.stl", "clip", 12, None, False),
        # Not quantities: a motor's letter, sizes and part numbers, a name that is all number.
        ("a_stepper_lower.stl", "a_stepper_lower", None, None, False),
        ("2x4_bracket.stl", "2x4_bracket", None, None, False),
        ("M3x10_spacer.stl", "M3x10_spacer", None, None, False),
        ("x2.stl", "x2", None, None, False),
        ("part_x2000.stl", "part_x2000", None, None, False),
        ("part_x0.stl", "part_x0", None, None, False),
    ],
)
def test_names_as_communities_write_them(file, stem, quantity, colour, optional):
    reading = read_name(f"STLs/Gantry/{file}")
    assert (reading.stem, reading.quantity, reading.colour, reading.optional) == (
        stem, quantity, colour, optional
    )  # fmt: skip


def test_an_unknown_bracketed_prefix_is_kept_apart_and_said():
    reading = read_name("[q]_thing_x2.stl")
    assert (reading.stem, reading.colour, reading.unknown_prefix, reading.quantity) == (
        "thing", None, "[q]", 2
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[a] Idler (v2)", "a-idler-v2"),
        ("Zürich_Mount", "zurich-mount"),
        ("___", "part"),
        ("x" * 100, "x" * 64),
        ("日本語", "part"),
    ],
)
def test_ids_are_valid_whatever_the_name(text, expected):
    assert part_id(text) == expected


def test_names_for_people():
    assert human_name("z_carriage_left") == "Z carriage left"
    assert human_name("") == ""
