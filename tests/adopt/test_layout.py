"""Files read as parts: sources paired, choices grouped, what is no part set apart."""

from __future__ import annotations

from ohw.adopt.layout import PLATES, read_layout


def parts_by_file(files: list[str], readme: str = ""):
    layout = read_layout(files, readme)
    return layout, {p.export: p for p in layout.parts}


def test_sources_pair_by_name_across_parallel_folder_trees():
    layout, parts = parts_by_file([
        "CAD/Hotend Mounts/Standard/Dragon.step", "CAD/Hotend Mounts/Standard/Dragon.f3d",
        "CAD/Other/Dragon.step", "STLs/Hotend Mounts/Dragon.stl",
        "STLs/Hotend Mounts/Revo.stl", "CAD/Hotend Mounts/Standard/Revo.STEP",
        "parts/knob.scad", "parts/knob.stl", "CAD/assembly.step",
    ])  # fmt: skip
    assert parts["STLs/Hotend Mounts/Dragon.stl"].sources == [
        "CAD/Hotend Mounts/Standard/Dragon.f3d",
        "CAD/Hotend Mounts/Standard/Dragon.step",
    ]
    assert parts["parts/knob.stl"].sources == ["parts/knob.scad"]
    assert parts["STLs/Hotend Mounts/Revo.stl"].sources == ["CAD/Hotend Mounts/Standard/Revo.STEP"]
    assert "CAD/assembly.step" in layout.design_files


def test_a_folder_of_alternatives_is_one_choice():
    layout, parts = parts_by_file(
        [f"STLs/Hotend Mounts/{n}.stl" for n in ("Dragon", "Revo", "V6", "Rapido")]
        + ["STLs/frame_x2.stl"]
    )
    (choice,) = layout.choices
    assert choice.id == "hotend-mounts" and choice.options == ["dragon", "rapido", "revo", "v6"]
    assert all(parts[f"STLs/Hotend Mounts/{n}.stl"].choice == "hotend-mounts"
               for n in ("Dragon", "Revo"))  # fmt: skip
    assert parts["STLs/frame_x2.stl"].choice is None and parts["STLs/frame_x2.stl"].quantity == 2


def test_a_folder_of_parts_told_apart_by_side_is_no_choice():
    layout, _ = parts_by_file([f"STLs/Motor Mounts/motor_mount_{s}.stl" for s in ("left", "right")])
    assert layout.choices == []


def test_subfolders_of_a_choice_folder_are_options_of_several_parts():
    layout, parts = parts_by_file([
        "STLs/Printheads/dragon/front.stl", "STLs/Printheads/dragon/rear.stl",
        "STLs/Printheads/revo/front.stl", "STLs/Printheads/revo/rear_x2.stl",
    ])  # fmt: skip
    (choice,) = layout.choices
    assert choice.options == ["dragon", "revo"]
    assert parts["STLs/Printheads/revo/rear_x2.stl"].options == ["revo"]


def test_parallel_folders_are_variants_and_an_overlay_keeps_what_it_does_not_change():
    files = [
        f"{v}/stls/{n}.stl" for v in ("dibond", "sturdy") for n in ("x_carriage", "y_idler", "fan")
    ]
    files += ["dibond_E3D/stls/x_carriage.stl", "Prusa_retrofit/bracket.stl"]
    layout, parts = parts_by_file(files, "# Mendel\n\n[sturdy](x) or [dibond](y) are built.")
    (choice,) = layout.choices
    assert choice.id == "variant" and choice.options == ["dibond", "dibond-e3d", "sturdy"]
    assert choice.default == "sturdy"  # the README names it first
    assert parts["dibond/stls/fan.stl"].options == ["dibond", "dibond-e3d"]
    assert parts["dibond/stls/x_carriage.stl"].options == ["dibond"]
    assert parts["dibond_E3D/stls/x_carriage.stl"].options == ["dibond-e3d"]
    assert parts["Prusa_retrofit/bracket.stl"].choice is None


