"""What changed in a design between two revisions, by meaning: parts and BOM
items by id, manifest fields by name, meshes by volume and size.

Both sides are read through the same design reader (ohw.storage.tree), so a commit and
the working tree are compared alike. Content ids come first: a manifest, BOM or
mesh whose blob id did not change is not read, a mesh that did is analysed
once and cached by content, and the parsed manifest and BOM are cached by
content too, so that `ohw log` over hundreds of commits reads each version of
each file once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from ohw.design.bom.items import bom_cost
from ohw.design.manifest import part_files
from ohw.design.paths import MANIFEST, is_mesh, normalize, path_problem
from ohw.design.reader import ContentReader, bom_kind
from ohw.errors import OhwError
from ohw.merge.plan import ITEM_KEYS, MISSING, Combine, Plan, Take, plan_merge
from ohw.mesh.batch import MeshResult, analyse_sources, content_ids, design_sources
from ohw.mesh.source import MeshSource
from ohw.mesh.topology import MeshReport
from ohw.storage.cache import cache_directory
from ohw.storage.tree import DesignTree, Kind, WorkingTree
from ohw.storage.yaml.document import JsonPath

Status = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after; MISSING where it was not there.
    ``field`` is the way down to it: ("print", "infill"), or
    ("suppliers", "Reichelt elektronik", "unit-price"); () for a whole item."""

    field: tuple[str, ...]
    old: Any
    new: Any
    member: bool = False  # a value added to or removed from a list of plain values (a set)


@dataclass(frozen=True)
class MeshSide:
    """A mesh file on one side: its analysis, or why it cannot be read."""

    path: str
    report: MeshReport | None
    error: str | None


@dataclass(frozen=True)
class MeshChange:
    """A part's mesh file whose content changed (None: not there on that side)."""

    old: MeshSide | None
    new: MeshSide | None

    @property
    def volume_change(self) -> float | None:
        """In mm³, where both sides could be read."""
        if self.old and self.new and self.old.report and self.new.report:
            return self.new.report.volume - self.old.report.volume
        return None

    @property
    def size_change(self) -> tuple[float, float, float] | None:
        """Of the bounding box along x, y and z, in mm."""
        if self.old and self.new and self.old.report and self.new.report:
            old, new = self.old.report.size, self.new.report.size
            return (new[0] - old[0], new[1] - old[1], new[2] - old[2])
        return None


@dataclass(frozen=True)
class ItemChange:
    """A part or a BOM item, by id: added or removed (one change of the whole
    item, ``field`` ()), or changed field by field."""

    id: str
    status: Status
    fields: tuple[FieldChange, ...]
    meshes: tuple[MeshChange, ...] = ()


@dataclass(frozen=True)
class CostChange:
    """The BOM's total in one currency (None where no item is priced in it)."""

    currency: str
    old: Decimal | None
    new: Decimal | None


@dataclass(frozen=True)
class DesignDiff:
    old_label: str  # "commit 1a2b3c4", "working tree", or "nothing"
    new_label: str
    old_revision: str | None
    new_revision: str | None
    manifest: tuple[FieldChange, ...] = ()
    parts: tuple[ItemChange, ...] = ()
    bom: tuple[ItemChange, ...] = ()
    cost: tuple[CostChange, ...] = ()
    notes: tuple[str, ...] = ()  # what could not be compared, and why
    new_design: bool = False  # the old side had no manifest: the design begins here

    @property
    def empty(self) -> bool:
        return not (self.manifest or self.parts or self.bom or self.cost or self.notes)


def value_changes(old: Any, new: Any) -> list[FieldChange]:
    """Every place where ``new`` differs from ``old``, found by the merge's own
    plan (ours and base being ``old``): lists of mappings compared item by
    item by their identifying field, lists of plain values as sets."""
    plan, _ = plan_merge(old, old, new, rename={}, keep_ours_text=True)
    found: list[FieldChange] = []
    _collect(plan, (), (), (old, new), found)
    return found


