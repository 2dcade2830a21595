"""Clone, fork, update, pull and push (ohw.storage.vcs.remote) over real remotes
on loopback: a bare repository by path and by file://, `git daemon`, and smart HTTP."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from support.designs import (
    commit_edit,
    desk_lamp_repository,
    files_in,
    init_and_commit,
    read_bom,
    read_manifest,
)
from support.run import git, run_ohw
from support.servers import git_daemon, silent_server, smart_http

from ohw.errors import OhwError


def bom_text(folder: Path) -> str:
    return (folder / "bom.yaml").read_text()


def test_the_scenario_fork_over_http_edit_both_sides_update_resolve_and_remix(
    served: Path, tmp_path: Path
):
    """The issue's "done when": Ada serves her lamp over HTTP, Bo forks it, both
    edit, Bo updates (clean, then a precise conflict settled with ohw resolve),
    Cy remixes a part from each with credits for both, and a remix from an
    NC-licensed design is refused; git agrees with everything."""
    ada = tmp_path / "ada"
    with smart_http(served) as base_url:
        url = f"{base_url}/lamp.git"
        bo = _fork_and_update(tmp_path, url)
        cy, started, ada_head, bo_head = _remix_from_both(tmp_path, served, base_url)
        _refuse_non_commercial(tmp_path, served, base_url, cy)

    # git agrees with everything
    assert git("status", "--porcelain", cwd=cy) == "?? ATTRIBUTION.md\n"
    for repository in (ada, bo, cy, served / "lamp.git", served / "bo-lamp.git"):
        git("fsck", "--strict", cwd=repository)
    assert git("log", "--format=%s", f"{started}..HEAD", cwd=cy).splitlines() == [
        f"Remix knob from bo-lamp at {bo_head[:7]}",
        f"Remix base from desk-lamp at {ada_head[:7]}",
    ]
    assert git("for-each-ref", "--format=%(refname) %(objectname)", "refs/ohw", cwd=cy) == (
        f"refs/ohw/remix/bo-lamp/{bo_head} {bo_head}\n"
        f"refs/ohw/remix/desk-lamp/{ada_head} {ada_head}\n"
    )


def _fork_and_update(tmp_path: Path, url: str) -> Path:
    """Bo forks Ada's lamp; both edit; Bo updates, cleanly and then with a conflict."""
    ada = tmp_path / "ada"
    forked = run_ohw("fork", url, "bo-lamp", "--name", "bo-lamp", cwd=tmp_path)
    assert forked.returncode == 0, forked.stderr
    bo = tmp_path / "bo-lamp"
    data = read_manifest(bo)
    assert data["name"] == "bo-lamp"
    (entry,) = data["lineage"]
    assert entry["relation"] == "fork" and entry["design"] == "desk-lamp"
    assert entry["url"] == url
    assert entry["commit"] == git("rev-parse", "HEAD~1", cwd=bo).strip()
    assert entry["license"]["hardware"] == "CERN-OHL-S-2.0"
    assert git("remote", cwd=bo) == "upstream\n"
    git("fsck", "--strict", cwd=bo)
    assert run_ohw("check", cwd=bo).returncode == 0

    # independent edits: Ada changes a price and the base's infill, Bo a
    # quantity, the version and the authors
    commit_edit(ada, "bom.yaml", "unit-price: 2.35", "unit-price: 2.55")
    commit_edit(ada, "ohw.yaml", "infill: 40", "infill: 50")
    pushed = run_ohw("push", cwd=ada)
    assert pushed.returncode == 0, pushed.stderr
    commit_edit(bo, "bom.yaml", "quantity: 0.3", "quantity: 0.5")
    commit_edit(bo, "ohw.yaml", "version: 1.2.0", "version: 1.2.0-bo")
    commit_edit(
        bo,
        "ohw.yaml",
        "    email: grace@example.org\n",
        "    email: grace@example.org\n  - name: Bo Filament\n    email: bo@example.org\n",
    )
    updated = run_ohw("update", cwd=bo)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert "unit-price: 2.55" in bom_text(bo) and "quantity: 0.5" in bom_text(bo)
    data = read_manifest(bo)
    assert data["name"] == "bo-lamp" and data["version"] == "1.2.0-bo"
    assert data["parts"][0]["print"]["infill"] == 50
    assert [a["name"] for a in data["authors"]] == ["Ada Maker", "Grace Solder", "Bo Filament"]

    # the same field both ways: a precise conflict, settled with ohw resolve
    commit_edit(
        ada,
        "bom.yaml",
        "quantity: 1\n    category: electronics\n    notes: Only",
        "quantity: 2\n    category: electronics\n    notes: Only",
    )
    assert run_ohw("push", cwd=ada).returncode == 0
    commit_edit(
        bo,
        "bom.yaml",
        "quantity: 1\n    category: electronics\n    notes: Only",
        "quantity: 3\n    category: electronics\n    notes: Only",
    )
    conflicted = run_ohw("update", cwd=bo)
    assert conflicted.returncode == 1
    assert "bom usb-cable quantity: base 1, ours 3, theirs 2" in conflicted.stdout
    assert git("status", "--porcelain", cwd=bo) == "UU bom.yaml\n"
    assert run_ohw("resolve", "bom.yaml", "--ours", cwd=bo).returncode == 0
    assert run_ohw("merge", "--continue", cwd=bo).returncode == 0
    git("fsck", "--strict", cwd=bo)
    assert git("status", "--porcelain", cwd=bo) == ""
    assert run_ohw("check", cwd=bo).returncode == 0
    assert "quantity: 3\n    category: electronics\n    notes: Only" in bom_text(bo)
    return bo


