"""Choices among parts: groups, options, defaults, and what a build makes."""

from __future__ import annotations

import pytest

from ohw.design.choices import choice_groups, choice_problems, parse_choices, select_parts
from ohw.errors import OhwError

PRINTER = {
    "choices": [{"id": "skirt", "title": "Printer size (mm)", "default": "300"}],
    "parts": [
        {"id": "frame", "export": "frame.stl"},
        {"id": "skirt-left-250", "export": "s.stl", "choice": "skirt", "option": "250"},
        {"id": "skirt-right-250", "export": "s.stl", "choice": "skirt", "option": "250"},
        {"id": "skirt-left-300", "export": "s.stl", "choice": "skirt", "option": "300"},
        {"id": "skirt-right-300", "export": "s.stl", "choice": "skirt", "option": "300"},
        {"id": "dragon", "export": "d.stl", "choice": "hotend-mount"},
        {"id": "revo", "export": "r.stl", "choice": "hotend-mount"},
        {"id": "foot", "export": "f.stl", "choice": "base", "option": ["round", "square"]},
        {"id": "round-plate", "export": "p.stl", "choice": "base", "option": "round"},
    ],
}


def built(chosen: dict[str, str]) -> list[str]:
    return [p["id"] for p in select_parts(PRINTER, chosen).parts]


def test_defaults_build_one_option_of_each_group_and_every_part_outside_one():
    groups = choice_groups(PRINTER)
    assert groups["skirt"].options == ("250", "300") and groups["skirt"].default == "300"
    assert groups["hotend-mount"].default == "dragon"  # no entry: the first option
    assert built({}) == ["frame", "skirt-left-300", "skirt-right-300", "dragon", "foot",
                         "round-plate"]  # fmt: skip
    selection = select_parts(PRINTER, {})
    assert [(c.group, c.option, c.default) for c in selection.choices] == [
        ("skirt", "300", True), ("hotend-mount", "dragon", True), ("base", "round", True)
    ]  # fmt: skip
    assert "skirt-left-250" in selection.left_out and "revo" in selection.left_out


def test_a_choice_builds_its_option_and_a_part_in_two_options_stays():
    assert built({"skirt": "250", "hotend-mount": "revo", "base": "square"}) == [
        "frame", "skirt-left-250", "skirt-right-250", "revo", "foot"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("chosen", "message", "hint"),
    [
        ({"hotend": "revo"}, "no choice group 'hotend'", "skirt, hotend-mount, base"),
        ({"skirt": "350"}, "'350' is not an option of skirt", "250, 300"),
    ],
)
def test_choosing_what_the_design_lacks_is_an_error_naming_what_it_has(chosen, message, hint):
    with pytest.raises(OhwError) as raised:
        select_parts(PRINTER, chosen)
    assert message in raised.value.message and hint in (raised.value.hint or "")


@pytest.mark.parametrize("written", ["skirt", "=300", "skirt=", "", "  =  "])
def test_a_choose_value_not_group_equals_option_is_an_error(written):
    with pytest.raises(OhwError, match="is not GROUP=OPTION"):
        parse_choices([written])


def test_choose_values_are_read_and_one_group_chosen_two_ways_is_refused():
    assert parse_choices(["skirt = 250", "base=round", "skirt=250"]) == {
        "skirt": "250",
        "base": "round",
    }
    with pytest.raises(OhwError, match="twice"):
        parse_choices(["skirt=250", "skirt=300"])


def test_problems_a_default_no_option_has_an_entry_twice_and_one_without_parts():
    data = {
        "choices": [
            {"id": "skirt", "default": "350"},
            {"id": "skirt"},
            {"id": "shade", "title": "Lamp shade"},
        ],
        "parts": PRINTER["parts"],
    }
    found = [(p.rule, p.at) for p in choice_problems(data)]
    assert found == [
        ("OHW121", ("choices", 0, "default")),
        ("OHW122", ("choices", 1)),
        ("OHW122", ("choices", 2)),
    ]
    assert choice_problems(PRINTER) == []
    # A default that names no option is not taken: the first option is.
    assert choice_groups(data)["skirt"].default == "250"


def test_a_design_without_choices_builds_every_part():
    data = {"parts": [{"id": "a", "export": "a.stl"}, {"id": "b", "export": "b.stl"}]}
    selection = select_parts(data, {})
    assert [p["id"] for p in selection.parts] == ["a", "b"] and selection.choices == ()
    assert select_parts({}, {}).parts == []