def _collect(
    plan: Plan,
    where: tuple[str, ...],
    ours: JsonPath | None,
    sides: tuple[Any, Any],
    found: list[FieldChange],
    *,
    set_item: bool = False,
) -> None:
    old, new = sides
    if isinstance(plan, Take):
        if plan.side == "theirs":
            before = MISSING if ours is None else _at(old, ours)
            after = MISSING if plan.path is None else _at(new, plan.path)
            found.append(FieldChange(where, before, after, member=set_item))
        return
    assert isinstance(plan, Combine)  # base and ours are the same: nothing conflicts
    for entry in plan.entries:
        taken = entry.plan
        plain = (  # a value added to a list of plain values (a set): no id to name
            plan.is_list
            and isinstance(taken, Take)
            and taken.path is not None
            and not isinstance(_at(new, taken.path), dict)
        )
        inner = where if plain else (*where, str(entry.key))
        _collect(taken, inner, entry.ours, sides, found, set_item=plain)
    for path in plan.removed:
        value = _at(old, path)
        member = plan.is_list and not isinstance(value, dict)
        label = (_item_label(value),) if plan.is_list and not member else ()
        key = () if plan.is_list else (str(path[-1]),)
        found.append(FieldChange((*where, *label, *key), value, MISSING, member=member))


def _item_label(item: dict[str, Any]) -> str:
    return next((item[k] for k in ITEM_KEYS if isinstance(item.get(k), str)), "?")


def _at(data: Any, path: JsonPath) -> Any:
    for key in path:
        data = data[key]
    return data


# --- reading a side -----------------------------------------------------------------


@dataclass
class _Side:
    """What the differ reads of one side: None where there is nothing to read."""

    label: str
    revision: str | None
    manifest_id: str | None = None
    manifest: dict[str, Any] | None = None
    unreadable: bool = False  # the manifest is there but cannot be read
    bom_id: str | None = None
    bom: list[Any] | None = None
    notes: list[str] = field(default_factory=list)
    part_meshes: dict[str, list[str]] = field(default_factory=dict)  # mesh files by part id


_NOTHING = "nothing"


