"""The lineage tree as text, JSON (schemas/lineage-output.schema.json) or a
Graphviz graph (`ohw lineage --format dot | dot -Tsvg > lineage.svg`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from rich.console import Console

from ohw import __version__
from ohw.lineage.ancestry import LineageNode
from ohw.report.reporters import JsonReporter, Reporter
from ohw.report.styled import markup

FORMAT_VERSION = 1


class LineageJson(JsonReporter[LineageNode]):
    def document(self, result: LineageNode) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "tool": {"name": "ohw", "version": __version__},
            "design": _node_json(result),
        }


class LineageDot(Reporter[LineageNode]):
    def write(self, result: LineageNode, stream: IO[str]) -> None:
        stream.write(lineage_dot(result))


class LineageText(Reporter[LineageNode]):
    def write(self, result: LineageNode, stream: IO[str]) -> None:
        console = Console(file=stream, highlight=False, soft_wrap=True)
        for line in _tree_lines(result, "", ""):
            console.print(line)
        if not result.sources:
            console.print("[dim]No lineage: this design records no fork, remix or variant.[/dim]")


def _node_json(node: LineageNode) -> dict[str, Any]:
    return {
        "design": node.design,
        "title": node.title,
        "relation": node.relation,
        "url": node.url,
        "commit": node.commit,
        "license": node.license,
        "parts": list(node.parts),
        "available": node.available,
        "found_in": node.found_in,
        "notes": list(node.notes),
        "sources": [_node_json(s) for s in node.sources],
    }


def _describe(node: LineageNode) -> str:
    words = []
    if node.relation:
        words.append(markup(node.relation))
    words.append(f"[bold]{markup(node.design)}[/bold]")
    if node.relation is None:
        words.append(f"({markup(node.found_in or '')})")
    elif node.commit:
        words.append(f"@ {markup(node.commit[:7])}")
    if node.license.get("hardware"):
        words.append(markup(node.license["hardware"]))
    if node.parts:
        words.append(f"parts: {markup(', '.join(node.parts))}")
    if node.relation is not None and not node.available:
        words.append("[yellow](commit not available locally)[/yellow]")
    if node.url:
        words.append(f"[dim]{markup(node.url)}[/dim]")
    return " ".join(words)


def _tree_lines(node: LineageNode, first: str, rest: str) -> Iterator[str]:
    yield first + _describe(node)
    for note in node.notes:
        yield f"{rest}    [dim]note: {markup(note)}[/dim]"
    for number, source in enumerate(node.sources):
        last = number == len(node.sources) - 1
        yield from _tree_lines(
            source, rest + ("└── " if last else "├── "), rest + ("    " if last else "│   ")
        )


def lineage_dot(root: LineageNode) -> str:
    """A Graphviz digraph: an arrow from each source to the design made from it,
    labelled with the relation; sources whose commit is not here are dashed."""
    lines = ["digraph lineage {", "  node [shape=box];"]
    counter = iter(range(1 << 30))

    def add(node: LineageNode) -> str:
        name = f"n{next(counter)}"
        label = node.design + (f"\\n{node.commit[:7]}" if node.commit else "")
        if node.license.get("hardware"):
            label += "\\n" + node.license["hardware"]
        style = "" if node.available else ", style=dashed"
        lines.append(f"  {name} [label={_quote(label, escaped=True)}{style}];")
        for source in node.sources:
            lines.append(
                f"  {add(source)} -> {name} [label={_quote(source.relation or 'source')}];"
            )
        return name

    add(root)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quote(text: str, *, escaped: bool = False) -> str:
    """A Graphviz quoted string; with ``escaped``, ``\\n`` already in ``text``
    stays a line break."""
    parts = text.split("\\n") if escaped else [text]
    inner = "\\n".join(p.replace("\\", "\\\\").replace('"', '\\"') for p in parts)
    return f'"{inner}"'
