"""The three-way merge of a design's data, decided on values, not on lines.

Mappings merge key by key. Lists of mappings that carry an identifier (parts
and BOM items by ``id``, authors and suppliers by ``name``, lineage by ``url``)
merge item by item, whatever their order; lists of plain values (keywords,
designators) merge as sets. Anything else merges whole: one side's change wins
over no change, and two different changes are a conflict.

The result is a plan that says, for every place, which side's text to keep,
so that the writers (YAML, CSV) can copy the text as written, comments and all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from ohw.storage.yaml.document import JsonPath, PathKey

Side = Literal["base", "ours", "theirs"]
SIDES: tuple[Side, ...] = ("base", "ours", "theirs")

# The fields that identify an item in a list of mappings, in order of preference.
ITEM_KEYS = ("id", "name", "url", "path")


class _Missing:
    """The value of a place that does not exist on one side."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Take:
    """Keep one side's value at this place as it is; with ``path`` None, the place
    does not exist in the result."""

    side: Side
    path: JsonPath | None


@dataclass(frozen=True)
class Entry:
    """A key of a mapping, or an item of a list, in the result: where it is in
    ours (None if ours has no such entry) and what it becomes."""

    key: PathKey
    ours: JsonPath | None
    plan: Plan


@dataclass(frozen=True)
class Combine:
    """A mapping or list of ours whose entries come from different sides:
    ``entries`` in the result's order, and ``removed``, ours' entries that go."""

    ours: JsonPath
    is_list: bool
    entries: tuple[Entry, ...]
    removed: tuple[JsonPath, ...]


@dataclass(frozen=True)
class Conflict:
    """One place changed differently on both sides."""

    where: tuple[str, ...]  # for people: bom m3x10 quantity
    base: Any
    ours: Any
    theirs: Any
    paths: dict[Side, JsonPath | None] = field(compare=False)

    def describe(self) -> str:
        """The conflict in words: "bom m3x10 quantity: base 8, ours 10, theirs 12";
        "bom m3x10: ours deleted the item, theirs changed its quantity 8 → 12"."""
        where = " ".join(self.where)
        deleted = [side for side in ("ours", "theirs") if getattr(self, side) is MISSING]
        if len(deleted) == 1 and self.base is not MISSING:
            kept = "theirs" if deleted == ["ours"] else "ours"
            item = isinstance(self.base, dict) and isinstance(getattr(self, kept), dict)
            changed = changes(self.base, getattr(self, kept))
            return (
                f"{where}: {deleted[0]} deleted the item, {kept} changed its {changed}"
                if item
                else f"{where}: {deleted[0]} removed it, {kept} changed it: {changed}"
            )
        if self.base is MISSING and isinstance(self.ours, dict) and isinstance(self.theirs, dict):
            changed = changes(self.ours, self.theirs)
            return f"{where}: added on both sides, differing (ours → theirs) in {changed}"
        values = ", ".join(f"{side} {show_value(getattr(self, side))}" for side in SIDES)
        return f"{where}: {values}"


Plan = Take | Combine | Conflict


class Sides(NamedTuple):
    """The value at one place on each side, and where it is on each side (a
    tuple: made for every entry of a big BOM, a dataclass would cost a tenth
    of planning its merge)."""

    values: tuple[Any, Any, Any]
    paths: tuple[JsonPath | None, JsonPath | None, JsonPath | None]

    def at(self, index: tuple[PathKey | None, ...]) -> Sides:
        """The entries at ``index`` on each side (a key of mappings, a position in
        lists; None where that side has none)."""
        values: list[Any] = []
        paths: list[JsonPath | None] = []
        for value, path, position in zip(self.values, self.paths, index, strict=True):
            if position is None or path is None:
                values.append(MISSING)
                paths.append(None)
            else:
                values.append(value[position])
                paths.append((*path, position))
        return Sides((values[0], values[1], values[2]), (paths[0], paths[1], paths[2]))


