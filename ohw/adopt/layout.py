"""A repository's files read as the parts of a design, as its maintainers laid
them out: each mesh a part (its quantity, colour and role from its name and
folders), paired with its sources by name even across parallel folder trees,
alternatives grouped into choices, and what is no part (superseded parts,
printing plates, models of bought parts) set apart. What cannot be decided is
said, with where to say it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ohw.adopt.names import PRIMARY, NameReading, human_name, part_id, read_name, words_of
from ohw.design.paths import MESH_SUFFIXES

# Editable sources: OpenSCAD, STEP, FreeCAD, Fusion 360, SolidWorks, Inventor,
# IGES, Parasolid, Rhino, SketchUp, Blender, Onshape and Solid Edge exports.
SOURCE_SUFFIXES = (
    ".scad", ".step", ".stp", ".fcstd", ".f3d", ".f3z", ".sldprt", ".ipt", ".iges", ".igs",
    ".x_t", ".3dm", ".skp", ".blend", ".par", ".brep", ".ifc",
)  # fmt: skip
PROJECT_SUFFIX = ".3mf"  # a slicer or CAD project when an STL of the same name is beside it

# Folder words that set a whole folder apart, and why (said in `unused`).
_SET_APART = {
    "superseded": "superseded",
    "deprecated": "superseded",
    "obsolete": "superseded",
    "old": "superseded",
    "outdated": "superseded",
    "legacy": "superseded",
    "archive": "superseded",
    "archived": "superseded",
    "retired": "superseded",
    "previous": "superseded",
    "backup": "superseded",
    "unused": "unused",
    "experimental": "experimental: not part of the build",
    "wip": "experimental: not part of the build",
    "untested": "experimental: not part of the build",
    "test": "test prints",
    "tests": "test prints",
    "calibration": "test prints",
    "imported": "models of bought parts or of other designs, not printed",
    "vitamins": "models of bought parts or of other designs, not printed",
    "reference": "models of bought parts or of other designs, not printed",
    "references": "models of bought parts or of other designs, not printed",
    "renders": "pictures",
}
_PLATE_WORDS = frozenset({"plate", "plates", "plated"})
_PLATE_FOLDER_WORDS = _PLATE_WORDS | {"print", "printing", "build", "bed"}
PLATES = "printing plates: parts laid out to print together, listed one by one elsewhere"
_OPTIONAL_FOLDERS = frozenset(
    {"optional", "accessories", "accessory", "extras", "extra", "addons", "addon", "mods",
     "upgrades"}
)  # fmt: skip
_TOOL_FOLDERS = frozenset({"tools", "tool", "jigs", "jig"})
_COLOUR_FOLDERS = {
    "accent": "accent",
    "accents": "accent",
    "primary": PRIMARY,
    "clear": "clear",
    "transparent": "clear",
    "opaque": "opaque",
}
# Folder words that offer alternatives: one of the meshes (or subfolders) is built.
_CHOICE_FOLDERS = frozenset(
    {"mounts", "adapters", "options", "option", "alternatives", "alternative", "variants",
     "variant", "choices", "printheads", "hotends", "toolheads", "extruders", "versions", "sizes"}
)  # fmt: skip
# Alternatives to parts elsewhere, which a build need not make at all.
_OTHER_WORDS = frozenset({"other", "alt", "alternative", "alternatives"})
# Words that tell parts of one assembly apart: parts differing by them are all built.
_POSITION_WORDS = frozenset(
    {"left", "right", "front", "rear", "back", "top", "bottom", "upper", "lower", "middle",
     "center", "centre", "inner", "outer", "side", "lid", "base", "cover", "body", "a", "b", "c",
     "d", "e", "l", "r", "lh", "rh", "lhs", "rhs", "male", "female", "inside", "outside",
     "insert", "cap", "spacer"}
)  # fmt: skip
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)?)([a-z]+)$")  # 2hole, 3mm: a numbered variant


@dataclass
class ProposedPart:
    export: str
    reading: NameReading
    id: str = ""
    sources: list[str] = field(default_factory=list)
    quantity: int | None = None
    quantity_from: str | None = None  # "its name", or the BOM file that counts it
    colour: str | None = None
    optional: bool = False
    role: str | None = None
    choice: str | None = None
    options: list[str] = field(default_factory=list)

    @property
    def folder(self) -> str:
        return posix_parent(self.export)

    @property
    def key(self) -> str:
        """The name a source of the part would have: its words, lower case."""
        return "_".join(words_of(self.reading.stem))


@dataclass
class ProposedChoice:
    id: str
    title: str
    options: list[str]
    default: str
    why_default: str


@dataclass(frozen=True)
class Undecided:
    """What ohw could not decide, and where in ohw.yaml to say it."""

    message: str
    where: str


@dataclass
class Layout:
    parts: list[ProposedPart] = field(default_factory=list)
    choices: list[ProposedChoice] = field(default_factory=list)
    unused: list[tuple[str, str]] = field(default_factory=list)  # path (folder ends in /), why
    design_files: list[str] = field(default_factory=list)  # sources of no one part
    undecided: list[Undecided] = field(default_factory=list)


def posix_parent(path: str) -> str:
    parent = str(PurePosixPath(path).parent)
    return "" if parent == "." else parent


def _folders(path: str) -> list[str]:
    """The folders of ``path``, outermost first: a/b/c.stl -> a, a/b."""
    names = path.split("/")[:-1]
    return ["/".join(names[: i + 1]) for i in range(len(names))]


def _name(folder: str) -> str:
    return folder.rsplit("/", 1)[-1]


def read_layout(files: Iterable[str], readme: str = "") -> Layout:
    """The parts of a design whose files (paths, relative to its folder) are ``files``;
    ``readme`` (its text) tells which option of a choice the maintainers name first."""
    paths = sorted(files)
    layout = Layout()
    meshes = [p for p in paths if p.lower().endswith(MESH_SUFFIXES)]
    mesh_keys = {(posix_parent(p), _key(p)) for p in meshes if not _is_project(p)}
    # A 3MF beside an STL or OBJ of the same name is its project, not another part.
    projects = {p for p in meshes if _is_project(p) and (posix_parent(p), _key(p)) in mesh_keys}
    meshes = [p for p in meshes if p not in projects]
    sources = [p for p in paths if p.lower().endswith(SOURCE_SUFFIXES) or p in projects]
    meshes = _set_apart(meshes, layout)
    apart = [folder for folder, _ in layout.unused]
    sources = [s for s in sources if not any(s.startswith(f) for f in apart)]
    parts = [ProposedPart(mesh, read_name(mesh)) for mesh in meshes]
    _read_folders(parts, layout)
    _parallel_folders(parts, layout, readme)
    _choice_folders(parts, layout, readme)
    _numbered_variants(parts, layout, readme)
    _pair_sources(parts, sources, layout)
    _alternatives_undecided(parts, layout)
    layout.parts = parts
    return layout


def _key(path: str) -> str:
    return "_".join(words_of(read_name(path).stem))


def _is_project(path: str) -> bool:
    return path.lower().endswith(PROJECT_SUFFIX)


def _set_apart(meshes: list[str], layout: Layout) -> list[str]:
    """``meshes`` without those in folders that hold no parts (superseded, tests,
    models of bought parts) or only printing plates, which go to ``layout.unused``."""
    apart: dict[str, str] = {}
    for mesh in meshes:
        for folder in _folders(mesh):
            if any(f == folder or folder.startswith(f + "/") for f in apart):
                break
            reason = next((_SET_APART[w] for w in words_of(_name(folder)) if w in _SET_APART),
                          None)  # fmt: skip
            if reason is None and _is_plate_folder(folder, meshes):
                reason = PLATES
            if reason is not None:
                apart[folder] = reason
                break
    # A folder laid out as one found to hold plates (each variant's stls/printed/) holds them too.
    plated = {_tail(f) for f, reason in apart.items() if reason == PLATES and "/" in f}
    for mesh in meshes:
        folder = posix_parent(mesh)
        if folder and _tail(folder) in plated and not any(mesh.startswith(f + "/") for f in apart):
            apart[folder] = PLATES
    layout.unused += [(folder + "/", reason) for folder, reason in sorted(apart.items())]
    return [m for m in meshes if not any(m.startswith(f + "/") for f in apart)]


def _tail(folder: str) -> str:
    """A folder's last two names, lower case: where it lies in its tree."""
    return "/".join(folder.lower().split("/")[-2:])


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _is_plate_folder(folder: str, meshes: list[str]) -> bool:
    """Whether ``folder`` holds printing plates: named so, or a folder without
    folders whose meshes are, by name, mostly collections of the meshes beside it
    (Mendel90's stls/printed/fixing_blocks.stl of stls/fixing_block.stl)."""
    words = set(words_of(_name(folder)))
    if words & _PLATE_WORDS and words <= _PLATE_FOLDER_WORDS:  # plates/, build_plates/
        return True
    inside = [m for m in meshes if posix_parent(m) == folder]
    if not inside or any(m.startswith(folder + "/") and m not in inside for m in meshes):
        return False
    beside = [
        {_singular(w) for w in words_of(read_name(m).stem)}
        for m in meshes
        if posix_parent(m) == posix_parent(folder)
    ]
    collections = 0
    for mesh in inside:
        stem_words = words_of(read_name(mesh).stem)
        plural = bool(stem_words) and stem_words[-1].endswith("s")
        singular = {_singular(w) for w in stem_words}
        if any(singular == other or (plural and singular <= other) for other in beside):
            collections += 1
    return collections * 2 >= len(inside)