class DesignReader:
    """Reads and compares designs, remembering what it parsed and analysed: one
    reader for a whole `ohw log` reads each version of each file once."""

    def __init__(self, cache_directory: Path) -> None:
        self.cache_directory = cache_directory
        self.files = ContentReader(cache_directory)
        self._meshes: dict[str, MeshResult] = {}
        self._sides: dict[str, _Side] = {}  # by the design folder's tree id

    def diff(self, old: DesignTree | None, new: DesignTree | None) -> DesignDiff:
        """How ``new`` differs from ``old`` (None: a design that did not exist)."""
        labels = (
            old.label if old else _NOTHING,
            new.label if new else _NOTHING,
            old.revision if old else None,
            new.revision if new else None,
        )
        if old and new and old.folder_id() is not None and old.folder_id() == new.folder_id():
            return DesignDiff(*labels)
        a, b = self._side(old), self._side(new)
        notes = [*a.notes, *b.notes]
        manifest: list[FieldChange] = []
        parts: list[ItemChange] = []
        bom: list[ItemChange] = []
        cost: list[CostChange] = []
        if not (a.unreadable or b.unreadable):
            if a.manifest_id != b.manifest_id:
                changes = value_changes(a.manifest or {}, b.manifest or {})
                manifest = [c for c in changes if c.field[:1] not in (("parts",), ("bom",))]
                manifest += [c for c in changes if c.field == ("bom",) and _both_paths(c)]
                parts = _items([c for c in changes if c.field[:1] == ("parts",)], "parts", notes)
            parts = self._with_meshes(parts, old, new, a, b)
        if a.bom_id != b.bom_id and a.bom is not None and b.bom is not None:
            changes = value_changes({"items": a.bom}, {"items": b.bom})
            bom = _items(changes, "BOM", notes)
            cost = _cost_changes(a.bom, b.bom)
        begins = a.manifest_id is None and b.manifest is not None
        return DesignDiff(*labels, tuple(manifest), tuple(parts), tuple(bom), tuple(cost),
                          tuple(notes), new_design=begins)  # fmt: skip

    def _side(self, tree: DesignTree | None) -> _Side:
        """A side, read once per design folder content: in a log, each commit is
        the new side of one comparison and the old side of the next."""
        if tree is None:
            return _Side(_NOTHING, None, bom=[])
        key = tree.folder_id()
        if key is not None and key in self._sides:
            side = self._sides[key]
            notes = [n.replace(side.label, tree.label) for n in side.notes]
            return dataclasses.replace(side, label=tree.label, revision=tree.revision, notes=notes)
        side = self._read_side(tree)
        if key is not None:
            self._sides[key] = side
        return side

    def _read_side(self, tree: DesignTree) -> _Side:
        """The manifest and BOM as written, valid or not: a diff shows what changed
        in a design that does not pass its checks too."""
        side = _Side(tree.label, tree.revision)
        manifest = self.files.design(tree).manifest_file
        if manifest is None:
            side.bom = []
            return side
        side.manifest_id = manifest.content_id
        if not isinstance(manifest.data, dict):
            side.unreadable = True
            why = manifest.unreadable or "no mapping"
            side.notes.append(f"{MANIFEST} cannot be read at {tree.label}: {why}")
            return side
        data = side.manifest = manifest.data
        side.part_meshes = _part_meshes(tree, data)
        written = data.get("bom")
        if isinstance(written, list):
            side.bom_id, side.bom = f"{side.manifest_id}:bom", written
        elif not isinstance(written, str):
            side.bom = []
        elif path_problem(written) is not None or not tree.exists(normalize(written)):
            side.notes.append(f"the BOM file {written} is missing at {tree.label}")
        else:
            path = normalize(written)
            bom = self.files(tree, path, bom_kind(path))
            side.bom_id = bom.content_id
            if not isinstance(bom.data, dict):
                why = bom.unreadable or "no mapping"
                side.notes.append(f"the BOM {path} cannot be read at {tree.label}: {why}")
            else:
                found = bom.data.get("items")
                side.bom = found if isinstance(found, list) else []
        return side

    def _with_meshes(
        self,
        parts: list[ItemChange],
        old: DesignTree | None,
        new: DesignTree | None,
        a: _Side,
        b: _Side,
    ) -> list[ItemChange]:
        """``parts`` with the changed meshes of every part both sides have."""
        old_meshes, new_meshes = a.part_meshes, b.part_meshes
        common = [p for p in old_meshes if p in new_meshes]
        if old is None or new is None or not common:
            return parts
        old_ids = self._ids(old, sorted({m for p in common for m in old_meshes[p]}))
        new_ids = self._ids(new, sorted({m for p in common for m in new_meshes[p]}))
        pairs: dict[str, list[tuple[str | None, str | None]]] = {}
        for part in common:
            found = _pair(old_meshes[part], new_meshes[part], old_ids, new_ids)
            if found:
                pairs[part] = found
        if not pairs:
            return parts
        wanted_old = sorted({o for found in pairs.values() for o, _ in found if o})
        wanted_new = sorted({n for found in pairs.values() for _, n in found if n})
        analysed_old = self._analyse(old, wanted_old, old_ids)
        analysed_new = self._analyse(new, wanted_new, new_ids)
        meshes = {
            part: tuple(
                MeshChange(
                    _mesh_side(o, analysed_old) if o else None,
                    _mesh_side(n, analysed_new) if n else None,
                )
                for o, n in found
            )
            for part, found in pairs.items()
        }
        result = [
            ItemChange(c.id, c.status, c.fields, meshes.pop(c.id, ())) if c.status == "changed"
            else c
            for c in parts
        ]  # fmt: skip
        result += [ItemChange(part, "changed", (), found) for part, found in meshes.items()]
        order = {part: n for n, part in enumerate(new_meshes)}
        return sorted(result, key=lambda c: order.get(c.id, len(order)))

    def _ids(self, tree: DesignTree, names: list[str]) -> dict[str, str]:
        if not isinstance(tree, WorkingTree):
            return {name: tree.blob_id(name) or "" for name in names}
        from ohw.storage.vcs.repository import unchanged_blob_ids

        known = unchanged_blob_ids(tree.root, names)
        rest = [name for name in names if name not in known]
        sources = design_sources(tree, rest)
        return known | dict(zip(rest, content_ids(sources, self.cache_directory), strict=True))

    def _analyse(
        self, tree: DesignTree, names: list[str], ids: dict[str, str]
    ) -> dict[str, MeshResult]:
        missing = [name for name in names if ids[name] not in self._meshes]
        sources = [
            MeshSource(s.name, path=s.path, blob=ids[s.name], load=s.load)
            for s in design_sources(tree, missing)
        ]
        for source, result in zip(
            sources, analyse_sources(sources, self.cache_directory), strict=True
        ):
            self._meshes[ids[source.name]] = result
        return {name: self._meshes[ids[name]] for name in names}


def _both_paths(change: FieldChange) -> bool:
    return isinstance(change.old, str) and isinstance(change.new, str)


