"""What the checks of one design are given, and what they note as they go: the
design as read (ohw.design.reader), the settings and options of the run, and
which files each check read or judged."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ohw.design.reader import Design
from ohw.design.settings import CheckSettings

if TYPE_CHECKING:
    from ohw.checks.scope import Scope
    from ohw.mesh.batch import MeshAnalyses


@dataclass(frozen=True)
class CheckOptions:
    """How to check, as the command line says."""

    strict: bool = False  # warnings fail too
    changed_since: str | None = None  # report only on what changed since this revision
    cache_dir: Path | None = None  # where results are kept (default: see ohw.storage.cache)
    use_cache: bool = True
    profile: str | None = None  # a release checklist to hold the design to (ohw.checks.profiles)


@dataclass
class CheckContext:
    """One run of the checks over one design."""

    design: Design
    settings: CheckSettings = field(default_factory=CheckSettings)
    options: CheckOptions = field(default_factory=CheckOptions)
    scope: Scope | None = None  # with --changed-since: what is left to check
    mesh_analyses: MeshAnalyses | None = None  # begun before the manifest was validated
    files_read: set[str] = field(default_factory=set)
    checking: str = "schema"  # the check running now
    examined: dict[str, set[str]] = field(default_factory=dict)  # check -> files it looked at
    outputs: set[str] | None = None  # what ohw wrote into the design, once found

    def __post_init__(self) -> None:
        for path in self.design.files_read:  # read by the schema check
            self.examine(path)

    def read(self, path: str) -> bytes:
        self.examine(path)
        return self.design.tree.read_bytes(path)

    def examine(self, path: str) -> None:
        """Note that the running check read ``path``."""
        self.files_read.add(path)
        self.look_at([path])

    def judged(self, paths: Iterable[str]) -> list[str]:
        """Those of ``paths`` the checks judge, in name order: not what the
        settings or git ignore, nor what ohw itself wrote (a kit)."""
        from ohw.checks.outputs import ohw_outputs

        tree = self.design.tree
        if self.outputs is None:
            self.outputs = ohw_outputs(tree)
        kept = [p for p in paths if not self.settings.ignores(p) and p not in self.outputs]
        return sorted(set(kept) - tree.ignored(kept))

    def look_at(self, paths: Iterable[str]) -> None:
        """Note that the running check judged ``paths`` without reading them."""
        self.examined.setdefault(self.checking, set()).update(paths)