def plan_merge(
    base: Any, ours: Any, theirs: Any, *, rename: dict[str, str], keep_ours_text: bool = False
) -> tuple[Plan, list[Conflict]]:
    """Merge three versions of a document. ``rename`` turns top-level keys into
    the words conflicts are described with (a BOM file's "items" is "bom").

    Where only theirs changed a collection, the plan takes theirs' text for it
    whole, as git would; with ``keep_ours_text`` it goes down to the entries
    that changed, so that an edit keeps ours' text everywhere else."""
    conflicts: list[Conflict] = []
    context = _Context(conflicts, rename, keep_ours_text)
    plan = _plan(Sides((base, ours, theirs), ((), (), ())), (), context)
    return plan, conflicts


class _Context(NamedTuple):
    conflicts: list[Conflict]
    rename: dict[str, str]
    keep_ours_text: bool


def same(a: Any, b: Any) -> bool:
    """Equal as data: of the same type (1, 1.0 and True differ), keys in any order."""
    if a is b:  # a diff compares a side with itself: not worth a walk
        return True
    if type(a) is not type(b) or a != b:  # Python's == first: it sees most differences at once
        return False
    return _same_types(a, b)


def _same_types(a: Any, b: Any) -> bool:
    """For values Python finds equal (so all their parts are equal too): whether
    their parts are of the same types, all the way down."""
    if isinstance(a, dict):
        for key, x in a.items():
            y = b[key]
            if x is not y and (type(x) is not type(y) or not _same_types(x, y)):
                return False
    elif isinstance(a, list):
        for x, y in zip(a, b, strict=True):
            if x is not y and (type(x) is not type(y) or not _same_types(x, y)):
                return False
    return True


def _plan(sides: Sides, where: tuple[str, ...], context: _Context) -> Plan:
    base, ours, theirs = sides.values
    if same(ours, theirs) or same(base, theirs):
        return Take("ours", sides.paths[1])
    only_theirs = same(base, ours)
    if only_theirs and not context.keep_ours_text:
        return Take("theirs", sides.paths[2])
    if ours is not MISSING and theirs is not MISSING:
        if (
            isinstance(ours, dict)
            and isinstance(theirs, dict)
            and isinstance(base, dict | _Missing)
        ):
            return _combine_mappings(sides, where, context)
        if (
            isinstance(ours, list)
            and isinstance(theirs, list)
            and isinstance(base, list | _Missing)
        ):
            keys = _item_keys(sides)
            if keys is not None:
                return _combine_lists(sides, keys, where, context)
    if only_theirs:
        return Take("theirs", sides.paths[2])
    conflict = Conflict(where, base, ours, theirs, dict(zip(SIDES, sides.paths, strict=True)))
    context.conflicts.append(conflict)
    return conflict


def _combine_mappings(sides: Sides, where: tuple[str, ...], context: _Context) -> Combine:
    maps = [v if isinstance(v, dict) else {} for v in sides.values]
    keys = _merged_order([list(m) for m in maps])
    index = [tuple(key if key in m else None for m in maps) for key in keys]
    labels = [context.rename.get(key, key) if not where else key for key in keys]
    return _combine(sides, keys, index, labels, where, context=context, is_list=False)


def _combine_lists(
    sides: Sides, keys: list[list[str]], where: tuple[str, ...], context: _Context
) -> Combine:
    positions = [{k: i for i, k in enumerate(side_keys)} for side_keys in keys]
    order = _merged_order(keys)
    index = [tuple(p.get(key) for p in positions) for key in order]
    return _combine(sides, order, index, order, where, context=context, is_list=True)


def _combine(
    sides: Sides,
    keys: list[Any],
    index: Sequence[tuple[PathKey | None, ...]],
    labels: list[str],
    where: tuple[str, ...],
    *,
    context: _Context,
    is_list: bool,
) -> Combine:
    entries, removed = [], []
    for key, positions, label in zip(keys, index, labels, strict=True):
        child = sides.at(positions)
        plan = _plan(child, (*where, label), context)
        ours = child.paths[1]
        if isinstance(plan, Take) and plan.path is None:
            if ours is not None:
                removed.append(ours)
        else:
            entries.append(Entry(key, ours, plan))
    assert sides.paths[1] is not None
    return Combine(sides.paths[1], is_list, tuple(entries), tuple(removed))


