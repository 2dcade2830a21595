"""`ohw lineage`: the tree of forks and remixes, read from manifests at their
pinned commits where those are here, and shown as recorded where not."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from support import EXAMPLES
from support.designs import desk_lamp_repository
from support.run import git, ohw_json, run_ohw


def lineage_json(folder: Path, *args: str) -> dict:
    return ohw_json("lineage-output", "lineage", "--json", *args, cwd=folder)["design"]


@pytest.fixture
def forks(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The desk lamp, a fork of it, and a fork of the fork, all made by ohw."""
    lamp = desk_lamp_repository(tmp_path / "lamp")
    for source, name in ((lamp, "my-lamp"), (tmp_path / "my-lamp", "our-lamp")):
        done = run_ohw("fork", source, tmp_path / name, "--name", name, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    return lamp, tmp_path / "my-lamp", tmp_path / "our-lamp"


def test_a_fork_of_a_fork_is_read_back_to_the_first_design(forks):
    lamp, mine, ours = forks
    root = lineage_json(ours)
    assert (root["design"], root["relation"], root["found_in"]) == (
        "our-lamp",
        None,
        "working tree",
    )
    [parent] = root["sources"]
    assert parent["design"] == "my-lamp" and parent["relation"] == "fork"
    assert parent["commit"] == git("rev-parse", "HEAD", cwd=mine).strip()
    assert parent["available"] is True and parent["found_in"] == "this repository"
    assert parent["license"]["hardware"] == "CERN-OHL-S-2.0"
    [grandparent] = parent["sources"]
    assert grandparent["design"] == "desk-lamp"
    assert grandparent["commit"] == git("rev-parse", "HEAD", cwd=lamp).strip()
    assert grandparent["available"] is True and grandparent["sources"] == []
    text = run_ohw("lineage", cwd=ours).stdout.splitlines()
    assert text[0].startswith("our-lamp (working tree)")
    assert text[1].startswith("└── fork my-lamp @ ")
    assert text[2].startswith("    └── fork desk-lamp @ ")


def test_sources_whose_commits_are_elsewhere_are_shown_as_recorded(tmp_path: Path):
    remix = tmp_path / "spool-lamp"
    shutil.copytree(EXAMPLES / "spool-lamp", remix)
    git("init", "-q", "-b", "main", cwd=remix)
    root = lineage_json(remix)
    assert [(s["design"], s["relation"], s["available"]) for s in root["sources"]] == [
        ("desk-lamp", "remix", False),
        ("spool-holder", "remix", False),
    ]
    assert root["sources"][0]["parts"] == ["arm"]
    done = run_ohw("lineage", cwd=remix)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("(commit not available locally)") == 2


def test_a_pinned_commit_under_refs_ohw_is_read(tmp_path: Path):
    """A remix keeps its source in a private ref: its commit is here, not on a branch."""
    source = desk_lamp_repository(tmp_path / "lamp")
    commit = git("rev-parse", "HEAD", cwd=source).strip()
    design = tmp_path / "remix"
    done = run_ohw("init", design, "--title", "Remix", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    git("fetch", "-q", source, "+refs/heads/main:refs/ohw/remix/desk-lamp", cwd=design)
    with (design / "ohw.yaml").open("a") as manifest:
        manifest.write(
            "lineage:\n  - relation: remix\n    design: desk-lamp\n"
            f"    url: https://example.org/desk-lamp.git\n    commit: {commit}\n"
            "    license: {hardware: CERN-OHL-P-2.0}\n    parts: [arm]\n"
        )
    [entry] = lineage_json(design)["sources"]
    assert entry["available"] is True and entry["found_in"] == "this repository"
    # The licence recorded here is not the one the source had at that commit: said, not hidden.
    assert any("CERN-OHL-S-2.0" in note for note in entry["notes"])


def test_dot_output_is_a_graphviz_digraph_of_the_same_tree(forks):
    _, _, ours = forks
    done = run_ohw("lineage", "--format", "dot", cwd=ours)
    assert done.returncode == 0, done.stderr
    nodes, edges = parse_dot(done.stdout)
    assert len(nodes) == 3
    labels = {name: attributes["label"].split("\\n")[0] for name, attributes in nodes.items()}
    named = {(labels[a], labels[b], attributes["label"]) for a, b, attributes in edges}
    assert named == {("my-lamp", "our-lamp", "fork"), ("desk-lamp", "my-lamp", "fork")}


def test_a_design_without_lineage_says_so(tmp_path: Path):
    lamp = desk_lamp_repository(tmp_path / "lamp")
    done = run_ohw("lineage", cwd=lamp)
    assert done.returncode == 0
    assert "No lineage" in done.stdout
    assert (
        lineage_json(lamp, "--rev", "HEAD")["commit"] == git("rev-parse", "HEAD", cwd=lamp).strip()
    )


_ID = r'(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*")'
_ATTRIBUTES = rf"\[\s*{_ID}\s*=\s*{_ID}(?:\s*,\s*{_ID}\s*=\s*{_ID})*\s*\]"


def parse_dot(text: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, dict[str, str]]]]:
    """Nodes and edges of a Graphviz digraph written one statement a line, checked
    against the DOT grammar's shapes for those statements (a strict subset of DOT)."""
    lines = [line.strip() for line in text.strip().splitlines()]
    assert re.fullmatch(rf"(strict\s+)?digraph(\s+{_ID})?\s*\{{", lines[0]), lines[0]
    assert lines[-1] == "}"
    nodes: dict[str, dict[str, str]] = {}
    edges: list[tuple[str, str, dict[str, str]]] = []
    for line in lines[1:-1]:
        if re.fullmatch(rf"(node|edge|graph)\s*{_ATTRIBUTES};", line):
            continue
        edge = re.fullmatch(rf"({_ID})\s*->\s*({_ID})\s*({_ATTRIBUTES})?;", line)
        node = re.fullmatch(rf"({_ID})\s*({_ATTRIBUTES})?;", line)
        assert edge or node, f"not a DOT statement: {line}"
        if edge:
            edges.append((edge.group(1), edge.group(2), attributes_of(edge.group(3) or "")))
        elif node:
            nodes[node.group(1)] = attributes_of(node.group(2) or "")
    for tail, head, _ in edges:
        assert tail in nodes and head in nodes
    return nodes, edges


def attributes_of(text: str) -> dict[str, str]:
    pairs = re.findall(rf"({_ID})\s*=\s*({_ID})", text)
    return {key: value.strip('"') for key, value in pairs}


def test_a_pinned_commit_in_a_local_source_repository_is_read_there(tmp_path: Path):
    source = desk_lamp_repository(tmp_path / "lamp")
    commit = git("rev-parse", "HEAD", cwd=source).strip()
    design = tmp_path / "remix"
    assert run_ohw("init", design, cwd=tmp_path).returncode == 0
    with (design / "ohw.yaml").open("a") as manifest:
        manifest.write(
            f"lineage:\n  - relation: remix\n    design: desk-lamp\n    url: {source}\n"
            f"    commit: {commit}\n    license: {{hardware: CERN-OHL-S-2.0}}\n"
        )
    [entry] = lineage_json(design)["sources"]
    assert entry["available"] is True
    assert entry["found_in"] == str(source)
    assert entry["notes"] == []
    # The same entry once that repository is gone: shown as recorded, not an error.
    shutil.rmtree(source)
    [entry] = lineage_json(design)["sources"]
    assert entry["available"] is False and entry["commit"] == commit
