"""ohw.lineage.compatibility: which licences a design may carry when it includes others' work."""

from __future__ import annotations

import pytest

from ohw.design.licenses import alternatives, canonical
from ohw.lineage.compatibility import Kind, common, requirement, shown, terms

PERMISSIVE = ["CERN-OHL-P-2.0", "MIT", "Apache-2.0", "BSD-3-Clause", "CC-BY-4.0", "CC0-1.0"]


@pytest.mark.parametrize("license", PERMISSIVE)
def test_permissive_work_may_go_into_a_design_under_any_licence(license):
    needed = requirement(license)
    assert terms(license).kind is Kind.PERMISSIVE
    assert needed.refused is None and needed.allows is None
    for design in ("MIT", "CERN-OHL-S-2.0", "LicenseRef-Shop-Only"):
        assert needed.allowed(design)


@pytest.mark.parametrize(
    ("license", "word"),
    [
        ("CC-BY-NC-4.0", "commercial"),
        ("CC-BY-ND-4.0", "no derivatives"),
        ("CC-BY-NC-SA-4.0", "commercial"),
        ("CC-BY-NC-ND-4.0", "no derivatives"),
        ("CC-BY-NC-3.0", "commercial"),
    ],
)
def test_non_commercial_and_no_derivatives_work_is_refused_with_the_reason(license, word):
    needed = requirement(license)
    assert needed.refused is not None
    assert license in needed.refused and word in needed.refused
    assert not needed.allowed("CERN-OHL-S-2.0")
    assert not needed.allowed(license)


@pytest.mark.parametrize(
    ("license", "allowed", "weaker"),
    [
        ("CERN-OHL-S-2.0", {"CERN-OHL-S-2.0"}, ["CERN-OHL-W-2.0", "CERN-OHL-P-2.0", "MIT"]),
        ("CERN-OHL-W-2.0", {"CERN-OHL-W-2.0", "CERN-OHL-S-2.0"}, ["CERN-OHL-P-2.0", "MIT"]),
        (
            "CC-BY-SA-4.0",
            {"CC-BY-SA-4.0", "GPL-3.0-only", "GPL-3.0-or-later"},
            ["CC-BY-4.0", "CERN-OHL-S-2.0"],
        ),
        ("CC-BY-SA-3.0", {"CC-BY-SA-3.0", "CC-BY-SA-4.0"}, ["CC-BY-3.0", "GPL-3.0-only"]),
        ("GPL-2.0-only", {"GPL-2.0-only"}, ["GPL-3.0-only", "MIT"]),
        ("GPL-3.0-or-later", {"GPL-3.0-only", "GPL-3.0-or-later"}, ["GPL-2.0-only"]),
    ],
)
def test_reciprocal_terms_pass_on(license, allowed, weaker):
    needed = requirement(license)
    assert needed.allows == allowed
    for design in allowed:
        assert needed.allowed(design)
    for design in weaker:
        assert not needed.allowed(design)


def test_a_licence_ohw_does_not_know_is_reciprocal_to_itself():
    needed = requirement("LicenseRef-Lab-Licence")
    assert terms("LicenseRef-Lab-Licence").kind is Kind.UNKNOWN
    assert needed.allows == {"LicenseRef-Lab-Licence"}
    assert needed.allowed("LicenseRef-Lab-Licence")
    assert not needed.allowed("CERN-OHL-S-2.0")


def test_or_is_a_choice_and_a_usable_choice_is_enough():
    assert requirement("MIT OR CC-BY-NC-4.0").allows is None
    assert requirement("CERN-OHL-S-2.0 OR CC-BY-NC-4.0").allows == {"CERN-OHL-S-2.0"}
    assert requirement("CC-BY-NC-4.0 OR CC-BY-ND-4.0").refused is not None


def test_and_means_every_licence_applies():
    assert requirement("MIT AND CERN-OHL-W-2.0").allows == {"CERN-OHL-W-2.0", "CERN-OHL-S-2.0"}
    assert requirement("CERN-OHL-S-2.0 AND CERN-OHL-W-2.0").allows == {"CERN-OHL-S-2.0"}
    clash = requirement("CERN-OHL-S-2.0 AND GPL-2.0-only")
    assert clash.refused is not None and "contradict" in clash.refused
    assert requirement("MIT AND CC-BY-ND-4.0").refused is not None


def test_a_design_offering_a_choice_must_respect_the_part_in_every_choice():
    strong = requirement("CERN-OHL-S-2.0")
    assert not strong.allowed("CERN-OHL-S-2.0 OR MIT")
    assert strong.allowed("CERN-OHL-S-2.0 AND CC-BY-4.0")
    assert requirement("CERN-OHL-W-2.0").allowed("CERN-OHL-W-2.0 OR CERN-OHL-S-2.0")


def test_deprecated_and_lower_case_spellings_mean_the_current_identifier():
    assert canonical("mit") == "MIT"
    assert canonical("GPL-2.0") == "GPL-2.0-only"
    assert canonical("GPL-2.0+") == "GPL-2.0-or-later"
    assert canonical("LicenseRef-x") == "LicenseRef-x"
    assert requirement("gpl-3.0+").allows == {"GPL-3.0-only", "GPL-3.0-or-later"}
    assert requirement("cern-ohl-s-2.0").allowed("CERN-OHL-S-2.0")


def test_alternatives_read_and_before_or_and_drop_exceptions():
    assert alternatives("MIT OR Apache-2.0 AND CC-BY-4.0") == [
        {"MIT"},
        {"Apache-2.0", "CC-BY-4.0"},
    ]
    assert alternatives("(MIT OR Apache-2.0) AND CC-BY-4.0") == [
        {"MIT", "CC-BY-4.0"},
        {"Apache-2.0", "CC-BY-4.0"},
    ]
    assert alternatives("GPL-2.0-or-later WITH Classpath-exception-2.0") == [{"GPL-2.0-or-later"}]


def test_what_several_parts_allow_together():
    parts = [requirement(e) for e in ("CERN-OHL-W-2.0", "MIT", "CERN-OHL-S-2.0")]
    assert common(parts) == {"CERN-OHL-S-2.0"}
    assert common([requirement("MIT")]) is None
    assert common([requirement("CERN-OHL-S-2.0"), requirement("CC-BY-SA-4.0")]) == set()
    assert shown(frozenset({"CERN-OHL-W-2.0", "CERN-OHL-S-2.0"})) == (
        "CERN-OHL-S-2.0 or CERN-OHL-W-2.0"
    )
    assert shown(None) == "any licence"