def _remix_from_both(tmp_path: Path, served: Path, base_url: str) -> tuple[Path, str, str, str]:
    """Bo publishes his fork; Cy remixes a part from Ada's lamp and one from Bo's."""
    ada, bo, url = tmp_path / "ada", tmp_path / "bo-lamp", f"{base_url}/lamp.git"
    # Bo publishes his fork next to Ada's lamp
    git("init", "-q", "--bare", served / "bo-lamp.git", cwd=tmp_path)
    git("remote", "add", "origin", served / "bo-lamp.git", cwd=bo)
    assert run_ohw("push", "origin", "main", cwd=bo).returncode == 0
    bo_url = f"{base_url}/bo-lamp.git"

    # Cy remixes Ada's base and Bo's knob into a lamp of her own
    assert run_ohw("init", "cy-lamp", cwd=tmp_path).returncode == 0
    cy = tmp_path / "cy-lamp"
    started = git("rev-parse", "HEAD", cwd=cy).strip()
    from_ada = run_ohw("remix", url, "--part", "base", "--with-bom", cwd=cy)
    assert from_ada.returncode == 0, from_ada.stderr
    from_bo = run_ohw("remix", bo_url, "--part", "knob", "--json", cwd=cy)
    assert from_bo.returncode == 0, from_bo.stderr
    data = read_manifest(cy)
    base, knob = data["parts"]
    ada_head = git("rev-parse", "main", cwd=ada).strip()
    bo_head = git("rev-parse", "main", cwd=bo).strip()
    assert base["from"] == {
        "design": "desk-lamp", "url": url, "commit": ada_head, "part": "base",
        "license": {"hardware": "CERN-OHL-S-2.0", "documentation": "CC-BY-SA-4.0"},
    }  # fmt: skip
    assert (knob["from"]["design"], knob["from"]["commit"]) == ("bo-lamp", bo_head)
    assert (cy / "parts/desk-lamp/base.stl").read_bytes() == (ada / "parts/base.stl").read_bytes()
    assert (cy / "parts/bo-lamp/knob.stl").read_bytes() == (bo / "parts/knob.stl").read_bytes()
    assert [e["design"] for e in data["lineage"]] == ["desk-lamp", "bo-lamp"]
    assert [item["id"] for item in read_bom(cy)["items"]] == [
        "m3x25", "m3-nut", "m3-washer"
    ]  # fmt: skip
    assert run_ohw("check", cwd=cy).returncode == 0

    credits = run_ohw("credits", "--json", cwd=cy)
    assert credits.returncode == 0, credits.stderr
    upstream = json.loads(credits.stdout)["upstream"]
    direct = [(u["design"], u["commit"], u["depth"]) for u in upstream if u["depth"] == 1]
    assert direct == [("desk-lamp", ada_head, 1), ("bo-lamp", bo_head, 1)]
    authors = {u["design"]: [a["name"] for a in u["authors"]] for u in upstream}
    assert authors["bo-lamp"] == ["Ada Maker", "Grace Solder", "Bo Filament"]
    assert authors["desk-lamp"] == ["Ada Maker", "Grace Solder"]
    # through Bo's fork, Cy's lamp also builds on the lamp Bo forked
    forked = [u for u in upstream if u["depth"] == 2]
    assert [(u["design"], u["relations"], u["via"]) for u in forked] == [
        ("desk-lamp", ["fork"], "bo-lamp")
    ]
    assert all(u["followed"] for u in upstream)
    written = run_ohw("credits", "--write", cwd=cy)
    assert written.returncode == 0 and "Wrote ATTRIBUTION.md" in written.stdout
    attribution = (cy / "ATTRIBUTION.md").read_text()
    assert "Bo Filament" in attribution and ada_head in attribution and bo_head in attribution
    return cy, started, ada_head, bo_head