def _read_folders(parts: list[ProposedPart], layout: Layout) -> None:
    """Quantity, colour, optional and role from each part's name and folders."""
    uses_prefixes = any(p.reading.colour is not None for p in parts)
    for part in parts:
        words = {w for folder in _folders(part.export) for w in words_of(_name(folder))}
        part.quantity = part.reading.quantity
        part.quantity_from = "its name" if part.quantity is not None else None
        part.optional = part.reading.optional or bool(words & _OPTIONAL_FOLDERS)
        part.role = "tool" if words & _TOOL_FOLDERS else None
        folder_colour = next((_COLOUR_FOLDERS[w] for w in words if w in _COLOUR_FOLDERS), None)
        part.colour = part.reading.colour or folder_colour
        if part.colour is None and uses_prefixes:
            part.colour = PRIMARY  # where prefixes mark colours, no prefix is the main colour
        if part.reading.unknown_prefix:
            layout.undecided.append(
                Undecided(
                    f"{part.export}: the prefix {part.reading.unknown_prefix} is no colour "
                    "ohw knows ([a] accent, [c] clear, [o] opaque)",
                    f"parts: {part.export}: colour",
                )
            )


# --- choices -------------------------------------------------------------------------


def _default(options: list[str], readme: str) -> tuple[str, str]:
    """The option the README names first (as a word), else the first by name."""
    words = words_of(readme.split("\n", 1)[-1])  # its title names the design, not an option
    position = {w: i for i, w in reversed(list(enumerate(words)))}
    named = [o for o in options if all(w in position for w in words_of(o))]
    if named:
        first = min(named, key=lambda o: position[words_of(o)[0]])
        return first, "the README names it first"
    return options[0], "the first by name"


