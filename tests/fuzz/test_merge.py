"""The semantic merge (ohw.merge.files.merge_file, and ohw merge-driver) of
generated manifests and BOMs, YAML and CSV, edited on both sides in every way
(values of any type, items added twice, removed, moved, ids taken away, whole
lists replaced) and now and then broken: never an exception; merged, or its
conflicts reported; what only one side changed is that side's; the same
change on both sides is no conflict; and git's merge driver writes what
merge_file does, leaving base and theirs as they were."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from support.fuzz import assert_no_bug, fingerprint, fuzzing, run_limited
from support.hostile import as_csv, as_yaml, bom, edited, manifest

from ohw.design.bom.tables import read_bom_csv
from ohw.merge.files import edit_yaml, merge_file
from ohw.merge.plan import same
from ohw.storage.yaml.document import ReadProblem
from ohw.storage.yaml.read import load_yaml

MARKER = b"<<<<<<< ours"
BROKEN = [b"\xff\xfe", b"a: [", b"\x00", b"a: &x 1\nb: *x\n", b"items: 5\n", b"- 1\n", b""]


@st.composite
def three_sides(draw) -> tuple[str, bytes | None, bytes, bytes]:
    """A path, and the base (None: both sides added the file), ours and theirs."""
    path = draw(st.sampled_from(["ohw.yaml", "bom.yaml", "parts/bom.yml", "bom.csv"]))
    base = manifest(draw(st.integers(0, 3))) if path == "ohw.yaml" else bom(draw(st.integers(0, 3)))
    sides = [base, draw(edited(base)), draw(edited(base))]
    if path.endswith(".csv"):
        texts = [as_csv(side) for side in sides]
    else:
        texts = [
            as_yaml(side, draw(st.sampled_from(["block", "flow", "comments"]))) for side in sides
        ]
    if draw(st.integers(0, 5)) == 0:  # one side broken, or aliased
        which = draw(st.integers(0, 2))
        texts[which] = draw(st.sampled_from(BROKEN)) + texts[which][: draw(st.integers(0, 40))]
    added = draw(st.integers(0, 7)) == 0
    return path, None if added else texts[0], texts[1], texts[2]


def read(path: str, raw: bytes):
    """The data of a merged file, or None if it cannot be read."""
    try:
        if path.endswith(".csv"):
            return read_bom_csv(raw).document.data
        return load_yaml(raw).data
    except ReadProblem:
        return None


@fuzzing(300)
@given(three_sides())
# a key written after '?', which editing ours' text lost; DEL, which YAML takes escaped only
@example(("ohw.yaml", None, b"parts: {}\n", b"parts:\n  ? ''\n  : null\n"))
@example(("ohw.yaml", None, b'{parts: [{id: p0, n: "\\x7F"}]}\n', b"parts: []\n"))
@example(
    (
        "bom.csv",
        b"id,name,quantity\r\n",
        b'id,name,quantity\r\na,"' + b"x" * 131_073 + b'",1\r\n',
        b"id,name,quantity\r\n",
    )
)
@example(
    ("bom.csv", b"id,name,quantity\n", b"id,name,quantity\ra,b,1\r", b"id,name,quantity\nc,d,2\n")
)
@example(  # a form feed in a cell, a line break to str.splitlines and not to the reader
    ("bom.csv", None, b"id,name,quantity\r\np0,,\x0c0\r\ni0,Item 0,1\r\n", b"id,name,quantity\r\n")
)
def test_three_sides_merge_or_report_their_conflicts(sides):
    path, base, ours, theirs = sides
    merged = merge_file(path, base, ours, theirs)
    assert isinstance(merged.data, bytes)
    if not merged.clean:
        assert merged.conflicts or MARKER in merged.data, "not clean, but nothing says where"
    elif MARKER not in (base or b"") + ours + theirs:
        assert not merged.conflicts
        assert MARKER not in merged.data
    # what only one side changed is that side's; the same change on both is no conflict
    same = merge_file(path, base, ours, ours)
    assert same.clean and read(path, same.data) == read(path, ours), same.data
    if base is not None:
        only_theirs = merge_file(path, base, base, theirs)
        assert only_theirs.clean and read(path, only_theirs.data) == read(path, theirs)
        only_ours = merge_file(path, base, ours, base)
        assert only_ours.clean and read(path, only_ours.data) == read(path, ours)
    readable = read(path, ours) is not None and read(path, theirs) is not None
    if merged.clean and not merged.fallback and readable:
        assert read(path, merged.data) is not None, merged.data  # a merge writes what reads
    # the merge does not care which side is which
    assert merge_file(path, base, theirs, ours).clean == merged.clean


@fuzzing(200)
@given(
    data=st.data(),
    path=st.sampled_from(["ohw.yaml", "bom.yaml"]),
    style=st.sampled_from(["block", "flow", "comments"]),
)
@example(data=None, path="ohw.yaml", style="block")
def test_an_edited_file_reads_as_the_data_it_was_given(data, path, style):
    """edit_yaml (ohw import okh, credits --write) changes a file's text to hold
    new data: whatever the data, the text reads back as exactly it."""
    base = manifest(2) if path == "ohw.yaml" else bom(2)
    new = (
        {**base, "title": "0o17", "notes": "1e3", "line": "a\u2028b\x85"}
        if data is None
        else data.draw(edited(base))
    )
    text = edit_yaml(as_yaml(base, style).decode(), new)
    assert same(load_yaml(text.encode()).data, new), text


@fuzzing(8)
@given(three_sides())
def test_git_s_merge_driver_writes_what_merge_file_does(tmp_path_factory, sides):
    path, base, ours, theirs = sides
    folder = tmp_path_factory.mktemp("driver")
    files = {"base": base or b"", "ours": ours, "theirs": theirs}
    for name, raw in files.items():
        (folder / name).write_bytes(raw)
    before = fingerprint(folder)
    done = run_limited("merge-driver", "base", "ours", "theirs", path, cwd=folder)
    assert_no_bug(done, (0, 1))
    expected = merge_file(path, base or None, ours, theirs)
    assert done.returncode == (0 if expected.clean else 1)
    assert (folder / "ours").read_bytes() == expected.data
    after = fingerprint(folder)
    assert {k: v for k, v in after.items() if k != "ours"} == {
        k: v for k, v in before.items() if k != "ours"
    }
