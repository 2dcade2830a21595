"""The printers ohw knows: `ohw fab --printer list`, and whether a part fits."""

from __future__ import annotations

from support.run import ohw_json, run_ohw

from ohw.fab.printers import PRINTERS, bed_printer


def test_printer_list_names_every_printer_with_its_build_volume():
    done = run_ohw("fab", "--printer", "list")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(PRINTERS)
    assert "prusa-mk4" in lines[0] and "Prusa MK4" in lines[0] and "250 × 210 × 220 mm" in lines[0]
    listed = ohw_json("printers", "fab", "--printer", "list", "--json")
    assert {p["name"]: tuple(p["volume"]) for p in listed["printers"]} == {
        name: printer.volume for name, printer in PRINTERS.items()
    }


def test_an_unknown_printer_points_to_the_list(lamp):
    done = run_ohw("fab", "--printer", "prusa-mk9", "--out", "kit", cwd=lamp)
    assert done.returncode == 2
    assert "ohw fab --printer list" in done.stderr
    assert not (lamp / "kit").exists()


def test_a_kit_needs_somewhere_to_go(lamp):
    done = run_ohw("fab", cwd=lamp)
    assert done.returncode == 2
    assert "--out" in done.stderr


def test_a_bed_is_named_in_millimetres_with_one_sign():
    assert bed_printer("300x200.5x50").title == "a 300 × 200.5 × 50 mm build volume"