def _unique_choice_id(wanted: str, layout: Layout) -> str:
    taken = {c.id for c in layout.choices}
    found, number = wanted, 2
    while found in taken:
        found, number = f"{wanted}-{number}", number + 1
    return found


def _add_choice(
    layout: Layout, wanted_id: str, title: str, members: dict[str, list[ProposedPart]],
    readme: str,
) -> None:  # fmt: skip
    """A choice whose options (by name) are the parts given for each."""
    options = sorted(members)
    default, why = _default(options, readme)
    group = _unique_choice_id(wanted_id, layout)
    layout.choices.append(ProposedChoice(group, title, options, default, why))
    for option, parts in members.items():
        for part in parts:
            part.choice = group
            if option not in part.options:
                part.options.append(option)


def _signatures(parts: list[ProposedPart], folder: str) -> set[str]:
    """The meshes under ``folder``, by path below it with the folder's own name
    taken out of their names (Skirt/250/side_skirt_250.stl: side_skirt)."""
    own = set(words_of(_name(folder)))
    found = set()
    for part in parts:
        if part.export.startswith(folder + "/"):
            below = part.export[len(folder) + 1 :]
            words = [w for w in words_of(part.reading.stem) if w not in own]
            found.add(posix_parent(below) + "/" + "_".join(words))
    return found


