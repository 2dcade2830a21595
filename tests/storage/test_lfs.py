"""Git LFS pointers read as their objects (ohw.storage.lfs): the pointer as
git-lfs's spec writes it, the object verified, the store where git-lfs keeps it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from support.designs import init_and_commit, write_files
from support.lfs import checkout_pointers, git_bytes, lfs_files, lfs_repository
from support.run import git

from ohw.storage.lfs import (
    POINTER_LIMIT,
    LfsObjectError,
    LfsPointer,
    object_path,
    object_store,
    parse_pointer,
    pointed_to,
    pointer_text,
    read_object,
    resolved,
)

OID = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"
# The example of git-lfs's docs/spec.md.
SPEC = (
    b"version https://git-lfs.github.com/spec/v1\n"
    b"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
    b"size 12345\n"
)


def test_the_pointer_of_the_spec_is_read():
    assert parse_pointer(SPEC) == LfsPointer(OID, 12345)
    assert pointer_text(LfsPointer(OID, 12345)) == SPEC


def test_keys_of_extensions_in_order_are_read():
    pointer = SPEC.replace(b"oid", b"ext-0-foo sha256:" + b"0" * 64 + b"\noid")
    assert parse_pointer(pointer) == LfsPointer(OID, 12345)


@pytest.mark.parametrize(
    "text",
    [
        SPEC[:-1],  # no newline at the end
        SPEC.replace(b"\n", b"\r\n"),
        SPEC.replace(b"\n", b"\r"),
        SPEC.replace(b"size 12345\n", b"") + b"size 12345\n" + b"aaa x\n",  # keys out of order
        b"oid sha256:" + OID.encode() + b"\nversion https://git-lfs.github.com/spec/v1\n"
        b"size 1\n",  # version not first
        SPEC.replace(b"v1", b"v2"),
        SPEC.replace(OID.encode(), OID.upper().encode()),
        SPEC.replace(OID.encode(), OID[:-1].encode()),
        SPEC.replace(b"sha256:", b"sha1:"),
        SPEC.replace(b"12345", b"012345"),
        SPEC.replace(b"12345", b"-1"),
        SPEC.replace(b"12345", b"99999999999999999999"),
        SPEC.replace(b"size 12345", b"size  12345"),
        SPEC.replace(b"size 12345\n", b""),
        SPEC + b"size 1\n",  # a key twice
        SPEC + b"x" * POINTER_LIMIT,
        b"version \n",
        b"solid cube\nendsolid cube\n",
        b"",
    ],
)
def test_anything_else_is_no_pointer(text):
    assert parse_pointer(text) is None


def _store(folder: Path, content: bytes) -> LfsPointer:
    """``content`` put in the LFS store of the repository in ``folder``."""
    pointer = LfsPointer(hashlib.sha256(content).hexdigest(), len(content))
    store = object_store(folder)
    assert store is not None
    target = object_path(store, pointer.oid)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return pointer


def test_an_object_is_read_from_the_store_and_verified(tmp_path):
    git("init", "-q", cwd=tmp_path)
    pointer = _store(tmp_path, b"solid x\nendsolid x\n")
    assert object_store(tmp_path) == tmp_path / ".git" / "lfs" / "objects"
    assert read_object(tmp_path, "x.stl", pointer) == b"solid x\nendsolid x\n"
    assert resolved(tmp_path, "x.stl", pointer_text(pointer)) == b"solid x\nendsolid x\n"
    assert resolved(tmp_path, "x.stl", b"not a pointer") == b"not a pointer"


def test_a_missing_or_damaged_object_is_an_error_naming_the_file(tmp_path):
    git("init", "-q", cwd=tmp_path)
    with pytest.raises(LfsObjectError, match=r"a\.stl is kept in Git LFS.*is not here") as error:
        read_object(tmp_path, "a.stl", LfsPointer(OID, 5))
    assert "git lfs pull" in error.value.hint
    pointer = _store(tmp_path, b"12345")
    path = object_path(tmp_path / ".git" / "lfs" / "objects", pointer.oid)
    path.write_bytes(b"54321")  # the same size, another content
    with pytest.raises(LfsObjectError, match="does not have the SHA-256"):
        read_object(tmp_path, "a.stl", pointer)
    path.write_bytes(b"1234")
    with pytest.raises(LfsObjectError, match="is 4 bytes where the pointer says 5"):
        read_object(tmp_path, "a.stl", pointer)


def test_outside_a_repository_an_object_cannot_be_looked_for(tmp_path):
    with pytest.raises(LfsObjectError, match="outside a git repository"):
        read_object(tmp_path, "a.stl", LfsPointer(OID, 5))


def test_lfs_storage_moves_the_store_as_git_lfs_reads_it(tmp_path):
    work = lfs_repository(tmp_path / "lamp")
    git("config", "lfs.storage", "elsewhere", cwd=work)
    assert object_store(work) == work / ".git" / "elsewhere" / "objects"
    (work / ".git" / "lfs").rename(work / ".git" / "elsewhere")
    git("lfs", "fsck", "--objects", cwd=work)  # git-lfs finds them there too
    pointer = parse_pointer(git_show(work, "parts/arm.stl"))
    assert pointer is not None
    assert len(read_object(work, "parts/arm.stl", pointer)) == pointer.size


def git_show(folder: Path, path: str) -> bytes:
    return git_bytes(folder, "cat-file", "blob", f"HEAD:{path}")


def test_a_linked_worktree_reads_the_store_of_its_repository(tmp_path):
    work = lfs_repository(tmp_path / "lamp")
    git("worktree", "add", "-q", str(tmp_path / "other"), cwd=work)
    assert object_store(tmp_path / "other") == work / ".git" / "lfs" / "objects"


def test_a_bare_repository_keeps_its_store_inside(tmp_path):
    work = lfs_repository(tmp_path / "lamp")
    git("clone", "-q", "--bare", str(work), str(tmp_path / "bare.git"), cwd=tmp_path)
    assert object_store(tmp_path / "bare.git") == tmp_path / "bare.git" / "lfs" / "objects"


def test_a_pointer_on_disk_is_read_as_its_object(tmp_path):
    work = lfs_repository(tmp_path / "lamp")
    real = (work / "parts/arm.stl").read_bytes()
    assert pointed_to(work / "parts/arm.stl") is None  # checked out: the real file
    assert "parts/arm.stl" in checkout_pointers(work)
    assert pointed_to(work / "parts/arm.stl") == real
    assert lfs_files(work)


def test_a_small_file_that_is_no_pointer_is_itself(tmp_path):
    write_files(tmp_path / "d", {"tiny.stl": b"solid t\nendsolid t\n"})
    init_and_commit(tmp_path / "d", "tiny")
    assert pointed_to(tmp_path / "d" / "tiny.stl") is None