def _refuse_non_commercial(tmp_path: Path, served: Path, base_url: str, cy: Path) -> None:
    # a design licensed for non-commercial use only cannot be remixed
    dee = desk_lamp_repository(tmp_path / "dee")
    commit_edit(dee, "ohw.yaml", "hardware: CERN-OHL-S-2.0", "hardware: CC-BY-NC-4.0")
    git("clone", "-q", "--bare", dee, served / "dee-lamp.git", cwd=tmp_path)
    before = git("rev-parse", "HEAD", cwd=cy)
    refused = run_ohw("remix", f"{base_url}/dee-lamp.git", "--part", "arm", cwd=cy)
    assert refused.returncode == 2
    assert "CC-BY-NC-4.0 forbids commercial use" in refused.stderr
    assert git("rev-parse", "HEAD", cwd=cy) == before
    assert not (cy / "parts" / "desk-lamp" / "arm.stl").exists()


def test_clone_and_push_over_git_daemon_and_a_rejected_push(served: Path, tmp_path: Path):
    with git_daemon(served) as base_url:
        cloned = run_ohw("clone", f"{base_url}/lamp.git", "mine", cwd=tmp_path)
        assert cloned.returncode == 0, cloned.stderr
        mine = tmp_path / "mine"
        assert read_manifest(mine)["name"] == "desk-lamp"
        git("fsck", "--strict", cwd=mine)
        commit_edit(mine, "ohw.yaml", "version: 1.2.0", "version: 1.2.1")
        pushed = run_ohw("push", cwd=mine)
        assert pushed.returncode == 0, pushed.stderr
        assert git("log", "-1", "--format=%s", "main", cwd=served / "lamp.git").startswith(
            "ohw.yaml"
        )
        # Ada pushes meanwhile; my next push is rejected, and pull brings hers in
        ada = tmp_path / "ada"
        git("pull", "-q", "--no-rebase", cwd=ada)
        commit_edit(ada, "bom.yaml", "unit-price: 2.35", "unit-price: 2.55")
        git("push", "-q", "origin", "main", cwd=ada)
        commit_edit(mine, "bom.yaml", "quantity: 0.3", "quantity: 0.5")
        rejected = run_ohw("push", cwd=mine)
        assert rejected.returncode == 2
        assert "rejected the push of main" in rejected.stderr
        assert "ohw pull" in rejected.stderr
        pulled = run_ohw("pull", cwd=mine)
        assert pulled.returncode == 0, pulled.stdout + pulled.stderr
        assert run_ohw("push", cwd=mine).returncode == 0
        git("fsck", "--strict", cwd=served / "lamp.git")


@pytest.mark.parametrize("kind", ["path", "file-url"])
def test_fork_from_a_bare_repository_at_a_revision(served: Path, tmp_path: Path, kind: str):
    ada = tmp_path / "ada"
    first = git("rev-parse", "HEAD", cwd=ada).strip()
    commit_edit(ada, "ohw.yaml", "version: 1.2.0", "version: 1.3.0")
    git("push", "-q", "origin", "main", cwd=ada)
    source = served / "lamp.git"
    url = str(source) if kind == "path" else source.as_uri()
    done = run_ohw("fork", url, "old", "--rev", first, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = read_manifest(tmp_path / "old")
    assert data["version"] == "1.2.0"
    assert data["lineage"][0]["commit"] == first


@pytest.mark.parametrize(
    "url",
    ["ext::sh -c touch% pwned", "-uhello", "fd::17", "--upload-pack=touch pwned", "hg::http://x/"],
)
def test_urls_that_run_commands_are_refused_before_anything_runs(tmp_path: Path, url: str):
    for command in (["clone", url, "dest"], ["fork", url, "dest"]):
        done = run_ohw(*command, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == []


QUICK_TIMEOUT = {"OHW_TIMEOUT": "1", "OHW_CONNECT_TIMEOUT": "1"}


@pytest.mark.parametrize("command", ["clone", "fork"])
def test_a_remote_that_never_answers_times_out(tmp_path: Path, command: str):
    with silent_server() as port:
        started = time.monotonic()
        done = run_ohw(
            command, f"http://127.0.0.1:{port}/lamp.git", "dest", cwd=tmp_path, env=QUICK_TIMEOUT
        )
    assert done.returncode == 2
    assert "did not answer in time (1 s)" in done.stderr
    assert "OHW_TIMEOUT" in done.stderr
    assert time.monotonic() - started < 30
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["pull"], ["update"], ["push"]])
def test_fetch_and_push_time_out_on_a_remote_that_never_answers(
    served: Path, tmp_path: Path, command: list[str]
):
    ada = tmp_path / "ada"
    git("remote", "add", "upstream", served / "lamp.git", cwd=ada)
    commit_edit(ada, "ohw.yaml", "version: 1.2.0", "version: 1.2.1")
    head = git("rev-parse", "HEAD", "origin/main", cwd=ada)
    with silent_server() as port:
        for remote in ("origin", "upstream"):
            git("remote", "set-url", remote, f"http://127.0.0.1:{port}/lamp.git", cwd=ada)
        started = time.monotonic()
        done = run_ohw(*command, cwd=ada, env=QUICK_TIMEOUT)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"http://127.0.0.1:{port}/lamp.git did not answer in time (1 s)" in done.stderr
    assert time.monotonic() - started < 30
    assert git("rev-parse", "HEAD", "origin/main", cwd=ada) == head
    assert git("status", "--porcelain", cwd=ada) == ""
    git("fsck", "--strict", cwd=ada)