def _parallel_folders(parts: list[ProposedPart], layout: Layout, readme: str) -> None:
    """Sibling folders laid out alike are alternatives: Mendel90's machine
    variants (dibond/, mendel/, sturdy/), a printer's sizes (Skirt/250/, 300/).
    A folder named after another and holding fewer of the same files changes only
    those (dibond_E3D/ of dibond/): its option keeps the rest of the other's."""
    folders = sorted({f for p in parts for f in _folders(p.export)}, key=lambda f: f.count("/"))
    grouped: set[str] = set()
    for parent in ["", *folders]:
        if any(parent == g or parent.startswith(g + "/") for g in grouped):
            continue
        children = sorted(
            f
            for f in folders
            if posix_parent(f) == parent and not _OTHER_WORDS & set(words_of(_name(f)))
        )
        signatures = {c: _signatures(parts, c) for c in children}
        alike = [
            c
            for c in children
            if any(_overlap(signatures[c], signatures[o]) for o in children if o != c)
        ]
        if len(alike) < 2:
            continue
        overlays = {
            c: base
            for c in alike
            for base in alike
            if base != c
            and _name(c).lower().startswith(_name(base).lower())
            and signatures[c] < signatures[base] | signatures[c]
            and len(signatures[c]) < len(signatures[base])
        }
        members: dict[str, list[ProposedPart]] = defaultdict(list)
        for child in alike:
            option = part_id(_name(child))
            inside = [p for p in parts if p.export.startswith(child + "/")]
            members[option] += inside
            base = overlays.get(child)
            if base is not None:  # the base's parts this folder does not replace
                replaced = signatures[child]
                members[option] += [
                    p for p in parts
                    if p.export.startswith(base + "/")
                    and _signatures([p], base) <= signatures[base] - replaced
                ]  # fmt: skip
        name = _name(parent) if parent else "variant"
        title = human_name(_name(parent)) if parent else "Machine variant"
        _add_choice(layout, part_id(name), title, members, readme)
        grouped.update(alike)


def _overlap(one: set[str], other: set[str]) -> bool:
    return bool(one and other) and len(one & other) * 2 >= min(len(one), len(other))


def _choice_folders(parts: list[ProposedPart], layout: Layout, readme: str) -> None:
    """A folder named for alternatives (Hotend Mounts/, controller_mounts/,
    Printheads/) offers one of its meshes, or of its subfolders. Named "other"
    (other_ps_mounts/), its parts are alternatives to parts elsewhere: optional."""
    folders = sorted({f for p in parts if p.choice is None for f in _folders(p.export)})
    for folder in folders:
        words = set(words_of(_name(folder)))
        if not words & _CHOICE_FOLDERS:
            continue
        inside = [p for p in parts if p.export.startswith(folder + "/") and p.choice is None]
        direct = [p for p in inside if p.folder == folder]
        subfolders = sorted({p.export[len(folder) + 1 :].split("/")[0] for p in inside
                             if p not in direct})  # fmt: skip
        members: dict[str, list[ProposedPart]] = {}
        if direct and not subfolders:
            members = {p.reading.stem: [p] for p in direct}
        elif subfolders and not direct:
            members = {
                s: [p for p in inside if p.export.startswith(f"{folder}/{s}/")] for s in subfolders
            }
        if len(members) < 2 or _told_apart_by_position([p for m in members.values() for p in m]):
            continue
        if words & _OTHER_WORDS:
            for part in inside:
                part.optional = True
            layout.undecided.append(
                Undecided(
                    f"{folder}/ holds alternatives to parts elsewhere: made optional",
                    "parts: optional, or choice: with the parts they replace",
                )
            )
            continue
        _add_choice(layout, part_id(_name(folder)), human_name(_name(folder)),
                    {part_id(o): ps for o, ps in members.items()}, readme)  # fmt: skip


def _told_apart_by_position(parts: list[ProposedPart]) -> bool:
    """Whether parts' names differ only by words like left, rear or lid: parts
    of one assembly, all built, not alternatives."""
    word_sets = [set(words_of(p.reading.stem)) for p in parts]
    common = set.intersection(*word_sets) if word_sets else set()
    return any(words - common and words - common <= _POSITION_WORDS for words in word_sets)


