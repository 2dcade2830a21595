"""A merged YAML file written by editing ours' text (ohw.merge.yaml_text): random
edits on both sides, and whatever the merge decides, the text it writes must
read back as exactly the data it decided."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from ohw.merge.plan import merged_value, plan_merge
from ohw.merge.yaml_text import write_yaml
from ohw.storage.yaml.read import load_yaml

FIELDS = ("name", "quantity", "notes", "unit")


values = st.one_of(
    st.integers(0, 99), st.sampled_from(["M3", "PETG", "a: b", "x # y", "", "multi\nline"])
)


@st.composite
def edits(draw, items: list[dict]):
    items = copy.deepcopy(items)
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(["set", "drop-field", "add", "remove", "move"]))
        if action == "add" or not items:
            position = draw(st.integers(0, len(items)))
            new_id = f"new-{draw(st.integers(0, 3))}"
            if all(i["id"] != new_id for i in items):
                items.insert(position, {"id": new_id, "quantity": draw(st.integers(1, 9))})
            continue
        index = draw(st.integers(0, len(items) - 1))
        if action == "set":
            items[index][draw(st.sampled_from(FIELDS))] = draw(values)
        elif action == "drop-field":
            field = draw(st.sampled_from(FIELDS))
            items[index].pop(field, None)
        elif action == "remove":
            del items[index]
        else:
            items.insert(draw(st.integers(0, len(items) - 1)), items.pop(index))
    return items


def to_yaml(items: list[dict], style: int) -> str:
    """Block YAML as people write it, with comments, in one of a few styles."""
    import yaml

    lines = ["# a BOM\n", "items:\n"]
    for item in items:
        body = yaml.safe_dump(item, sort_keys=False, default_flow_style=False, width=1000)
        body_lines = body.splitlines()
        pad = "  " if style else ""
        lines.append(f"{pad}- {body_lines[0]}\n")
        lines.extend(f"{pad}  {line}\n" for line in body_lines[1:])
        if style == 2:
            lines.append("\n")
    return "".join(lines)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), style=st.integers(0, 2))
def test_random_edits_merge_into_text_that_reads_as_the_merged_data(data, style):
    base = [
        {"id": f"item-{i}", "name": f"Part {i}", "quantity": i + 1}
        for i in range(data.draw(st.integers(1, 5)))
    ]
    ours = data.draw(edits(base))
    theirs = data.draw(edits(base))
    texts = {s: to_yaml(v, style) for s, v in (("base", base), ("ours", ours), ("theirs", theirs))}
    documents = {s: load_yaml(t.encode()) for s, t in texts.items()}
    values = {s: d.data for s, d in documents.items()}
    plan, conflicts = plan_merge(values["base"], values["ours"], values["theirs"], rename={})
    for side in ("ours", "base", "theirs"):
        text = write_yaml(plan, documents, side)
        expected = merged_value(plan, values, side)
        assert load_yaml(text.encode()).data == expected, text
    if not conflicts:
        # independent edits: both sides' changes are all there
        result = merged_value(plan, values)
        for side in (ours, theirs):
            for item in side:
                if item not in base:
                    assert any(r["id"] == item["id"] for r in result["items"])
