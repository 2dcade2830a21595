"""load_yaml: one YAML document read by the quickest reader that can read it."""

from __future__ import annotations

from ohw.storage.yaml.document import (
    RULE_SYNTAX,
    Document,
    Nodes,
    collector_paused,
    decode_utf8,
    protect_line_separators,
    translate,
)
from ohw.storage.yaml.lines import read_block_lines


def load_yaml(raw: bytes, *, quick: bool = True) -> Document:
    """Read one YAML document from bytes; raise ReadProblem if ohw cannot take it.
    ``quick`` allows the line reader and libyaml's parser, where they give the
    same result."""
    text, restore = protect_line_separators(decode_utf8(raw, RULE_SYNTAX))
    with collector_paused():
        read = read_block_lines(text) if quick else None
        if read is None:  # PyYAML's readers: loaded for the documents that need them
            from ohw.storage.yaml.pyyaml import quick_may_read, read_exactly, read_with_libyaml

            if quick and quick_may_read(text):
                read = read_with_libyaml(text)
            if read is None:
                read = read_exactly(text)
        data, nodes, aliased = read
    if restore:
        data = translate(data, restore)
        nodes = nodes.translated(restore) if isinstance(nodes, Nodes) else nodes
    return Document(data, nodes, text=text.translate(restore) if restore else text, aliased=aliased)
