"""Writing a merged YAML file by editing ours' text.

Only the entries the merge changes are touched: a changed entry is replaced by
the other side's text for it (re-indented to fit), a new entry is inserted after
the entry it follows, a removed one is cut out with its line. Everything else,
comments, quoting and blank lines included, stays as ours wrote it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ohw.merge.plan import Combine, Conflict, Plan, Side, Take, merged_value
from ohw.storage.yaml.document import Document, JsonPath, PathKey

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_ -]*")


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str
    order: int


def write_yaml(plan: Plan, documents: dict[Side, Document], choose: Side) -> str:
    """The merged text; where the merge conflicts, side ``choose``'s value."""
    decided = _decide(plan, choose)
    if isinstance(decided, Take):
        return "" if decided.path is None else documents[decided.side].text
    writer = _Writer(documents, choose)
    writer.combine(decided)
    return writer.result()


def _decide(plan: Plan, choose: Side) -> Take | Combine:
    return Take(choose, plan.paths[choose]) if isinstance(plan, Conflict) else plan


class _Writer:
    def __init__(self, documents: dict[Side, Document], choose: Side) -> None:
        self.documents = documents
        self.ours = documents["ours"]
        self.text = self.ours.text
        self.choose = choose
        self.edits: list[_Edit] = []

    def result(self) -> str:
        out, done = [], 0
        # At one place, insertions go before a removal or replacement that starts there.
        for edit in sorted(self.edits, key=lambda e: (e.start, e.end, e.order)):
            assert edit.start >= done, "merge edits overlap"
            out += [self.text[done : edit.start], edit.text]
            done = edit.end
        out.append(self.text[done:])
        return "".join(out)

    def _edit(self, start: int, end: int, text: str) -> None:
        self.edits.append(_Edit(start, end, text, len(self.edits)))

    def combine(self, plan: Combine) -> None:
        span = self.ours.nodes[plan.ours].span
        assert span is not None
        kept = [_decide(e.plan, self.choose) for e in plan.entries]
        if span.flow:
            block = self._block_for_empty_flow(plan, kept)
            if block is not None:
                start = self.text.rindex(":", 0, span.start) + 1
                self._edit(start, span.end, block)
            else:
                self._edit(span.start, span.end, self._flow(plan))
            return
        if all(isinstance(d, Take) and d.path is None for d in kept):
            # An emptied block collection is written [] or {} after its key's colon.
            keyed = span.key is not None
            start = self.text.rindex(":", 0, span.start) + 1 if keyed else span.start
            self._edit(start, span.end, (" " if keyed else "") + self._flow(plan))
            return
        first = _first_child(self.ours, plan.ours, is_list=plan.is_list)
        anchor: JsonPath | None = None
        for entry in plan.entries:
            decided = _decide(entry.plan, self.choose)
            if entry.ours is not None:
                if isinstance(decided, Combine):
                    self.combine(decided)
                elif decided.path is None:
                    self._remove(entry.ours, is_list=plan.is_list)
                elif decided.side != "ours":
                    self._replace(entry.ours, decided, is_list=plan.is_list)
                if not (isinstance(decided, Take) and decided.path is None):
                    anchor = entry.ours
            elif isinstance(decided, Take) and decided.path is not None:
                self._insert(anchor, first, decided, is_list=plan.is_list)
        for path in plan.removed:
            self._remove(path, is_list=plan.is_list)

    def _replace(self, path: JsonPath, new: Take, *, is_list: bool) -> None:
        start, end = _entry(self.ours, path, is_list=is_list, comment=True)
        self._edit(start, end, self._entry_text(new, _column(self.text, start), is_list=is_list))

    def _remove(self, path: JsonPath, *, is_list: bool) -> None:
        start, end = _entry(self.ours, path, is_list=is_list)
        if is_list:
            start = _dash(self.text, start)
        line_start = self.text.rfind("\n", 0, start) + 1
        if not self.text[line_start:start].strip():
            start = line_start
            line_end = _line_end(self.text, end)
            if (
                self.text[end:line_end].strip().startswith("#")
                or not self.text[end:line_end].strip()
            ):
                end = min(line_end + 1, len(self.text))
        self._edit(start, end, "")

    def _insert(
        self, anchor: JsonPath | None, first: JsonPath, new: Take, *, is_list: bool
    ) -> None:
        neighbour = anchor if anchor is not None else first
        start, end = _entry(self.ours, neighbour, is_list=is_list)
        column = _column(self.text, start)
        lead = ""
        if is_list:
            dash = _dash(self.text, start)
            lead = "-" + " " * max(column - _column(self.text, dash) - 1, 1)
            column = _column(self.text, dash) + len(lead)
            start = dash
        text = lead + self._entry_text(new, column, is_list=is_list)
        indent = " " * (column - len(lead))
        if anchor is not None:
            # On the line after the anchor's last: edits inside the anchor end before it.
            line_end = _line_end(self.text, end)
            if line_end < len(self.text):
                self._edit(line_end + 1, line_end + 1, f"{indent}{text}\n")
            else:
                self._edit(line_end, line_end, f"\n{indent}{text}")
            return
        line_start = self.text.rfind("\n", 0, start) + 1
        if self.text[line_start:start].strip():
            self._edit(start, start, f"{text}\n{indent}")
        else:
            self._edit(line_start, line_start, f"{indent}{text}\n")

    def _entry_text(self, new: Take, column: int, *, is_list: bool) -> str:
        """The text of a side's entry, indented to start at ``column``."""
        assert new.path is not None
        document = self.documents[new.side]
        start, end = _entry(document, new.path, is_list=is_list, comment=True)
        return _reindent(document.text[start:end], _column(document.text, start), column)

    def _block_for_empty_flow(self, plan: Combine, kept: list[Take | Combine]) -> str | None:
        """For ``key: []`` (or ``{}``) that gains entries written in block style on
        the other side: those entries as a block under the key, instead of a
        flow collection grown long. None where that does not apply."""
        span = self.ours.nodes[plan.ours].span
        assert span is not None
        taken = [d for d in kept if not (isinstance(d, Take) and d.path is None)]
        if span.key is None or any(e.ours is not None for e in plan.entries) or not taken:
            return None
        column = _column(self.text, span.key) + 2
        lines = []
        for decided in taken:
            if not isinstance(decided, Take) or decided.path is None:
                return None
            node = self.documents[decided.side].nodes[decided.path].span
            if node is None or node.flow:
                return None
            if plan.is_list:
                text = self._entry_text(decided, column + 2, is_list=True)
                lines.append(f"{' ' * column}- {text}")
            else:
                lines.append(" " * column + self._entry_text(decided, column, is_list=False))
        return "\n" + "\n".join(lines)

    def _flow(self, plan: Combine) -> str:
        """A flow collection ([..] or {..}) written again from its merged entries."""
        values = {side: d.data for side, d in self.documents.items()}
        parts = []
        for entry in plan.entries:
            decided = _decide(entry.plan, self.choose)
            if isinstance(decided, Take) and decided.path is None:
                continue
            text = None
            if isinstance(decided, Take):
                assert decided.path is not None
                document = self.documents[decided.side]
                start, end = _entry(document, decided.path, is_list=plan.is_list)
                text = document.text[start:end]
            if text is None or "\n" in text:
                text = _json_entry(entry.key, merged_value(decided, values, self.choose), plan)
            parts.append(text)
        opening, closing = "[]" if plan.is_list else "{}"
        return opening + ", ".join(parts) + closing


