"""`ohw catalog`: a library of real design repositories, local and over HTTP,
some of them down or not designs at all."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import EXAMPLES
from support.designs import commit_edit, init_and_commit
from support.lfs import lfs_repository
from support.run import git, run_ohw
from support.servers import free_port, smart_http

from ohw.design.schemas import schema_validator


def example_repository(folder: Path, example: str | None = None) -> Path:
    """The example design ``example`` (else a folder of notes, no design) as a
    git repository in ``folder``, one commit on main."""
    if example is not None:
        shutil.copytree(EXAMPLES / example, folder)
    else:
        folder.mkdir()
        (folder / "README.md").write_text("Just notes, no design.\n")
    init_and_commit(folder, "first")
    return folder


def catalog(where: Path, *args: str | Path, schema: str | None = None, code: int = 0) -> dict | str:
    done = run_ohw("catalog", "--catalog", where, *args)
    assert done.returncode == code, done.stdout + done.stderr
    if schema is None:
        return done.stdout
    output = json.loads(done.stdout)
    schema_validator(schema).validate(output)
    return output


def names(output: dict) -> list[str]:
    return [d["name"] for d in output["designs"]]


@pytest.fixture
def designs(tmp_path: Path) -> dict[str, Path]:
    return {
        "lamp": example_repository(tmp_path / "desk-lamp", "desk-lamp"),
        "holder": example_repository(tmp_path / "spool-holder", "spool-holder"),
        "notes": example_repository(tmp_path / "notes"),
    }


def test_sync_search_and_the_bad_urls(designs: dict[str, Path], tmp_path: Path):
    served = tmp_path / "served"
    served.mkdir()
    git("clone", "-q", "--bare", designs["holder"], served / "holder.git", cwd=tmp_path)
    lab = tmp_path / "lab"
    with smart_http(served) as base:
        down = f"http://127.0.0.1:{free_port()}/gone.git"
        urls = [designs["lamp"], f"{base}/holder.git", designs["notes"], down]
        catalog(lab, "add", *urls)
        report = catalog(lab, "sync", "--json", schema="catalog-sync", code=1)
    assert report["fetched"] == [str(designs["lamp"]), f"{base}/holder.git"]
    errors = {e["url"]: e["message"] for e in report["errors"]}
    assert errors[down] == f"cannot connect to {down}"
    assert "is not a design" in errors[str(designs["notes"])]
    assert set(errors) == {down, str(designs["notes"])}

    assert names(catalog(lab, "search", "lamp", "--json", schema="catalog-output")) == ["desk-lamp"]
    assert names(catalog(lab, "search", "bearing", "--json", schema="catalog-output")) == [
        "spool-holder"
    ]
    by_material = catalog(lab, "search", "--material", "pla", "--json", schema="catalog-output")
    assert sorted(names(by_material)) == ["desk-lamp", "spool-holder"]
    assert (
        names(catalog(lab, "search", "--material", "ABS", "--json", schema="catalog-output")) == []
    )
    licensed = catalog(
        lab, "search", "--license", "CERN-OHL-W-2.0", "--json", schema="catalog-output"
    )
    assert names(licensed) == ["spool-holder"]
    assert names(catalog(lab, "search", "lamp", "--process", "laser-cutting", "--json",
                         schema="catalog-output")) == []  # fmt: skip
    # The lamp's head is 184 mm long: too long for a Voron 0.2 (120 mm).
    small = catalog(lab, "search", "--fits", "voron-0.2", "--json", schema="catalog-output")
    assert "desk-lamp" not in names(small)
    fits = catalog(lab, "search", "--fits", "prusa-mk4", "--json", schema="catalog-output")
    assert sorted(names(fits)) == ["desk-lamp", "spool-holder"]
    assert "No design found." in catalog(lab, "search", "unobtainium")
    # The best N are shown, and whether more match; the filters apply before the limit.
    best = catalog(lab, "search", "--material", "pla", "--limit", "1", "--json",
                   schema="catalog-output")  # fmt: skip
    assert (names(best), best["more"]) == (["desk-lamp"], True)
    assert "More designs match than the 1 shown" in catalog(lab, "search", "--limit", "1")
    every = catalog(lab, "search", "--limit", "0", "--json", schema="catalog-output")
    assert (names(every), every["more"]) == (["desk-lamp", "spool-holder"], False)
    licensed_best = catalog(lab, "search", "--license", "CERN-OHL-W-2.0", "--limit", "1",
                            "--json", schema="catalog-output")  # fmt: skip
    assert (names(licensed_best), licensed_best["more"]) == (["spool-holder"], False)
    catalog(lab, "search", "--limit", "-1", code=2)
    catalog(lab, "search", "--fits", "nope", code=2)

    listed = catalog(lab, "list", "--json", schema="catalog-output")
    assert [d["url"] for d in listed["designs"]] == [str(u) for u in urls]
    assert listed["designs"][3]["name"] is None and listed["designs"][3]["error"]["message"]
    shown = catalog(lab, "show", "desk-lamp", "--json", schema="catalog-output")["designs"][0]
    assert [p["id"] for p in shown["parts"]] == ["base", "arm", "head", "knob"]
    assert shown["parts"][0]["size"] == [110.0, 110.0, 58.0]
    assert shown["commit"] == git("rev-parse", "HEAD", cwd=designs["lamp"]).strip()
    catalog(lab, "show", "nothing-like-it", code=2)
    for mirror in (lab / ".git" / "ohw" / "mirrors").iterdir():
        assert git("rev-parse", "--is-bare-repository", cwd=mirror).strip() == "true"
        git("fsck", "--strict", cwd=mirror)


def test_sync_is_incremental(designs: dict[str, Path], tmp_path: Path):
    lab = tmp_path / "lab"
    catalog(lab, "add", designs["lamp"], designs["holder"])
    first = catalog(lab, "sync", "--json", schema="catalog-sync")
    assert len(first["fetched"]) == 2
    index = lab / ".git" / "ohw" / "index.sqlite"
    before = (index.read_bytes(), index.stat().st_mtime_ns)
    again = catalog(lab, "sync", "--json", schema="catalog-sync")
    assert again["fetched"] == [] and len(again["unchanged"]) == 2
    assert (index.read_bytes(), index.stat().st_mtime_ns) == before  # not written again

    commit_edit(
        designs["lamp"],
        "ohw.yaml",
        "Adjustable desk lamp",
        "Articulated reading lamp",
        "A better title",
    )
    changed = catalog(lab, "sync", "--json", schema="catalog-sync")
    assert changed["fetched"] == [str(designs["lamp"])]
    assert changed["unchanged"] == [str(designs["holder"])]
    assert names(catalog(lab, "search", "articulated", "--json", schema="catalog-output")) == [
        "desk-lamp"
    ]
    assert names(catalog(lab, "search", "adjustable", "--json", schema="catalog-output")) == []

    git("tag", "v1", cwd=designs["holder"])  # a new tag moves the refs too
    tagged = catalog(lab, "sync", "--json", schema="catalog-sync")
    assert tagged["fetched"] == [str(designs["holder"])]

    # A design that goes down keeps what was indexed, and says why it is stale.
    shutil.rmtree(designs["holder"])
    gone = catalog(lab, "sync", "--json", schema="catalog-sync", code=1)
    assert [e["url"] for e in gone["errors"]] == [str(designs["holder"])]
    assert names(catalog(lab, "search", "spool", "--json", schema="catalog-output")) == [
        "spool-holder"
    ]
    assert "last sync:" in catalog(lab, "list")


def test_the_catalog_is_a_git_repository_that_merges(designs: dict[str, Path], tmp_path: Path):
    lab = tmp_path / "lab"
    catalog(lab, "add", designs["lamp"])
    other = tmp_path / "other-lab"
    git("clone", "-q", lab, other, cwd=tmp_path)
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# our favourites\n{designs['holder']}\n\n{designs['lamp']}\n")
    added = catalog(other, "add", "--from", listing)
    assert f"Added {designs['holder']}" in added and "Already in the catalog" in added
    more = example_repository(tmp_path / "spool-lamp", "spool-lamp")
    catalog(lab, "add", more)
    git("pull", "-q", "--no-rebase", "--no-edit", other, "main", cwd=lab)
    urls = (lab / "catalog.txt").read_text().splitlines()[1:]
    assert sorted(urls) == sorted([str(designs["lamp"]), str(designs["holder"]), str(more)])
    assert git("status", "--porcelain", cwd=lab) == ""
    synced = catalog(lab, "sync", "--json", schema="catalog-sync")
    assert len(synced["fetched"]) == 3
    git("fsck", "--strict", cwd=lab)

    (lab / "catalog.txt").write_text(f"{designs['lamp']}\n")
    git("commit", "-qam", "Only the lamp", cwd=lab)
    trimmed = catalog(lab, "sync", "--json", schema="catalog-sync")
    assert sorted(trimmed["removed"]) == sorted([str(designs["holder"]), str(more)])
    assert names(catalog(lab, "search", "--json", schema="catalog-output")) == ["desk-lamp"]


def test_default_location_and_bad_input(designs: dict[str, Path], tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    done = run_ohw("catalog", "list")
    assert done.returncode == 2 and "there is no catalog" in done.stderr
    assert run_ohw("catalog", "add", designs["lamp"]).returncode == 0
    assert (tmp_path / "data" / "ohw" / "catalog" / "catalog.txt").is_file()
    refused = run_ohw("catalog", "add", "ext::sh -c touch% /tmp/pwned")
    assert refused.returncode == 2 and "make git run a command" in refused.stderr
    assert run_ohw("catalog", "add").returncode == 2


def test_a_broken_index_is_an_error_that_says_what_to_do(designs: dict[str, Path], tmp_path: Path):
    lab = tmp_path / "lab"
    lab.mkdir()
    (lab / "catalog.txt").write_text(f"{designs['lamp']}\n")  # written by hand, not yet in git
    catalog(lab, "add", designs["holder"])
    assert git("ls-files", cwd=lab).split() == [".gitattributes", "catalog.txt"]
    catalog(lab, "sync")
    (lab / ".git" / "ohw" / "index.sqlite").write_bytes(b"not a database at all" * 100)
    done = run_ohw("catalog", "--catalog", lab, "search", "lamp")
    assert done.returncode == 2 and "delete it" in done.stderr
    (lab / ".git" / "ohw" / "index.sqlite").unlink()
    assert len(catalog(lab, "sync", "--json", schema="catalog-sync")["fetched"]) == 2


def test_a_design_in_git_lfs_is_measured_from_its_objects(designs: dict[str, Path], tmp_path):
    """A design whose meshes a Git LFS server keeps (giftless beside git's
    smart HTTP): the catalog fetches their objects into its mirror and lists
    the parts with the sizes of the plain design's."""
    served = tmp_path / "served"
    (served / "lab").mkdir(parents=True)  # giftless wants an organisation
    in_lfs = lfs_repository(tmp_path / "lamp-in-lfs")
    git("init", "-q", "--bare", served / "lab/lamp.git", cwd=tmp_path)
    with smart_http(served, lfs=tmp_path / "objects") as base:
        url = f"{base}/lab/lamp.git"
        git("push", "-q", url, "main", cwd=in_lfs)  # git-lfs's hook sends the objects
        lab = tmp_path / "lab"
        catalog(lab, "add", url)
        catalog(lab, "add", designs["lamp"])
        catalog(lab, "sync")
    shown = catalog(lab, "show", "desk-lamp", "--json", schema="catalog-output")
    assert isinstance(shown, dict)
    by_url = {design["url"]: design for design in shown["designs"]}
    from_lfs, plain = by_url[url], by_url[str(designs["lamp"])]
    assert from_lfs["error"] is None
    assert [p["size"] for p in from_lfs["parts"]] == [p["size"] for p in plain["parts"]]
    assert all(p["size"] is not None for p in from_lfs["parts"])


def test_sync_and_search_load_neither_the_site_nor_http_client():
    """What a re-sync of thousands of unchanged designs starts with: not the
    site's modules (all of ohw.fab), nor http.client and email.parser."""
    imports = "import ohw.cli.commands.catalog, ohw.storage.vcs.advertised"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", imports],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "ohw.catalog.library" in loaded
    assert loaded.isdisjoint({"ohw.catalog.site", "ohw.fab.build", "http.client", "email.parser"})
