"""Designs kept in Git LFS through remotes (ohw.storage.vcs.lfs): a real LFS
server (giftless, on loopback beside git's smart HTTP) and git-lfs's file://
remotes; cloned fresh, an LFS design checks, diffs, makes kits and remixes
as the same design without LFS does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support import EXAMPLES
from support.designs import desk_lamp_repository, files_in, read_manifest
from support.lfs import checkout_pointers, git_bytes, lfs_files, move_into_lfs, remove_objects
from support.run import git, run_ohw
from support.servers import smart_http

from ohw.storage.lfs import parse_pointer

HOLE = EXAMPLES / "broken" / "mesh-hole" / "parts" / "knob.stl"


def _lamp_with_a_new_knob(folder: Path, *, lfs: bool) -> Path:
    """The desk lamp, then (with ``lfs``) its meshes moved into LFS, then a
    knob with a hole: the same two revisions to compare, in LFS or not."""
    desk_lamp_repository(folder)
    if lfs:
        move_into_lfs(folder)
    (folder / "parts/knob.stl").write_bytes(HOLE.read_bytes())
    git("commit", "-qam", "A knob with a hole", cwd=folder)
    return folder


def _findings(folder: Path) -> tuple[int, list]:
    done = run_ohw("check", "--json", cwd=folder)
    found = json.loads(done.stdout)["designs"][0]["findings"]
    return done.returncode, [(f["id"], f["file"], f["message"]) for f in found]


def _kit(folder: Path, out: Path) -> dict[str, bytes]:
    """The kit of the design in ``folder``, its files but the commit it names."""
    done = run_ohw("fab", "--out", out, cwd=folder)
    assert done.returncode == 0, done.stderr
    files = files_in(out)
    kit = json.loads(files.pop("kit.json"))
    kit.pop("commit")
    return {**files, "kit.json": json.dumps(kit).encode()}


def _diff(folder: Path, images: Path) -> tuple[str, dict[str, tuple[int, int]]]:
    """What ``ohw diff --images`` says of the last commit, and its pictures'
    sizes (they are labelled with the commits, which differ)."""
    from PIL import Image

    done = run_ohw("diff", "HEAD~1", "HEAD", "--images", images, cwd=folder)
    assert done.returncode == 0, done.stderr
    _, _, changes = done.stdout.partition("\n")  # after "Design changes: commit A → commit B"
    pictures = {path.name: Image.open(path).size for path in images.iterdir()}
    return changes.replace(str(images), "IMAGES"), pictures


def _remixed(source_url: str, into: Path) -> dict:
    done = run_ohw("remix", source_url, "--part", "knob", "--as", "lamp-knob", cwd=into)
    assert done.returncode == 0, done.stderr
    part = next(p for p in read_manifest(into)["parts"] if p["id"] == "lamp-knob")
    part["from"].pop("url"), part["from"].pop("commit")
    return part


@pytest.fixture
def servers(tmp_path: Path) -> tuple[Path, Path]:
    """The desk lamp with a new knob, in LFS (ada) and not (plain); ada pushed
    by git and git-lfs to tmp_path/srv/ada/lamp.git (giftless wants an
    organisation before the repository), its objects to tmp_path/objects."""
    ada = _lamp_with_a_new_knob(tmp_path / "ada", lfs=True)
    plain = _lamp_with_a_new_knob(tmp_path / "plain", lfs=False)
    (tmp_path / "srv/ada").mkdir(parents=True)
    git("init", "-q", "--bare", tmp_path / "srv/ada/lamp.git", cwd=tmp_path)
    return ada, plain


def test_a_design_cloned_from_an_lfs_server_works_as_without_lfs(servers, tmp_path: Path):
    ada, plain = servers
    with smart_http(tmp_path / "srv", lfs=tmp_path / "objects") as base_url:
        url = f"{base_url}/ada/lamp.git"
        git("remote", "add", "origin", url, cwd=ada)
        git("push", "-q", "origin", "main", cwd=ada)  # git-lfs's hook sends the objects
        assert len(list((tmp_path / "objects").rglob("*"))) > 4
        done = run_ohw("clone", url, "lamp", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        clone = tmp_path / "lamp"
        remixer = desk_lamp_repository(tmp_path / "remixer")
        plain_remixer = desk_lamp_repository(tmp_path / "plain-remixer")
        remixed = _remixed(url, remixer)
    assert (clone / "parts/knob.stl").read_bytes() == HOLE.read_bytes()
    assert "parts/knob.stl" in lfs_files(clone)
    assert git("status", "--porcelain", cwd=clone) == ""
    plain_findings = _findings(plain)
    assert plain_findings[0] == 1 and plain_findings[1]
    assert _findings(clone) == plain_findings
    assert _diff(clone, tmp_path / "lfs-images") == _diff(plain, tmp_path / "plain-images")
    assert _kit(clone, tmp_path / "lfs-kit") == _kit(plain, tmp_path / "plain-kit")
    assert remixed == _remixed(str(plain), plain_remixer)
    # the remixed knob came with its object, and stays in LFS
    copied = "parts/desk-lamp/knob.stl"
    assert (remixer / copied).read_bytes() == HOLE.read_bytes()
    assert parse_pointer(git_bytes(remixer, "cat-file", "blob", f"HEAD:{copied}")) is not None
    assert git("check-attr", "filter", copied, cwd=remixer).endswith("filter: lfs\n")
    git("lfs", "fsck", cwd=remixer)
    # an object gone is its finding, and exit 1
    checkout_pointers(clone)
    remove_objects(clone)
    code, found = _findings(clone)
    assert code == 1
    assert {rule for rule, _, _ in found if rule.startswith("OHW3")} == set()
    assert sorted(file for rule, file, _ in found if rule == "OHW212") == [
        f"parts/{name}.stl" for name in ("arm", "base", "head", "knob")
    ]


def test_push_pull_fork_and_update_move_objects_through_a_file_remote(servers, tmp_path: Path):
    ada, _ = servers
    url = (tmp_path / "srv/ada/lamp.git").as_uri()
    git("remote", "add", "origin", url, cwd=ada)
    git("push", "-q", "-u", "origin", "main", cwd=ada)
    for name in ("bo", "cy"):
        assert run_ohw("clone", url, name, cwd=tmp_path).returncode == 0
    assert run_ohw("fork", url, "dee", cwd=tmp_path).returncode == 0
    bo, cy, dee = (tmp_path / name for name in ("bo", "cy", "dee"))
    new_arm = (ada / "parts/base.stl").read_bytes()
    (bo / "parts/arm.stl").write_bytes(new_arm)
    git("commit", "-qam", "A sturdier arm", cwd=bo)
    done = run_ohw("push", cwd=bo)
    assert done.returncode == 0, done.stderr
    for folder, command in ((cy, "pull"), (dee, "update")):
        done = run_ohw(command, cwd=folder)
        assert done.returncode == 0, done.stderr
        assert (folder / "parts/arm.stl").read_bytes() == new_arm
        assert git("status", "--porcelain", cwd=folder) == ""
        assert run_ohw("mesh", "parts/arm.stl", cwd=folder).returncode == 0
    # git agrees: a clone by git and git-lfs gets the arm from the remote's LFS store
    git("clone", "-q", url, tmp_path / "by-git", cwd=tmp_path)
    git("lfs", "install", "--local", cwd=tmp_path / "by-git")
    git("lfs", "pull", cwd=tmp_path / "by-git")
    assert (tmp_path / "by-git/parts/arm.stl").read_bytes() == new_arm


def test_a_remote_without_the_objects_is_a_clear_error(servers, tmp_path: Path):
    ada, _ = servers
    shutil.copytree(ada / ".git", tmp_path / "srv/ada/lamp.git", dirs_exist_ok=True)
    git("config", "core.bare", "true", cwd=tmp_path / "srv/ada/lamp.git")
    shutil.rmtree(tmp_path / "srv/ada/lamp.git/lfs")
    done = run_ohw("clone", (tmp_path / "srv/ada/lamp.git").as_uri(), "lamp", cwd=tmp_path)
    assert done.returncode == 2
    assert "git lfs fetch failed" in done.stderr
    assert not (tmp_path / "lamp").exists()


@pytest.mark.parametrize(
    "attributes",
    [
        {},
        {".gitattributes": "*.stl binary\n"},
        {".gitattributes": "*.stl filter=lfs diff=lfs merge=lfs -text\n"},
        {"parts/.gitattributes": "knob.stl filter=lfs diff=lfs merge=lfs -text\n"},
        {".gitattributes": "*.stl binary\n", "parts/.gitattributes": "*.3mf filter=lfs\n"},
        {"docs/.git/.gitattributes": "*.stl filter=lfs\n"},  # no file of the design
    ],
)
def test_a_fresh_clone_tells_from_its_files_what_libgit2_tells_from_head(
    tmp_path: Path, attributes: dict[str, str]
):
    """ohw clone asks the files checked out, not libgit2, whether the design
    keeps files in LFS: the same answer, without loading libgit2."""
    import pygit2

    from ohw.storage.vcs.lfs import checked_out_uses_lfs, uses_lfs

    lamp = desk_lamp_repository(tmp_path / "lamp")
    for path, text in attributes.items():
        if "/.git/" not in path:
            (lamp / path).parent.mkdir(parents=True, exist_ok=True)
            (lamp / path).write_text(text)
    git("add", "-A", cwd=lamp)
    git("commit", "-qm", "Attributes", "--allow-empty", cwd=lamp)
    git("clone", "-q", lamp, "clone", cwd=tmp_path)
    clone = tmp_path / "clone"
    for path, text in attributes.items():
        if "/.git/" in path:  # a repository's own files, as a nested .git could hold
            (clone / path).parent.mkdir(parents=True, exist_ok=True)
            (clone / path).write_text(text)
    expected = uses_lfs(pygit2.Repository(str(clone)))
    assert checked_out_uses_lfs(clone) is expected
    assert expected is any("filter=lfs" in t for p, t in attributes.items() if "/.git/" not in p)