def test_nothing_listening_and_no_repository(served: Path, tmp_path: Path):
    with silent_server() as port:
        pass  # the port is free again: nothing listens on it
    refused = run_ohw("clone", f"http://127.0.0.1:{port}/lamp.git", cwd=tmp_path)
    assert refused.returncode == 2 and "cannot connect" in refused.stderr
    with smart_http(served) as base_url:
        missing = run_ohw("clone", f"{base_url}/nothing.git", cwd=tmp_path)
    assert missing.returncode == 2 and "no git repository at" in missing.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ada", "srv"]


def test_a_push_the_server_refuses_is_an_error(served: Path, tmp_path: Path):
    """pygit2 does not raise when the server refuses a ref: ohw must notice."""
    hook = served / "lamp.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'main is protected' >&2\nexit 1\n")
    hook.chmod(0o755)
    ada = tmp_path / "ada"
    commit_edit(ada, "ohw.yaml", "version: 1.2.0", "version: 1.2.1")
    with git_daemon(served) as base_url:
        git("remote", "set-url", "origin", f"{base_url}/lamp.git", cwd=ada)
        done = run_ohw("push", cwd=ada)
    assert done.returncode == 2
    assert "origin rejected the push of main" in done.stderr
    assert git("rev-parse", "main", cwd=served / "lamp.git") != git("rev-parse", "main", cwd=ada)


def test_fork_of_something_that_is_not_a_design(tmp_path: Path):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "README.md").write_text("no manifest here\n")
    init_and_commit(plain, "readme")
    done = run_ohw("fork", plain, "copy", cwd=tmp_path)
    assert done.returncode == 2 and "not an ohw design" in done.stderr
    assert not (tmp_path / "copy").exists()


