"""Ids for BOM items whose table has none: made from what the item is, so that
they stay the same when rows are reordered.

The rule (README, "The bill of materials"):

1. an item's id is the slug of its MPN; without one, of its name with its
   value and footprint (those not already in the name); without a name, of
   its first supplier's part number; without that, of its designators;
   "item" if it has none of these. A slug is lower-case ASCII letters and
   digits, words joined by '-', at most 48 characters: "M3x10 Screw" is
   "m3x10-screw", "470 µF" is "470-uf";
2. items whose slugs are the same are told apart by the first of these that
   differs between every one of them: their designators, first supplier part
   number, manufacturer, category, value, footprint, name; the slug of that
   is added ("screw-r1"). Where none does, by six hexadecimal digits of the
   SHA-256 of the item's content ("screw-3fa2c1"); items alike in everything
   are numbered in the order they come (they are interchangeable);
3. an id the table gives, or an id already made, is never given twice: a
   made id that meets one gets the content digits too.

Nothing depends on an item's row: moving rows changes no id. Adding or
removing an item can change the ids of the items whose slug it shares.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from ohw.design.bom.values import slug

_TELL_APART = (
    "designators",
    "part-number",
    "manufacturer",
    "category",
    "value",
    "footprint",
    "name",
)
MAX_ID = 64


def base_id(item: dict[str, Any]) -> str:
    """The slug an item's id starts from (rule 1)."""
    if item.get("mpn"):
        made = slug(str(item["mpn"]))
        if made:
            return made
    name = str(item.get("name") or "")
    words = [name]
    for extra in ("value", "footprint"):
        text = str(item.get(extra) or "")
        if extra == "footprint":
            text = text.rsplit(":", 1)[-1]  # KiCad's library:footprint
        if text and text.lower() not in name.lower():
            words.append(text)
    made = slug(" ".join(w for w in words if w))
    if made:
        return made
    part_number = _part_number(item)
    if part_number and slug(part_number):
        return slug(part_number)
    designators = item.get("designators") or []
    if designators and slug(" ".join(designators)):
        return slug(" ".join(designators))
    return "item"


def assign_ids(items: Sequence[dict[str, Any]], taken: set[str]) -> list[str | None]:
    """Ids for the items without one (None for those that have one); ``taken``
    are the ids the table gives."""
    wanting = [i for i, item in enumerate(items) if not item.get("id")]
    bases = {i: base_id(items[i]) for i in wanting}
    groups: dict[str, list[int]] = {}
    for i in wanting:
        groups.setdefault(bases[i], []).append(i)
    made: dict[int, str] = {}
    for base, members in groups.items():
        if len(members) == 1:
            made[members[0]] = base
            continue
        for field in _TELL_APART:
            words = [slug(_text(items[i], field), 24) for i in members]
            if all(words) and len(set(words)) == len(words):
                for i, word in zip(members, words, strict=True):
                    made[i] = _joined(base, word)
                break
        else:
            for i in members:
                made[i] = _joined(base, _digest(items[i]))
    # Rule 3: no id twice, whether the table's or made. Sorted by content, so
    # that only items alike in everything keep their order among themselves.
    result: list[str | None] = [None] * len(items)
    used = set(taken)
    for i in sorted(wanting, key=lambda i: (made[i], _digest(items[i]))):
        candidate = made[i]
        digest = _digest(items[i])
        if candidate in used and not candidate.endswith(digest):
            candidate = _joined(made[i], digest)
        numbered, number = candidate, 2
        while candidate in used:
            candidate = _joined(numbered, str(number))
            number += 1
        used.add(candidate)
        result[i] = candidate
    return result


def _joined(base: str, word: str) -> str:
    room = MAX_ID - len(word) - 1
    return f"{base[:room].rstrip('-.')}-{word}"


def _text(item: dict[str, Any], field: str) -> str:
    if field == "designators":
        return " ".join(item.get("designators") or [])[:40]
    if field == "part-number":
        return _part_number(item)
    value = item.get(field)
    return str(value) if value is not None else ""


def _part_number(item: dict[str, Any]) -> str:
    for supplier in item.get("suppliers") or []:
        if supplier.get("part-number"):
            return str(supplier["part-number"])
    return ""


def _digest(item: dict[str, Any]) -> str:
    content = {k: v for k, v in item.items() if k != "id"}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:6]