def _item_keys(sides: Sides) -> list[list[str]] | None:
    """Each side's list as keys that identify its items, or None if the list
    has no such keys and must merge whole."""
    lists = [v if isinstance(v, list) else [] for v in sides.values]
    items = [item for values in lists for item in values]
    if all(isinstance(item, dict) for item in items):
        for name in ITEM_KEYS:
            if all(isinstance(item.get(name), str) for item in items):
                keys = [[item[name] for item in values] for values in lists]
                break
        else:
            return None
    elif all(isinstance(item, str | int | float | bool) for item in items):
        keys = [[json.dumps(item) for item in values] for values in lists]
    else:
        return None
    return keys if all(len(set(k)) == len(k) for k in keys) else None


def _merged_order(orders: list[list[Any]]) -> list[Any]:
    """Ours' order, with theirs' new keys placed after the key they follow in theirs
    (and after what ours added there), and keys only base has at the end (they
    are gone from the result unless a side kept them)."""
    base, ours, theirs = orders
    result = list(ours)
    placed, known = set(result), set(base) | set(theirs)
    after: Any = None
    for key in theirs:
        if key not in placed:
            at = result.index(after) + 1 if after is not None else 0
            while at < len(result) and result[at] not in known:
                at += 1
            result.insert(at, key)
            placed.add(key)
        after = key
    result.extend(k for k in base if k not in placed)
    return result


def changes(old: Any, new: Any, *, shown: int = 3) -> str:
    """What changed from ``old`` to ``new``, in words: "quantity 2 → 3, notes
    (removed)", field by field where both are mappings (the first ``shown``)."""
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return f"{show_value(old)} → {show_value(new)}"
    found = _differences(old, new, ())
    listed = []
    for where, before, after in found[:shown]:
        name = " ".join(where)
        if after is MISSING:
            listed.append(f"{name} (removed)")
        elif before is MISSING:
            listed.append(f"{name} {show_value(after)} (added)")
        else:
            listed.append(f"{name} {show_value(before)} → {show_value(after)}")
    if len(found) > shown:
        listed.append(f"and {len(found) - shown} more")
    return ", ".join(listed) or "nothing"


def _differences(
    old: Any, new: Any, where: tuple[str, ...]
) -> list[tuple[tuple[str, ...], Any, Any]]:
    """Each place where ``new`` differs from ``old``: mappings key by key, lists
    of identified items item by item, anything else whole."""
    if isinstance(old, list) and isinstance(new, list):
        keyed = _keyed(old), _keyed(new)
        if keyed[0] is not None and keyed[1] is not None:
            old, new = keyed
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return [] if same(old, new) else [(where, old, new)]
    found = []
    for key in _merged_order([list(old), list(new), list(new)]):
        found += _differences(old.get(key, MISSING), new.get(key, MISSING), (*where, str(key)))
    return found


def _keyed(values: list[Any]) -> dict[str, Any] | None:
    """A list of mappings by the field that identifies them (see ITEM_KEYS)."""
    if not all(isinstance(value, dict) for value in values):
        return None
    for name in ITEM_KEYS:
        keys = [value.get(name) for value in values]
        if all(isinstance(key, str) for key in keys) and len(set(keys)) == len(keys):
            return dict(zip(keys, values, strict=True))
    return None


def show_value(value: Any) -> str:
    """A value as people read it in one line: text as written, data as JSON,
    cut at 60 characters."""
    if value is MISSING:
        return "(none)"
    if isinstance(value, str):
        return value if value and len(value) <= 60 else json.dumps(value)[:60]
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def merged_value(plan: Plan, values: dict[Side, Any], choose: Side = "ours") -> Any:
    """The merged data a plan describes; conflicts take the side ``choose``."""
    if isinstance(plan, Conflict):
        plan = Take(choose, plan.paths[choose])
    if isinstance(plan, Take):
        return MISSING if plan.path is None else _get(values[plan.side], plan.path)
    children = ((e.key, merged_value(e.plan, values, choose)) for e in plan.entries)
    present: Iterable[tuple[PathKey, Any]] = ((k, v) for k, v in children if v is not MISSING)
    return [v for _, v in present] if plan.is_list else dict(present)


def _get(data: Any, path: JsonPath) -> Any:
    for key in path:
        data = data[key]
    return data
