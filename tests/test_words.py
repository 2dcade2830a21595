"""How ohw writes numbers for people (ohw.words), and that every command
writes them that way: one multiplication sign, counts in the right number,
sizes to a tenth of a millimetre."""

from __future__ import annotations

import re

import pytest
from support.designs import write_files
from support.meshes import binary_stl, box_facets
from support.run import git, run_ohw

from ohw.words import millimetres, plural, size_text


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 collapsed facets"), (1, "1 collapsed facet"), (2048, "2,048 collapsed facets")],
)
def test_a_count_takes_its_noun_in_the_right_number(count, expected):
    assert plural(count, "collapsed facet") == expected
    assert plural(1, "body", "bodies") == "1 body"
    assert plural(3, "body", "bodies") == "3 bodies"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (110.0, "110"),
        (23.7481, "23.7"),
        (58.04, "58"),
        (0.1234567, "0.12"),
        (0.004, "0"),
        (1234.56, "1,234.6"),
        (-0.004, "0"),
        (-0.04, "-0.04"),
    ],
)
def test_a_length_is_rounded_as_a_caliper_reads_it(value, expected):
    assert millimetres(value) == expected


def test_a_size_has_one_multiplication_sign():
    assert size_text((110.0, 23.7481, 6.0)) == "110 × 23.7 × 6 mm"
    assert size_text((1, 2, 3), unit=False) == "1 × 2 × 3"


_X_BETWEEN_NUMBERS = re.compile(r"\d x \d")
_LONG_DECIMALS = re.compile(r"\d\.\d{4,}")


def test_no_command_writes_x_for_times_nor_six_decimal_sizes(lamp, tmp_path):
    facets = box_facets((0, 0, 0), (0.0123456, 0.0234567, 0.0345678))
    write_files(lamp, {"parts/tiny.stl": binary_stl(facets)})
    bom = lamp / "bom.yaml"  # the items' own names write sizes with x: not ohw's words
    bom.write_text(bom.read_text().replace(" x ", " by "))
    git("commit", "-qam", "Items named without x", cwd=lamp)
    outputs = []
    for command in (
        ["mesh", "parts/base.stl", "parts/tiny.stl"],
        ["bom", "--units", "3"],
        ["bom", "--format", "md"],
        ["fab", "--out", tmp_path / "kit", "--bed", "200x200x50"],
        ["fab", "--printer", "list"],
        ["render", "base", "--out", tmp_path / "base.png"],
        ["diff"],
        ["check"],
    ):
        done = run_ohw(*command, cwd=lamp)
        assert done.returncode in (0, 1), (command, done.stderr)
        outputs.append(done.stdout)
    git("add", "-A", cwd=lamp)
    repaired = run_ohw("mesh", "repair", "parts/tiny.stl", "--out", tmp_path / "t.stl", cwd=lamp)
    outputs.append(repaired.stdout)
    text = "\n".join(outputs)
    assert "×" in text
    assert not _X_BETWEEN_NUMBERS.search(text), _X_BETWEEN_NUMBERS.search(text)
    assert not _LONG_DECIMALS.search(text), _LONG_DECIMALS.search(text)
    assert "the part is only 0.01 × 0.02 × 0.03 mm" in text
    assert "under 0.01 mm³" in text
