"""What ohw's YAML readers make of a document: the quick ones (the line reader,
libyaml's events) must make what the exact one (PyYAML's pure-Python composer)
makes of it, values, locations, spans and refusals alike."""

from __future__ import annotations

from ohw.storage.yaml.document import ReadProblem
from ohw.storage.yaml.read import load_yaml


def outcome(raw: bytes, *, quick: bool) -> tuple:
    """What ``load_yaml`` makes of ``raw``, with the quick readers allowed or not:
    ("read", data, nodes, text, aliased) or ("refused", rule, message, hint, at)."""
    try:
        document = load_yaml(raw, quick=quick)
    except ReadProblem as problem:
        return ("refused", problem.rule, problem.message, problem.hint, problem.at)
    return ("read", document.data, dict(document.nodes), document.text, document.aliased)


def same_outcome(raw: bytes) -> tuple:
    """The exact reader's outcome, which the quick readers' must be."""
    quick, exact = outcome(raw, quick=True), outcome(raw, quick=False)
    # repr: 1, 1.0 and True are equal in Python, not in a document
    assert repr(quick) == repr(exact)
    return exact
