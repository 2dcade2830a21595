"""ohw.design.licenses: SPDX license expressions, and what is said about the wrong ones."""

from __future__ import annotations

import pytest

from ohw.design.licenses import LicenseProblem, check_expression

NAME_HINT = "SPDX identifier, not its name"
SYNTAX = "is not a valid SPDX expression"


@pytest.mark.parametrize(
    "expression",
    [
        "CERN-OHL-S-2.0",
        "CERN-OHL-W-2.0",
        "CC-BY-SA-4.0",
        "MIT OR Apache-2.0",
        "(MIT OR Apache-2.0) AND CC-BY-4.0",
        "GPL-3.0-or-later WITH Classpath-exception-2.0",
        "GPL-2.0-only",
        "mit",
        "mit or apache-2.0",
        "LicenseRef-MyLicence",
        "DocumentRef-x:LicenseRef-y",
        "LicenseRef-Internal AND CERN-OHL-P-2.0",
    ],
)
def test_valid_expressions_have_no_problems(expression):
    assert check_expression(expression) == []


@pytest.mark.parametrize(
    ("expression", "current"),
    [("GPL-2.0", "GPL-2.0-only"), ("gpl-2.0", "GPL-2.0-only"), ("GPL-2.0+", "GPL-2.0-or-later")],
)
def test_deprecated_identifier_is_one_warning_naming_its_replacement(expression, current):
    found = check_expression(expression)
    assert len(found) == 1
    assert found[0].deprecated is True
    assert current in found[0].message
    assert current in found[0].hint


def test_deprecated_identifier_inside_an_expression():
    found = check_expression("CERN-OHL-S-2.0 OR GPL-2.0")
    assert [(p.deprecated, "GPL-2.0-only" in p.message) for p in found] == [(True, True)]


@pytest.mark.parametrize(
    ("expression", "suggested"),
    [
        ("CERN-OHL-S-2", "CERN-OHL-S-2.0"),
        ("CC-BY-SA-4", "CC-BY-SA-4.0"),
        ("Apache-2", "Apache-2.0"),
    ],
)
def test_unknown_identifier_gets_a_suggestion(expression, suggested):
    found = check_expression(expression)
    assert len(found) == 1
    assert found[0].deprecated is False
    assert repr(expression) in found[0].message
    assert found[0].hint.startswith(f"did you mean {suggested}")


def test_unknown_identifier_without_anything_close():
    (found,) = check_expression("Zzyzx-Licence")
    assert found.deprecated is False
    assert "LicenseRef-" in found.hint


def test_unknown_identifier_inside_an_expression_is_named():
    found = check_expression("MIT OR CERN-OHL-S-2")
    assert len(found) == 1
    assert "'CERN-OHL-S-2'" in found[0].message
    assert "CERN-OHL-S-2.0" in found[0].hint


@pytest.mark.parametrize(
    "expression",
    [
        "Creative Commons Attribution-ShareAlike 4.0",
        "Apache License 2.0",
        "GNU General Public License v3.0",
        "CERN Open Hardware Licence Version 2 - Strongly Reciprocal",
        "MIT License",
        "The MIT License",
    ],
)
def test_full_licence_name_gets_the_hint_to_write_the_identifier(expression):
    found = check_expression(expression)
    assert len(found) == 1
    assert found[0].deprecated is False
    assert NAME_HINT in found[0].hint


@pytest.mark.parametrize(
    "expression",
    [
        "MIT AND (",
        "(MIT",
        "MIT)",
        "MIT AND",
        "MIT OR",
        "MIT WITH",
        "()",
        "MIT Apache-2.0",
        "MIT OR OR Apache-2.0",
        "MIT AND MIT AND",
        "   ",
    ],
)
def test_broken_syntax_is_one_syntax_problem(expression):
    found = check_expression(expression)
    assert len(found) == 1
    assert isinstance(found[0], LicenseProblem)
    assert found[0].deprecated is False
    assert SYNTAX in found[0].message
    assert "AND, OR, WITH" in found[0].hint


def test_every_identifier_license_expression_knows_is_known_and_spelt_as_it_spells_it():
    from license_expression import get_spdx_licensing

    from ohw.design.licenses import canonical, check_expression

    symbols = get_spdx_licensing().known_symbols
    assert len(symbols) > 600
    for key, symbol in symbols.items():
        if key.startswith("LicenseRef-"):
            continue
        if symbol.is_exception:
            assert all(p.deprecated for p in check_expression(f"MIT WITH {key}")), key
        else:
            assert canonical(key.lower()) == key or check_expression(key)[0].deprecated, key