def _items(changes: list[FieldChange], what: str, notes: list[str]) -> list[ItemChange]:
    """Changes under a list of items, grouped by item id in their order."""
    found: dict[str, list[FieldChange]] = {}
    statuses: dict[str, Status] = {}
    for change in _whole_lists(changes):
        if len(change.field) < 2:  # the list could not be compared item by item
            notes.append(f"the {what} cannot be compared item by item: an id is missing or twice")
            continue
        item, rest = change.field[1], change.field[2:]
        status: Status = "changed"
        if not rest and change.old is MISSING:
            status = "added"
        elif not rest and change.new is MISSING:
            status = "removed"
        statuses[item] = status
        found.setdefault(item, []).append(dataclasses.replace(change, field=rest))
    return [ItemChange(item, statuses[item], tuple(fields)) for item, fields in found.items()]


def _whole_lists(changes: list[FieldChange]) -> list[FieldChange]:
    """``changes`` with a whole list of items added or removed (a manifest that
    gains its first parts) said item by item."""
    found = []
    for change in changes:
        whole = change.new if change.old is MISSING else change.old
        items = whole if len(change.field) == 1 and isinstance(whole, list) else None
        if items is not None and MISSING in (change.old, change.new) and _all_named(items):
            added = change.old is MISSING
            found += [
                FieldChange((*change.field, item["id"]), MISSING if added else item,
                            item if added else MISSING)
                for item in items
            ]  # fmt: skip
        else:
            found.append(change)
    return found


def _all_named(items: list[Any]) -> bool:
    ids = [item.get("id") if isinstance(item, dict) else None for item in items]
    return all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids)


def _cost_changes(old: list[Any], new: list[Any]) -> list[CostChange]:
    before, after = bom_cost(old).totals, bom_cost(new).totals
    return [
        CostChange(currency, before.get(currency), after.get(currency))
        for currency in sorted(before.keys() | after.keys())
        if before.get(currency) != after.get(currency)
    ]


def _part_meshes(tree: DesignTree, manifest: dict[str, Any]) -> dict[str, list[str]]:
    """Each part's mesh files that are there, as resolved design paths."""
    if not isinstance(manifest.get("parts"), list):
        return {}
    found: dict[str, list[str]] = {}
    for part in manifest["parts"]:
        if not isinstance(part, dict) or not isinstance(part.get("id"), str):
            continue
        paths = []
        for written in part_files(part):
            if is_mesh(written) and path_problem(written) is None:
                entry = tree.resolve(normalize(written))
                if entry.kind is Kind.FILE and entry.path not in paths:
                    paths.append(entry.path)
        found.setdefault(part["id"], paths)
    return found


def _pair(
    old: list[str], new: list[str], old_ids: dict[str, str], new_ids: dict[str, str]
) -> list[tuple[str | None, str | None]]:
    """A part's meshes whose content changed, old and new side: the same path on
    both sides, else (a renamed file) the one left on each side."""
    pairs: list[tuple[str | None, str | None]] = [
        (path, path) for path in old if path in new and old_ids[path] != new_ids[path]
    ]
    gone = [p for p in old if p not in new]
    came = [p for p in new if p not in old]
    if len(gone) == 1 and len(came) == 1:
        if old_ids[gone[0]] != new_ids[came[0]]:
            pairs.append((gone[0], came[0]))
    else:
        pairs += [(p, None) for p in gone] + [(None, p) for p in came]
    return pairs


def _mesh_side(path: str, results: dict[str, MeshResult]) -> MeshSide:
    result = results[path]
    return MeshSide(path, result.report, result.error)


def design_trees(folder: Path, old: str | None, new: str | None) -> tuple[DesignTree, DesignTree]:
    """The design in ``folder`` at ``old`` (default HEAD) and at ``new``
    (default: the working tree)."""
    from ohw.storage.vcs.repository import commit_tree

    before = commit_tree(folder, old or "HEAD")
    after = commit_tree(folder, new) if new is not None else WorkingTree(folder)
    if not (before.exists(MANIFEST) or after.exists(MANIFEST)):
        raise OhwError(
            f"{folder} is not a design: it has no {MANIFEST} at {before.label} "
            f"nor at {after.label}",
            "run ohw in the folder that holds ohw.yaml",
        )
    return before, after


def diff_revisions(folder: Path, old: str | None, new: str | None) -> DesignDiff:
    """The design in ``folder`` at ``old`` (default HEAD) against ``new``
    (default: the working tree)."""
    before, after = design_trees(folder, old, new)
    return DesignReader(cache_directory(folder)).diff(before, after)
