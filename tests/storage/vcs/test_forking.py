"""A clone made a fork (ohw.storage.vcs.forking): by git's command line from a
repository on this machine, by libgit2 from one served over HTTP, the same
fork, with git the judge of what was made."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from support.designs import commit_edit, init_and_commit, read_manifest
from support.lfs import git_bytes
from support.run import git, run_ohw
from support.servers import smart_http

# Each way of reaching the bare repository under srv/, and which clones it:
# git's command line for a path or a file:// URL, libgit2 over HTTP.
WAYS = ["path", "file-url", "http"]


@contextmanager
def url_of(way: str, served: Path, name: str) -> Iterator[str]:
    if way == "http":
        with smart_http(served) as base_url:
            yield f"{base_url}/{name}"
    else:
        yield str(served / name) if way == "path" else (served / name).as_uri()


def fork(way: str, served: Path, name: str, *arguments: str | Path, cwd: Path):
    with url_of(way, served, name) as url:
        return run_ohw("fork", url, *arguments, cwd=cwd)


def bare(source: Path, served: Path, name: str) -> Path:
    git("clone", "-q", "--bare", source, served / name, cwd=source.parent)
    return served / name


def shape(folder: Path) -> dict[str, object]:
    """What a fork is, as git sees it, leaving out what names where and when."""
    log = git("log", "--format=%an <%ae>|%cn <%ce>|%s|%P", "-2", cwd=folder).splitlines()
    return {
        "status": git("status", "--porcelain", "--ignored", cwd=folder),
        "log": log,
        "tree": git("ls-tree", "-r", "HEAD^", cwd=folder),
        "changed": git("diff", "--name-status", "HEAD^", "HEAD", cwd=folder),
        "tracking": git(
            "for-each-ref", "--format=%(refname) %(upstream)", "refs/heads", cwd=folder
        ),
        "remotes": git("remote", "-v", cwd=folder).count("upstream"),
        "head": git("symbolic-ref", "-q", "HEAD", cwd=folder),
    }


@pytest.mark.parametrize("at_a_revision", [False, True])
def test_git_and_libgit2_make_the_same_fork(served: Path, tmp_path: Path, at_a_revision: bool):
    ada = tmp_path / "ada"
    first = git("rev-parse", "HEAD", cwd=ada).strip()
    commit_edit(ada, "ohw.yaml", "version: 1.2.0", "version: 1.3.0")
    git("push", "-q", "origin", "main", cwd=ada)
    forked = git("rev-parse", "HEAD", cwd=ada).strip()
    revision = ["--rev", first] if at_a_revision else []
    shapes = []
    for way in WAYS:
        done = fork(way, served, "lamp.git", tmp_path / way, *revision, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        made = tmp_path / way
        expected = first if at_a_revision else forked
        assert git("rev-parse", "HEAD^", cwd=made).strip() == expected
        data = read_manifest(made)
        assert data["version"] == ("1.2.0" if at_a_revision else "1.3.0")
        assert data["lineage"][-1]["commit"] == expected
        assert f"at {expected[:7]}" in done.stdout
        git("fsck", "--strict", cwd=made)
        shapes.append(shape(made))
    assert shapes[0]["status"] == ""
    assert shapes[0]["changed"] == "M\tohw.yaml\n"
    assert shapes[0]["tracking"] == "refs/heads/main \n"
    assert shapes[0] == shapes[1] == shapes[2]


def test_the_manifest_keeps_its_bytes_but_for_the_lineage(served: Path, tmp_path: Path):
    """Comments, order and line ends of the upstream's manifest stay as they are."""
    ada = tmp_path / "ada"
    upstream = b"# Ada's lamp\r\n" + (ada / "ohw.yaml").read_bytes().replace(b"\n", b"\r\n")
    (ada / "ohw.yaml").write_bytes(upstream)
    git("commit", "-qam", "CRLF and a comment", cwd=ada)
    git("push", "-q", "origin", "main", cwd=ada)
    for way in WAYS:
        assert fork(way, served, "lamp.git", tmp_path / way, cwd=tmp_path).returncode == 0
        made = (tmp_path / way / "ohw.yaml").read_bytes()
        assert made.startswith(upstream)
        assert b"\r\nlineage:\r\n" in made[len(upstream) - 2 :]
        assert made == git_bytes(tmp_path / way, "show", "HEAD:ohw.yaml")


@pytest.mark.parametrize("way", WAYS)
def test_a_manifest_that_is_a_link_is_refused(tmp_path: Path, way: str):
    source = tmp_path / "linked"
    source.mkdir()
    (source / "real.yaml").write_text("name: linked\n")
    (source / "ohw.yaml").symlink_to("real.yaml")
    init_and_commit(source, "a manifest that is a link")
    served = tmp_path / "srv"
    bare(source, served, "linked.git")
    done = fork(way, served, "linked.git", "copy", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "ohw.yaml of" in done.stderr and "is not a file" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linked", "srv"]


@pytest.mark.parametrize("way", WAYS)
def test_an_empty_repository_and_an_unknown_revision_are_refused(tmp_path: Path, way: str):
    served = tmp_path / "srv"
    served.mkdir()
    git("init", "-q", "--bare", served / "empty.git", cwd=served)
    empty = fork(way, served, "empty.git", "copy", cwd=tmp_path)
    assert empty.returncode == 2, empty.stderr
    assert "has no commits" in empty.stderr
    desk = tmp_path / "desk"
    desk.mkdir()
    (desk / "ohw.yaml").write_text("name: desk\n")
    init_and_commit(desk, "a design")
    bare(desk, served, "desk.git")
    unknown = fork(way, served, "desk.git", "copy", "--rev", "no-such-tag", cwd=tmp_path)
    assert unknown.returncode == 2, unknown.stderr
    assert "unknown revision 'no-such-tag'" in unknown.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk", "srv"]


@pytest.mark.parametrize("way", ["path", "http"])
def test_a_source_whose_head_names_no_branch_is_forked_there(tmp_path: Path, way: str):
    desk = tmp_path / "desk"
    desk.mkdir()
    (desk / "ohw.yaml").write_text("name: desk\n")
    init_and_commit(desk, "a design")
    served = tmp_path / "srv"
    source = bare(desk, served, "desk.git")
    head = git("rev-parse", "HEAD", cwd=source).strip()
    git("update-ref", "--no-deref", "HEAD", head, cwd=source)
    done = fork(way, served, "desk.git", "copy", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    copy = tmp_path / "copy"
    assert git("rev-parse", "HEAD^", cwd=copy).strip() == head
    assert read_manifest(copy)["lineage"][0]["commit"] == head
    assert git("status", "--porcelain", cwd=copy) == ""
