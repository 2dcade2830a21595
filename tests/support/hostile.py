"""Hostile designs for the fuzz suite (tests/fuzz/): values of every type and
text of every kind, manifests and BOMs edited in every way a person or a tool
might (values set to anything, fields dropped, items added twice, removed,
moved, ids taken away, lists replaced), written as YAML or CSV; and files
mutated byte by byte."""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Sequence

import yaml
from hypothesis import strategies as st

from support.fuzz import largest

# Text of every kind a value may hold: formulas, control characters, YAML's
# indicators, line breaks, Unicode separators.
TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["M3", "a: b", "x # y", "- z", "'q'", '"', "=1+1", "\x1b[2J", "line\nbreak", "cr\ronly",
         "\u2028", "\x85", "&a", "*a", "!!str", "", " ", "yes", "1.10", "0x1F", "é" * 3,
         "../../etc/passwd", "/etc/passwd", "parts/p0.stl", "C:\\x.stl", "parts/*.stl",
         "parts/../ohw.yaml", "https://example.org/x.stl", "file:///etc/passwd", "a\x00b"]
    ),
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
FIELDS = (
    "name", "quantity", "notes", "unit", "material", "suppliers", "export", "source", "print",
    "choice", "optional",
)  # fmt: skip


def manifest(parts: int) -> dict:
    return {
        "ohw": 1,
        "name": "lamp",
        "title": "Desk lamp",
        "license": {"hardware": "CERN-OHL-S-2.0"},
        "keywords": ["lamp", "desk"],
        "parts": [
            {"id": f"p{i}", "export": f"parts/p{i}.stl", "material": "PLA", "quantity": i + 1}
            for i in range(parts)
        ],
    }


def bom(items: int) -> dict:
    return {
        "items": [
            {
                "id": f"i{i}",
                "name": f"Item {i}",
                "quantity": i + 1,
                "suppliers": [{"name": "Shop", "unit-price": 0.5, "currency": "EUR"}],
            }
            for i in range(items)
        ]
    }


@st.composite
def edited(draw, data: dict) -> dict:
    """``data`` with up to five edits: values set to anything, fields dropped,
    items added (new, or with an id already there), removed, moved, stripped of
    their id, lists replaced by a value, keys added at the top."""
    data = copy.deepcopy(data)
    listed = "parts" if "parts" in data else "items"
    for _ in range(draw(st.integers(0, 5))):
        items = data.get(listed)
        action = draw(
            st.sampled_from(
                ["set", "drop", "add", "remove", "move", "no id", "replace list", "top"]
            )
        )
        if action == "top":
            data[draw(st.sampled_from(["title", "keywords", "new", "license"]))] = draw(VALUES)
        elif action == "replace list":
            data[listed] = draw(VALUES)
        elif not isinstance(items, list):
            continue
        elif action == "add" or not items:
            new_id = draw(st.sampled_from(["p0", "i0", "new", "p1", "i1"]))
            items.insert(
                draw(st.integers(0, len(items))), {"id": new_id, "quantity": draw(SCALARS)}
            )
        else:
            index = draw(st.integers(0, len(items) - 1))
            item = items[index]
            if action == "remove":
                del items[index]
            elif action == "move":
                items.insert(draw(st.integers(0, len(items) - 1)), items.pop(index))
            elif not isinstance(item, dict):
                continue
            elif action == "set":
                item[draw(st.sampled_from(FIELDS))] = draw(VALUES)
            elif action == "drop":
                item.pop(draw(st.sampled_from(FIELDS)), None)
            elif action == "no id":
                item.pop("id", None)
    return data


def as_yaml(data: dict, style: str) -> bytes:
    if style == "flow":
        text = yaml.safe_dump(data, default_flow_style=True, allow_unicode=True, sort_keys=False)
    else:
        text = yaml.safe_dump(data, default_flow_style=False, allow_unicode=True, sort_keys=False)
        if style == "comments":
            text = "# the design\n" + text.replace("\n", "  # note\n", 3)
    return text.encode()


def as_csv(data: dict) -> bytes:
    """A BOM as a spreadsheet writes it; the first supplier in its own columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "name", "quantity", "notes", "supplier", "unit price"])
    items = data.get("items")
    for written in items if isinstance(items, list) else []:
        item = written if isinstance(written, dict) else {"notes": written}
        suppliers = item.get("suppliers")
        first = suppliers[0] if isinstance(suppliers, list) and suppliers else {}
        first = first if isinstance(first, dict) else {}
        writer.writerow(
            [
                "" if item.get(c) is None else str(item.get(c))
                for c in ("id", "name", "quantity", "notes")
            ]
            + ["" if first.get(c) is None else str(first.get(c)) for c in ("name", "unit-price")]
        )
    return out.getvalue().encode()


@st.composite
def mutated(
    draw: st.DrawFn,
    seeds: Sequence[bytes],
    pieces: Sequence[str],
    *,
    huge: Sequence[bytes] = (),
    line_ends: bool = False,
    encodings: Sequence[str] = (),
) -> bytes:
    """One of ``seeds`` mangled: ``pieces`` inserted, bytes dropped, flipped or
    cut off, runs repeated; a run of one of the ``huge`` bytes long enough to
    pass a limit (the csv module's 131,072 characters a cell); with
    ``line_ends``, every line ending made CR, CR LF or LF, or a mix; and the
    whole maybe written in one of ``encodings``."""
    raw = bytearray(draw(st.sampled_from(seeds)))
    actions = ["insert", "delete", "flip", "cut", "repeat", *(["huge"] if huge else [])]
    for _ in range(draw(st.integers(0, 6))):
        where = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(actions))
        if action == "insert":
            raw[where:where] = draw(st.sampled_from(pieces)).encode()
        elif action == "delete":
            del raw[where : where + draw(st.integers(1, 8))]
        elif action == "flip" and where < len(raw):
            raw[where] = draw(st.integers(0, 255))
        elif action == "cut":
            del raw[where:]
        elif action == "repeat":
            raw[where:where] = raw[where : where + draw(st.integers(1, 60))] * draw(
                st.integers(1, 4)
            )
        elif action == "huge":
            raw[where:where] = draw(st.sampled_from(huge)) * draw(
                st.integers(1, largest(200_000, 2_000_000))
            )
    if line_ends and draw(st.booleans()):
        parts = bytes(raw).replace(b"\r\n", b"\n").split(b"\n")
        ends = draw(st.lists(st.sampled_from([b"\n", b"\r\n", b"\r"]), min_size=1, max_size=3))
        raw = bytearray(parts[0])
        for i, part in enumerate(parts[1:]):
            raw += ends[i % len(ends)] + part
    encoding = draw(st.sampled_from([None, None, None, *encodings]))
    if encoding is not None:
        return bytes(raw).decode("utf-8", "replace").encode(encoding, "replace")
    return bytes(raw)