# What JSON leaves as it is in text and YAML does not take there, or reads as a
# line break: DEL and C1 controls, the byte-order mark, Unicode's line separators.
_NOT_IN_YAML_TEXT = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def _json_entry(key: PathKey, value: Any, plan: Combine) -> str:
    """An entry as JSON, which YAML reads as flow style; characters YAML does not
    take as they are written as escapes, which JSON and YAML read alike."""
    text = _NOT_IN_YAML_TEXT.sub(
        lambda found: f"\\u{ord(found.group()):04x}", json.dumps(value, ensure_ascii=False)
    )
    if plan.is_list:
        return text
    name = str(key)
    return f"{name if _PLAIN_KEY.fullmatch(name) else json.dumps(name)}: {text}"


def _entry(
    document: Document, path: JsonPath, *, is_list: bool, comment: bool = False
) -> tuple[int, int]:
    """Where an entry's text lies: from its key (or its value, for list items) to
    the end of its value, trailing blanks left out; with ``comment``, a comment
    after it on its last line is part of it."""
    text = document.text
    span = document.nodes[path].span
    assert span is not None
    start = span.start if is_list or span.key is None else span.key
    end = span.end
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    if comment and text[end : _line_end(text, end)].lstrip().startswith("#"):
        end = len(text[: _line_end(text, end)].rstrip())
    return start, end


def _first_child(document: Document, path: JsonPath, *, is_list: bool) -> JsonPath:
    data: Any = document.data
    for key in path:
        data = data[key]
    first: PathKey = 0 if is_list else next(iter(data))
    return (*path, first)


def _dash(text: str, start: int) -> int:
    """The '-' that opens the block sequence item starting at ``start``."""
    dash = start - 1
    while text[dash] in " \t\r\n":
        dash -= 1
    assert text[dash] == "-", "a block sequence item without its dash"
    return dash


def _column(text: str, position: int) -> int:
    return position - (text.rfind("\n", 0, position) + 1)


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _reindent(text: str, source: int, target: int) -> str:
    """Shift the lines after the first from column ``source`` to ``target``."""
    if source == target or "\n" not in text:
        return text
    first, *rest = text.split("\n")
    shift = target - source
    moved = [
        (" " * shift + line)
        if shift > 0
        else line[min(-shift, len(line) - len(line.lstrip(" "))) :]
        for line in rest
    ]
    return "\n".join([first, *(m if m.strip() else "" for m in moved)])
