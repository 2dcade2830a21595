"""Blob ids from git's index (ohw.storage.git_index): for every file whose stat the
index recorded, the id git hash-object gives; for none that changed, that
changed too recently to tell, that git does not track, or that conflicts."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from support.designs import init_and_commit, write_files
from support.run import git

from ohw.mesh import batch
from ohw.mesh.source import MeshSource
from ohw.storage.git_index import indexed_blob_ids

# The index is read only for more content than five times its size.
CONTENT = 4096


def repository(folder: Path, files: dict[str, bytes], *flags: str) -> Path:
    """``files`` committed in a new repository in ``folder`` (``git init`` with ``flags``)."""
    folder.mkdir()
    write_files(folder, dict(files))
    return init_and_commit(folder, "parts", *flags)


def content(seed: int) -> bytes:
    return bytes((seed * 7 + n) % 251 for n in range(CONTENT))


FILES = {
    "ohw.yaml": content(1),
    "parts/bracket.stl": content(2),
    "parts/with space é.stl": content(3),
    "parts/deep/er/knob.STL": content(4),
}


def hashed(folder: Path, name: str) -> str:
    return git("hash-object", folder / name, cwd=folder).strip()


def ids(folder: Path, names) -> dict[str, str]:
    return indexed_blob_ids(str(folder / name) for name in names)


@pytest.mark.parametrize("version", ["2", "3", "4"])
def test_every_tracked_file_has_the_id_git_gives_it(tmp_path, version):
    folder = repository(tmp_path / "design", FILES)
    git("update-index", "--index-version", version, cwd=folder)
    git("update-index", "--skip-worktree", "ohw.yaml", cwd=folder)  # an extended entry
    time.sleep(0.01)  # every file older than the index
    git("update-index", "--refresh", cwd=folder)
    found = ids(folder, FILES)
    assert found == {str(folder / name): hashed(folder, name) for name in FILES}


def test_a_changed_file_is_left_to_be_hashed(tmp_path):
    folder = repository(tmp_path / "design", FILES)
    edited = folder / "parts" / "bracket.stl"
    edited.write_bytes(content(9))  # same size, new content and times
    found = ids(folder, FILES)
    assert str(edited) not in found
    assert len(found) == len(FILES) - 1


def test_a_file_changed_as_the_index_was_written_is_left_to_be_hashed(tmp_path):
    folder = repository(tmp_path / "design", FILES)
    index = folder / ".git" / "index"
    knob = folder / "parts" / "deep" / "er" / "knob.STL"
    written = index.stat().st_mtime_ns
    # The same second as the index, or later: a change the index cannot have seen.
    os.utime(knob, ns=(written, written))
    git("update-index", "--refresh", cwd=folder)  # git re-reads it, and keeps the entry racy
    os.utime(index, ns=(written, written))
    assert str(knob) not in ids(folder, FILES)


def test_what_git_does_not_track_or_knows_no_content_of_has_no_id(tmp_path):
    folder = repository(tmp_path / "design", FILES)
    (folder / "new.stl").write_bytes(content(5))
    (folder / "intended.stl").write_bytes(content(6))
    git("add", "-N", "intended.stl", cwd=folder)  # intent to add: no content yet
    outside = tmp_path / "outside.stl"
    outside.write_bytes(content(7))
    found = indexed_blob_ids([str(folder / "new.stl"), str(folder / "intended.stl"), str(outside)])
    assert found == {}


def test_files_smaller_than_the_index_are_left_to_be_hashed(tmp_path):
    # Hashing a few bytes costs less than reading the index.
    folder = repository(tmp_path / "design", {"a.stl": b"solid a", "b.stl": b"solid b"})
    assert ids(folder, ["a.stl", "b.stl"]) == {}


def test_a_conflicted_file_has_no_id(tmp_path):
    folder = repository(tmp_path / "design", FILES)
    part = folder / "parts" / "bracket.stl"
    git("checkout", "-q", "-b", "theirs", cwd=folder)
    part.write_bytes(content(11))
    git("commit", "-qam", "theirs", cwd=folder)
    git("checkout", "-q", "main", cwd=folder)
    part.write_bytes(content(12))
    git("commit", "-qam", "ours", cwd=folder)
    merged = subprocess.run(
        ["git", "merge", "theirs"], cwd=folder, capture_output=True, text=True, check=False
    )
    assert "CONFLICT" in merged.stdout
    found = ids(folder, FILES)
    assert str(part) not in found
    assert found[str(folder / "ohw.yaml")] == hashed(folder, "ohw.yaml")


def test_a_worktree_s_index_is_its_own(tmp_path):
    folder = repository(tmp_path / "design", FILES)
    other = tmp_path / "other"
    git("worktree", "add", "-q", "-b", "other", other, cwd=folder)
    time.sleep(0.01)  # checked out in the index's own tick: racy until git looks again
    git("update-index", "--really-refresh", cwd=other)
    assert ids(other, FILES) == {str(other / name): hashed(folder, name) for name in FILES}


def test_an_index_this_reader_does_not_know_gives_no_id(tmp_path):
    folder = repository(tmp_path / "design", FILES)
    index = folder / ".git" / "index"
    written = index.stat().st_mtime_ns
    data = index.read_bytes()
    for damaged in (b"XXXX" + data[4:], data[:40], data[:12] + b"\xff" * 64):
        index.write_bytes(damaged)
        os.utime(index, ns=(written, written))
        assert ids(folder, FILES) == {}


def test_a_sha256_repository_s_ids_are_not_taken(tmp_path):
    folder = repository(tmp_path / "design", FILES, "--object-format=sha256")
    assert ids(folder, FILES) == {}


def test_the_meshes_of_a_committed_design_are_not_read_to_be_hashed(tmp_path, monkeypatch):
    folder = repository(tmp_path / "design", FILES)
    sources = [MeshSource(name, path=folder / name) for name in FILES if name != "ohw.yaml"]

    def hashing(source: MeshSource) -> str:
        raise AssertionError(f"{source.name} was hashed")

    monkeypatch.setattr(batch, "_hash", hashing)
    found = batch.content_ids(sources, tmp_path / "cache")
    assert found == [hashed(folder, source.name) for source in sources]
    (folder / "parts" / "bracket.stl").write_bytes(content(10))  # changed: hashed after all
    with pytest.raises(AssertionError, match=r"bracket\.stl was hashed"):
        batch.content_ids(sources, tmp_path / "other cache")


def test_the_index_reader_agrees_with_libgit2_on_every_file(tmp_path):
    """The reader stands in for pygit2 (ohw.storage.vcs.repository's
    unchanged_blob_ids, which asks libgit2's index and status): where the
    reader gives an id, libgit2 gives the same; files changed since are left."""
    from ohw.storage.vcs.repository import unchanged_blob_ids

    folder = repository(tmp_path / "design", FILES)
    time.sleep(1.1)  # older than the index: their stat can be trusted
    (folder / "parts/bracket.stl").write_bytes(content(9))  # changed, not committed
    names = [*FILES, "untracked.stl"]
    (folder / "untracked.stl").write_bytes(content(5))
    ours = ids(folder, names)
    theirs = unchanged_blob_ids(folder, names)
    assert sorted(theirs) == sorted(n for n in FILES if n != "parts/bracket.stl")
    assert ours == {str(folder / name): blob for name, blob in theirs.items()}