def test_sizes_in_parallel_folders_are_a_choice():
    files = [f"Skirt/{s}/{n}_{s}.stl" for s in (250, 300) for n in ("front", "side_x2")]
    layout, parts = parts_by_file([*files, "Skirt/logo.stl"])
    assert [(c.id, c.options) for c in layout.choices] == [("skirt", ["250", "300"])]
    assert parts["Skirt/logo.stl"].choice is None


def test_numbered_variants_offering_the_same_options_are_one_choice():
    layout, parts = parts_by_file([
        "Z/z_lower_2hole.stl", "Z/z_lower_3hole.stl", "XY/cable_bridge_2hole.stl",
        "XY/cable_bridge_3hole.stl", "bay/deck_support_3mm.stl", "bay/deck_support_4mm.stl",
        "Tools/10mm_drill_guide.stl", "Tools/140mm_drill_guide.stl",
    ])  # fmt: skip
    assert sorted((c.id, tuple(c.options)) for c in layout.choices) == [
        ("deck-support", ("3mm", "4mm")), ("holes", ("2hole", "3hole"))
    ]  # fmt: skip
    assert parts["XY/cable_bridge_3hole.stl"].options == ["3hole"]
    assert parts["Tools/10mm_drill_guide.stl"].role == "tool"
    assert parts["Tools/10mm_drill_guide.stl"].choice is None  # every tool helps


def test_superseded_plates_and_bought_parts_are_set_apart():
    layout, parts = parts_by_file([
        "STLs/superseded_parts/old_clip.stl", "experimental/mount.stl", "imported_stls/pi.stl",
        "stls/fixing_block.stl", "stls/bar_clamp.stl", "stls/printed/fixing_blocks.stl",
        "stls/printed/bar_clamps.stl", "stls/printed/cal.stl", "STLs/ptfe_rear_plate/plate.stl",
        "STLs/build_plates/all.3mf", "STLs/wire_cover.stl",
    ])  # fmt: skip
    apart = dict(layout.unused)
    assert apart["stls/printed/"] == PLATES and apart["STLs/build_plates/"] == PLATES
    assert apart["STLs/superseded_parts/"] == "superseded"
    assert "experimental/" in apart and "imported_stls/" in apart
    assert set(parts) == {"stls/fixing_block.stl", "stls/bar_clamp.stl",
                          "STLs/ptfe_rear_plate/plate.stl", "STLs/wire_cover.stl"}  # fmt: skip


def test_colours_optional_and_roles_from_names_and_folders():
    layout, parts = parts_by_file([
        "STLs/[a]_cover.stl", "STLs/body.stl", "STLs/accessories/lamp.stl", "STLs/Tools/jig.stl",
        "STLs/[z]_odd.stl", "Accent/badge.stl",
    ])  # fmt: skip
    assert parts["STLs/[a]_cover.stl"].colour == "accent"
    assert parts["STLs/body.stl"].colour == "primary"  # prefixes used: no prefix is primary
    assert parts["Accent/badge.stl"].colour == "accent"
    assert parts["STLs/accessories/lamp.stl"].optional
    assert parts["STLs/Tools/jig.stl"].role == "tool"
    assert any("[z]" in u.message for u in layout.undecided)


def test_a_3mf_beside_its_stl_is_its_project():
    _, parts = parts_by_file(["p/knob.stl", "p/knob.3mf", "p/wheel.3mf"])
    assert parts["p/knob.stl"].sources == ["p/knob.3mf"] and "p/wheel.3mf" in parts


def test_names_differing_by_a_last_word_are_said_to_be_maybe_alternatives():
    layout, _ = parts_by_file(["XY/xy_right.stl", "XY/xy_right_d2f.stl", "XY/xy_right_lid.stl"])
    said = [u.message for u in layout.undecided]
    assert len(said) == 1 and "xy_right_d2f.stl may be alternatives" in said[0]


def test_nothing_in_nothing_out():
    layout = read_layout([])
    assert (layout.parts, layout.choices, layout.unused, layout.design_files) == ([], [], [], [])