@pytest.mark.parametrize("command", ["update", "pull"])
def test_update_and_pull_in_a_copied_work_tree_leave_git_s_index_fresh(
    served: Path, tmp_path: Path, command: str
):
    """The fetch refreshes git's index (the merge after it does not again):
    in a copied clone, whose every index record is stale, none is left so."""
    git("clone", "-q", served / "lamp.git", tmp_path / "grace", cwd=tmp_path)
    commit_edit(tmp_path / "grace", "bom.yaml", "unit-price: 2.35", "unit-price: 2.55")
    git("push", "-q", "origin", "main", cwd=tmp_path / "grace")
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path / "ada", copy, symlinks=True)
    git("remote", "add", "upstream", served / "lamp.git", cwd=copy)
    assert git("diff-files", "--name-only", cwd=copy) != ""
    done = run_ohw(command, cwd=copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert git("rev-parse", "HEAD", cwd=copy) == git("rev-parse", "HEAD", cwd=tmp_path / "grace")
    assert git("diff-files", "--name-only", cwd=copy) == ""


@pytest.mark.parametrize("fast_forward", [True, False])
@pytest.mark.parametrize("command", ["update", "pull"])
def test_update_and_pull_ask_who_commits_only_for_a_merge_commit(
    served: Path, tmp_path: Path, command: str, fast_forward: bool
):
    """As git: a fast-forward needs no author; where git cannot name one, a
    merge that needs a commit is refused before anything is written, and only
    what was fetched stays fetched."""
    ada = tmp_path / "ada"
    git("clone", "-q", served / "lamp.git", tmp_path / "grace", cwd=tmp_path)
    commit_edit(tmp_path / "grace", "bom.yaml", "unit-price: 2.35", "unit-price: 2.55")
    git("push", "-q", "origin", "main", cwd=tmp_path / "grace")
    git("remote", "add", "upstream", served / "lamp.git", cwd=ada)
    if not fast_forward:
        commit_edit(ada, "README.md", "", "A note.\n")
    git("config", "user.useConfigOnly", "true", cwd=ada)
    nobody = tmp_path / "nobody.gitconfig"
    nobody.write_text("")
    before = files_in(ada, skip_git=True)
    head = git("rev-parse", "HEAD", cwd=ada)
    done = run_ohw(command, cwd=ada, env={"GIT_CONFIG_GLOBAL": str(nobody), "EMAIL": ""})
    theirs = git("rev-parse", "HEAD", cwd=tmp_path / "grace")
    remote = "upstream" if command == "update" else "origin"
    assert git("rev-parse", f"{remote}/main", cwd=ada) == theirs
    assert "Traceback" not in done.stderr
    if fast_forward:
        assert done.returncode == 0, done.stdout + done.stderr
        assert git("rev-parse", "HEAD", cwd=ada) == theirs
    else:
        assert done.returncode == 2, done.stdout + done.stderr
        assert "git does not know who you are" in done.stderr
        assert git("rev-parse", "HEAD", cwd=ada) == head
        assert files_in(ada, skip_git=True) == before
        assert not (ada / ".git" / "MERGE_HEAD").exists()
    assert git("status", "--porcelain", cwd=ada) == ""


@pytest.mark.parametrize("command", ["update", "pull"])
def test_update_and_pull_never_overwrite_uncommitted_edits(
    served: Path, tmp_path: Path, command: str
):
    ada = tmp_path / "ada"
    git("clone", "-q", served / "lamp.git", tmp_path / "grace", cwd=tmp_path)
    grace = tmp_path / "grace"
    commit_edit(grace, "bom.yaml", "unit-price: 2.35", "unit-price: 2.55")
    git("push", "-q", "origin", "main", cwd=grace)
    git("remote", "add", "upstream", served / "lamp.git", cwd=ada)
    (ada / "bom.yaml").write_text(bom_text(ada) + "# my note\n")
    (ada / "README.md").write_text("staged, not committed\n")
    git("add", "README.md", cwd=ada)
    head = git("rev-parse", "HEAD", cwd=ada)
    done = run_ohw(command, cwd=ada)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "would overwrite uncommitted changes: README.md, bom.yaml" in done.stderr
    assert bom_text(ada).endswith("# my note\n")
    assert (ada / "README.md").read_text() == "staged, not committed\n"
    assert git("rev-parse", "HEAD", cwd=ada) == head
    assert not (ada / ".git" / "MERGE_HEAD").exists()
    assert git("status", "--porcelain", cwd=ada) == "M  README.md\n M bom.yaml\n"


def test_fork_into_a_folder_that_holds_files_refuses_and_keeps_them(served: Path, tmp_path: Path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.md").write_text("my notes\n")
    done = run_ohw("fork", served / "lamp.git", mine, cwd=tmp_path)
    assert done.returncode == 2
    assert f"{mine} already exists and is not empty" in done.stderr.replace("\n", "")
    assert sorted(p.name for p in mine.iterdir()) == ["notes.md"]
    assert (mine / "notes.md").read_text() == "my notes\n"
    assert not list(tmp_path.glob(".mine.ohw-incomplete-*"))


def test_clone_into_the_empty_folder_one_is_in(served: Path, tmp_path: Path):
    here = tmp_path / "here"
    here.mkdir()
    inode = here.stat().st_ino
    done = run_ohw("clone", served / "lamp.git", ".", cwd=here)
    assert done.returncode == 0, done.stderr
    assert here.stat().st_ino == inode  # the same folder, filled: a shell in it sees the clone
    assert read_manifest(here)["name"] == "desk-lamp"
    assert git("status", "--porcelain", cwd=here) == ""
    git("fsck", "--strict", cwd=here)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ada", "here", "srv"]


def test_clone_where_no_folder_can_be_made_is_an_error(served: Path, tmp_path: Path):
    (tmp_path / "notes.txt").write_text("a file, not a folder\n")
    done = run_ohw("clone", served / "lamp.git", "notes.txt/lamp", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "cannot make notes.txt/lamp" in done.stderr
    assert (tmp_path / "notes.txt").read_text() == "a file, not a folder\n"


# --- remotes as people know them from GitHub forks -----------------------------------


def test_a_fork_publishes_to_origin_pulls_from_it_and_updates_from_upstream(
    served: Path, tmp_path: Path
):
    """The fork's own work goes to 'origin' and comes back from it; 'upstream' is
    where it was forked from. Every hint names a command that works: no loop of
    a rejected push, a pull from the wrong remote and the same push again."""
    ada = tmp_path / "ada"
    with smart_http(served) as base_url:
        assert run_ohw("fork", f"{base_url}/lamp.git", "bo", cwd=tmp_path).returncode == 0
        bo = tmp_path / "bo"
        # the fork tracks nothing yet: its source is upstream, and origin is Bo's own
        assert git("for-each-ref", "--format=%(upstream)", "refs/heads/main", cwd=bo) == "\n"
        nothing = run_ohw("pull", cwd=bo)
        assert nothing.returncode == 2
        assert "no remote 'origin'" in nothing.stderr
        assert "`ohw update`" in nothing.stderr and "`ohw push`" in nothing.stderr

        # Bo publishes his fork: the first push makes main track origin/main
        git("init", "-q", "--bare", served / "bo.git", cwd=tmp_path)
        git("remote", "add", "origin", f"{base_url}/bo.git", cwd=bo)
        pushed = run_ohw("push", cwd=bo)
        assert pushed.returncode == 0, pushed.stderr
        assert "main now tracks origin/main" in pushed.stdout
        assert "Your branch is up to date with 'origin/main'" in git("status", cwd=bo)

        # a second clone of Bo's fork (his other computer) pushes first
        git("clone", "-q", served / "bo.git", tmp_path / "bo-laptop", cwd=tmp_path)
        laptop = tmp_path / "bo-laptop"
        commit_edit(laptop, "bom.yaml", "unit-price: 2.35", "unit-price: 2.45")
        git("push", "-q", "origin", "main", cwd=laptop)
        commit_edit(bo, "bom.yaml", "quantity: 0.3", "quantity: 0.5")
        rejected = run_ohw("push", cwd=bo)
        assert rejected.returncode == 2
        assert "origin rejected the push of main" in rejected.stderr
        assert "`ohw pull origin`" in rejected.stderr
        # the command the hint names brings the laptop's commit, and the push goes
        pulled = run_ohw("pull", "origin", cwd=bo)
        assert pulled.returncode == 0, pulled.stdout + pulled.stderr
        assert "Already up to date" not in pulled.stdout
        assert "unit-price: 2.45" in bom_text(bo) and "quantity: 0.5" in bom_text(bo)
        assert run_ohw("push", cwd=bo).returncode == 0
        assert git("rev-parse", "main", cwd=served / "bo.git") == git("rev-parse", "HEAD", cwd=bo)

        # Ada's new work comes in by ohw update (or ohw pull upstream), never by ohw pull
        commit_edit(ada, "ohw.yaml", "infill: 40", "infill: 50")
        git("push", "-q", "origin", "main", cwd=ada)
        assert "Already up to date" in run_ohw("pull", cwd=bo).stdout
        updated = run_ohw("pull", "upstream", cwd=bo)
        assert updated.returncode == 0, updated.stdout + updated.stderr
        assert read_manifest(bo)["parts"][0]["print"]["infill"] == 50
        assert run_ohw("push", cwd=bo).returncode == 0
    git("fsck", "--strict", cwd=served / "bo.git")
    # and plain git agrees: main tracks origin/main, which has all of it
    assert git("rev-parse", "@{upstream}", cwd=bo) == git("rev-parse", "HEAD", cwd=bo)


def test_pull_of_a_branch_the_remote_lacks_names_the_command_that_publishes_it(
    served: Path, tmp_path: Path
):
    ada = tmp_path / "ada"
    git("checkout", "-q", "-b", "metric", cwd=ada)
    missing = run_ohw("pull", cwd=ada)
    assert missing.returncode == 2
    assert "origin has no branch metric" in missing.stderr
    assert "`ohw push origin`" in missing.stderr
    assert run_ohw("push", "origin", cwd=ada).returncode == 0
    assert run_ohw("pull", cwd=ada).returncode == 0
    assert git("rev-parse", "--abbrev-ref", "@{upstream}", cwd=ada) == "origin/metric\n"


def test_a_push_that_tracks_a_branch_already_keeps_it(served: Path, tmp_path: Path):
    ada = tmp_path / "ada"
    git("init", "-q", "--bare", tmp_path / "mirror.git", cwd=tmp_path)
    git("remote", "add", "mirror", tmp_path / "mirror.git", cwd=ada)
    pushed = run_ohw("push", "mirror", cwd=ada)
    assert pushed.returncode == 0, pushed.stderr
    assert "now tracks" not in pushed.stdout
    assert git("rev-parse", "--abbrev-ref", "@{upstream}", cwd=ada) == "origin/main\n"


@pytest.mark.parametrize("command", ["clone", "fork"])
@pytest.mark.parametrize("kind", ["path", "file-url", "http"])
def test_folders_made_by_clone_and_fork_have_the_modes_git_gives(
    served: Path, tmp_path: Path, command: str, kind: str
):
    source = served / "lamp.git"
    old = os.umask(0o027)
    try:
        with smart_http(served) as base_url:
            url = {"path": str(source), "file-url": source.as_uri()}.get(
                kind, f"{base_url}/lamp.git"
            )
            git("clone", "-q", url, tmp_path / "by-git", cwd=tmp_path)
            done = run_ohw(command, url, "by-ohw", cwd=tmp_path)
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    for name in ("", "parts", ".git", ".git/objects"):
        made_by_git = (tmp_path / "by-git" / name).stat().st_mode & 0o777
        assert (tmp_path / "by-ohw" / name).stat().st_mode & 0o777 == made_by_git == 0o750, name


def test_remix_pins_travel_so_a_fresh_clone_follows_a_three_level_lineage(
    served: Path, tmp_path: Path
):
    """Bo remixes Ada's base, Cy remixes Bo's, each publishing over HTTP with
    ohw push; a fresh clone of Cy's design, by ohw clone, ohw fork or git clone
    and ohw pull, credits Ada through Bo: the commits the remixes are pinned to
    (refs/ohw/*) travel with the design."""
    ada_head = git("rev-parse", "HEAD", cwd=tmp_path / "ada").strip()
    with smart_http(served) as base_url:
        for name, source in (("bo", f"{base_url}/lamp.git"), ("cy", f"{base_url}/bo.git")):
            assert run_ohw("init", name, cwd=tmp_path).returncode == 0
            remixed = run_ohw("remix", source, "--part", "base", cwd=tmp_path / name)
            assert remixed.returncode == 0, remixed.stderr
            git("init", "-q", "--bare", served / f"{name}.git", cwd=tmp_path)
            git("remote", "add", "origin", f"{base_url}/{name}.git", cwd=tmp_path / name)
            pushed = run_ohw("push", cwd=tmp_path / name)
            assert pushed.returncode == 0, pushed.stderr
        bo_head = git("rev-parse", "HEAD", cwd=tmp_path / "bo").strip()
        pins = git("for-each-ref", "--format=%(refname)", "refs/ohw", cwd=served / "cy.git")
        assert pins.split() == [
            f"refs/ohw/remix/bo/{bo_head}",
            f"refs/ohw/remix/desk-lamp/{ada_head}",
        ]
        url = f"{base_url}/cy.git"
        assert run_ohw("clone", url, "dee", cwd=tmp_path).returncode == 0
        assert run_ohw("fork", url, "eve", "--name", "eve", cwd=tmp_path).returncode == 0
        git("clone", "-q", url, tmp_path / "fay", cwd=tmp_path)
        fay = tmp_path / "fay"
        before = credited(fay)
        assert run_ohw("pull", cwd=fay).returncode == 0  # git's clone had no pins; ohw fetches them
    assert before == {("bo", 1, False)}  # its commit is not here: nothing further is known
    for clone in ("dee", "fay"):
        assert credited(tmp_path / clone) == {("bo", 1, True), ("desk-lamp", 2, True)}, clone
    # a fork keeps its parts' origins, and adds the design it was forked from
    assert credited(tmp_path / "eve") == {("cy", 1, True), ("bo", 1, True), ("desk-lamp", 2, True)}
    lineage = run_ohw("lineage", cwd=tmp_path / "dee")
    assert lineage.returncode == 0 and "not available locally" not in lineage.stdout
    # and plain git fetches them too, from a clone ohw made
    assert "+refs/ohw/*:refs/ohw/*" in git(
        "config", "--get-all", "remote.origin.fetch", cwd=tmp_path / "dee"
    )


def credited(folder: Path) -> set[tuple[str, int, bool]]:
    """What ``ohw credits`` says a design builds on: design, depth, followed."""
    done = run_ohw("credits", "--json", cwd=folder)
    assert done.returncode == 0, done.stderr
    return {(u["design"], u["depth"], u["followed"]) for u in json.loads(done.stdout)["upstream"]}


@pytest.mark.parametrize("kind", ["path", "file-url"])
def test_a_clone_of_this_machine_is_the_clone_git_makes_with_the_remix_pins(
    served: Path, tmp_path: Path, kind: str
):
    """ohw clone (git's command line, checking out in parallel, LFS asked of
    the files checked out) gives what `git clone` gives, and refs/ohw/* too."""
    source = served / "lamp.git"
    git("update-ref", "refs/ohw/remix/pin", "HEAD", cwd=source)
    for number in range(20):  # more files than git's checkout starts its workers for
        (tmp_path / "ada" / "parts" / f"spare-{number}.stl").write_bytes(os.urandom(3000))
    git("add", "-A", cwd=tmp_path / "ada")
    git("commit", "-qm", "Spares", cwd=tmp_path / "ada")
    git("push", "-q", "origin", "main", cwd=tmp_path / "ada")
    url = str(source) if kind == "path" else source.as_uri()
    done = run_ohw("clone", url, "ours", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    git("clone", "-q", url, "theirs", cwd=tmp_path)
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    assert files_in(ours, skip_git=True) == files_in(theirs, skip_git=True)
    assert git("ls-files", "-s", cwd=ours) == git("ls-files", "-s", cwd=theirs)
    assert git("status", "--porcelain", cwd=ours) == ""
    pin = git("rev-parse", "refs/ohw/remix/pin", cwd=source)
    assert git("rev-parse", "refs/ohw/remix/pin", cwd=ours) == pin
    assert git("rev-parse", "--abbrev-ref", "main@{upstream}", cwd=ours).strip() == "origin/main"


def test_pull_and_update_fetch_with_git_before_libgit2_loads(served: Path, tmp_path: Path):
    """From a repository on this machine, git fetches (with refs/ohw/*) before
    libgit2 is loaded; anything the fetch's checks would refuse, or a remote
    elsewhere, is left to the fetch through libgit2, which says why."""
    from ohw.storage.vcs.remote import fetch_before_loading

    ada = tmp_path / "ada"
    git("clone", "-q", served / "lamp.git", "bo", cwd=tmp_path)
    bo = tmp_path / "bo"
    commit_edit(ada, "ohw.yaml", "version: 1.2.0", "version: 1.2.1")
    git("update-ref", "refs/ohw/remix/pin", "HEAD", cwd=ada)
    git("push", "-q", "origin", "main", "refs/ohw/remix/pin", cwd=ada)
    loaded: list[bool] = []
    assert fetch_before_loading(
        bo, "origin", on_a_branch=True, meanwhile=lambda: loaded.append(True)
    )
    assert loaded == [True]
    assert git("rev-parse", "origin/main", "refs/ohw/remix/pin", cwd=bo) == git(
        "rev-parse", "HEAD", "HEAD", cwd=ada
    )
    git("remote", "add", "elsewhere", "https://example.invalid/lamp.git", cwd=bo)
    assert not fetch_before_loading(bo, "elsewhere", on_a_branch=False)
    assert not fetch_before_loading(bo, "nowhere", on_a_branch=False)
    git("checkout", "-q", "--detach", cwd=bo)
    assert not fetch_before_loading(bo, "origin", on_a_branch=True)  # pull says why
    assert fetch_before_loading(bo, "origin", on_a_branch=False)  # update merges all the same
    assert not fetch_before_loading(tmp_path, "origin", on_a_branch=False)  # no repository
    git("remote", "add", "hostile", "ext::sh -c touch% pwned", cwd=bo)
    with pytest.raises(OhwError, match="refusing ext:: URLs"):
        fetch_before_loading(bo, "hostile", on_a_branch=False)
    assert not (bo / "pwned").exists()


@pytest.mark.parametrize("command", ["pull", "update"])
def test_a_remote_that_would_run_a_command_is_refused_before_a_pull_or_update(
    served: Path, tmp_path: Path, command: str
):
    ada = tmp_path / "ada"
    git("remote", "add", "upstream", "ext::sh -c touch% pwned", cwd=ada)
    git("remote", "set-url", "origin", "ext::sh -c touch% pwned", cwd=ada)
    done = run_ohw(command, cwd=ada)
    assert done.returncode == 2
    assert "refusing ext:: URLs" in done.stderr
    assert not (ada / "pwned").exists()