def _numbered_variants(parts: list[ProposedPart], layout: Layout, readme: str) -> None:
    """Parts in one folder whose names differ by one numbered word of the same
    kind (z_lower_2hole, z_lower_3hole; deck_support_3mm, deck_support_4mm) are
    alternatives; groups offering the same options are one choice (the 2-hole or
    3-hole cable chain, wherever its parts are)."""
    variants: dict[tuple[str, str, str], dict[str, list[ProposedPart]]] = defaultdict(dict)
    for part in parts:
        if part.choice is not None or part.role == "tool":  # all tools help; none is chosen
            continue
        words = words_of(part.reading.stem)
        for i, word in enumerate(words):
            numbered = _NUMBERED.match(word)
            if numbered:
                pattern = "_".join([*words[:i], "#" + numbered.group(2), *words[i + 1 :]])
                variant = variants[(part.folder, pattern, numbered.group(2))]
                variant.setdefault(word, []).append(part)
                break
    by_options: dict[tuple[str, tuple[str, ...]], list[tuple[str, dict[str, list[ProposedPart]]]]]
    by_options = defaultdict(list)
    for (_, pattern, unit), members in variants.items():
        if len(members) >= 2:
            by_options[(unit, tuple(sorted(members)))].append((pattern, members))
    for (unit, _), found in by_options.items():
        merged: dict[str, list[ProposedPart]] = defaultdict(list)
        for _, members in found:
            for option, option_parts in members.items():
                merged[option] += option_parts
        if len(found) == 1:
            pattern = found[0][0]
            stem = "_".join(w for w in pattern.split("_") if not w.startswith("#"))
            wanted, title = part_id(stem), human_name(stem)
        else:
            wanted, title = part_id(unit + "s"), f"Variant ({unit})"
        _add_choice(layout, wanted, title, merged, readme)


def _alternatives_undecided(parts: list[ProposedPart], layout: Layout) -> None:
    """Parts in one folder whose names differ by one last word (xy_right and
    xy_right_d2f) may be alternatives, or all be built: said, not decided."""
    by_stem = {(p.folder, p.key): p for p in parts}
    for part in parts:
        words = part.key.split("_")
        shorter = by_stem.get((part.folder, "_".join(words[:-1])))
        if (
            shorter is None
            or len(words) < 3
            or words[-1] in _POSITION_WORDS
            or part.choice is not None
            or shorter.choice is not None
            or shorter.colour != part.colour
            or "bom" in (part.quantity_from or "") + (shorter.quantity_from or "")
        ):
            continue
        layout.undecided.append(
            Undecided(
                f"{shorter.export} and {part.export} may be alternatives: both are listed",
                "parts: choice: GROUP on both, if a build makes one of them",
            )
        )


# --- sources -------------------------------------------------------------------------


def _shared_folders(one: str, other: str) -> int:
    return len({w.lower() for w in one.split("/")} & {w.lower() for w in other.split("/")})


def _pair_sources(parts: list[ProposedPart], sources: list[str], layout: Layout) -> None:
    """Each part's sources: the source files of its name, in the folder nearest
    its own by the folder names they share (CAD/Hotend Mounts/Standard/X.step for
    STLs/Hotend Mounts/X.stl). Sources of no one part are the design's files."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for source in sources:
        by_key[_key(source)].append(source)
    paired: set[str] = set()
    for part in parts:
        candidates = by_key.get(part.key, [])
        if not candidates:
            continue
        best = max(
            candidates,
            key=lambda s: (_shared_folders(posix_parent(s), part.folder), -s.count("/")),
        )
        folder = posix_parent(best)
        part.sources = [s for s in candidates if posix_parent(s) == folder]
        paired.update(part.sources)
    layout.design_files = _collapsed([s for s in sources if s not in paired], paired)


def _collapsed(unpaired: list[str], paired: set[str]) -> list[str]:
    """``unpaired`` with every folder none of whose sources is paired named once
    (scad/ for Mendel90's libraries) instead of file by file."""
    found: list[str] = []
    for path in unpaired:
        whole = next(
            (f for f in _folders(path) if not any(p.startswith(f + "/") for p in paired)), None
        )
        entry = whole + "/" if whole is not None else path
        if entry not in found:
            found.append(entry)
    return found
