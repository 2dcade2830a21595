"""A mesh to analyse, and its analysis as a worker process does it. A worker
loads this module, the reader and the analyser, and nothing else of ohw's: the
first worker loads them before it forks the others (ohw.mesh.workers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ohw.mesh.reader import MeshError, read_mesh
from ohw.mesh.topology import MeshReport, analyse


@dataclass(frozen=True)
class MeshSource:
    """A mesh file: on disk (``path``), or at a commit or in Git LFS (its
    ``blob`` id or LFS oid, and ``load`` to read it, called only if the cache
    does not know it); or ``absent``, saying why its LFS object cannot be read."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    blob: str | None = None
    load: Callable[[], bytes] | None = None
    absent: str | None = None

    @property
    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        return self.path.stat().st_size if self.path is not None else 0


def analyse_source(source: MeshSource) -> dict[str, Any]:
    """The result of one mesh: a report, or why it cannot be read."""
    try:
        # The analysis checks every coordinate in its first pass of the file.
        triangles = read_mesh(source.name, path=source.path, data=source.data, check_finite=False)
        return {"report": report_to_json(analyse(triangles))}
    except MeshError as error:
        return {"error": str(error)}


def report_to_json(report: MeshReport) -> dict[str, Any]:
    # Its fields are numbers, text, and tuples and lists of them: a shallow copy
    # is JSON already (dataclasses.asdict copies deep, at a fifth of a millisecond).
    return dict(vars(report))


def report_from_json(data: dict[str, Any]) -> MeshReport:
    values = dict(data)
    values["minimum"], values["maximum"] = tuple(data["minimum"]), tuple(data["maximum"])
    values["near"] = {k: [tuple(p) for p in v] for k, v in data["near"].items()}
    return MeshReport(**values)


def load_analyser() -> None:
    """What a worker process loads before its first job."""
    import numpy  # noqa: F401
