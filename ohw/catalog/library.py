"""A Fab Lab's catalog: a library of designs, searchable offline.

A catalog is a folder that is a git repository holding ``catalog.txt``, the
designs' URLs, one a line. Fab Labs publish, fork and merge catalogs as they
do any git repository; ``.gitattributes`` merges ``catalog.txt`` as a union of
lines, so two catalogs that each added designs merge without a conflict.

What sync makes lives inside the repository's git folder, where git leaves it
alone: ``.git/ohw/mirrors/`` holds a bare mirror of every design, updated by
fetch; ``.git/ohw/index.sqlite`` the index, an SQLite database with a
full-text index (FTS5) of names, titles, descriptions, keywords and parts.
A sync asks each remote for its refs (one round trip) and fetches and re-reads
only the designs whose refs moved.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ohw.errors import OhwError
from ohw.fab.printers import Printer, fit
from ohw.storage.files import write_atomically

CATALOG_FILE = "catalog.txt"
ATTRIBUTES = "catalog.txt merge=union\n"
INDEX_VERSION = 1
DEFAULT_JOBS = 8
# Designs a search shows unless asked for more: a screenful, the best first.
SEARCH_SHOWN = 20

Progress = Callable[[str, int, int], None]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS designs (
    url TEXT PRIMARY KEY, name TEXT, title TEXT, version TEXT, description TEXT,
    hardware_license TEXT, documentation_license TEXT, keywords TEXT,
    commit_id TEXT, branch TEXT, refs TEXT, error TEXT, hint TEXT
);
CREATE TABLE IF NOT EXISTS parts (
    url TEXT, id TEXT, name TEXT, material TEXT, process TEXT, quantity INTEGER,
    size_x REAL, size_y REAL, size_z REAL
);
CREATE INDEX IF NOT EXISTS parts_by_url ON parts (url);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
    url UNINDEXED, name, title, description, keywords, parts, materials
);
"""


def default_catalog() -> Path:
    """$XDG_DATA_HOME/ohw/catalog, else ~/.local/share/ohw/catalog."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "ohw" / "catalog"


@dataclass(frozen=True)
class CatalogPart:
    id: str
    name: str
    material: str | None
    process: str | None
    quantity: int
    size: tuple[float, float, float] | None


@dataclass(frozen=True)
class CatalogEntry:
    """A design of the catalog, as last indexed."""

    url: str
    name: str | None  # None: never indexed
    title: str | None = None
    version: str | None = None
    description: str | None = None
    license: dict[str, str] = field(default_factory=dict)
    keywords: tuple[str, ...] = ()
    commit: str | None = None
    branch: str | None = None
    error: str | None = None  # what went wrong at the last sync
    hint: str | None = None
    parts: tuple[CatalogPart, ...] = ()

    @property
    def materials(self) -> tuple[str, ...]:
        return tuple(sorted({p.material for p in self.parts if p.material}))

    @property
    def processes(self) -> tuple[str, ...]:
        return tuple(sorted({p.process for p in self.parts if p.process}))


@dataclass(frozen=True)
class SyncFailure:
    url: str
    message: str
    hint: str


@dataclass(frozen=True)
class SyncReport:
    fetched: tuple[str, ...]  # refs moved: fetched and indexed again
    unchanged: tuple[str, ...]
    failures: tuple[SyncFailure, ...]
    removed: tuple[str, ...]  # no longer in catalog.txt: taken out of the index


class Catalog:
    """The catalog in ``folder`` (made on the first ``add``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / ".git" / "ohw"

    @property
    def index_path(self) -> Path:
        return self.data / "index.sqlite"

    def mirror(self, url: str) -> Path:
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", url.rstrip("/").rsplit("/", 1)[-1])[:40]
        digest = hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest()[:12]
        return self.data / "mirrors" / f"{slug}-{digest}"

    def urls(self) -> list[str]:
        """The catalog's URLs, in the file's order."""
        try:
            text = (self.folder / CATALOG_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as error:
            raise OhwError(f"cannot read {self.folder / CATALOG_FILE}: {error}") from None
        return list(dict.fromkeys(_catalog_lines(text)))

    def exists(self) -> bool:
        return (self.folder / CATALOG_FILE).exists()

    def require(self) -> None:
        if not self.exists():
            raise OhwError(
                f"there is no catalog in {self.folder}",
                "add designs with ohw catalog add URL..., or give --catalog PATH",
            )

    @contextmanager
    def index(self) -> Iterator[sqlite3.Connection]:
        self.data.mkdir(parents=True, exist_ok=True)
        try:
            with closing(sqlite3.connect(self.index_path)) as connection:
                connection.executescript(_SCHEMA)
                with connection:
                    yield connection
        except sqlite3.DatabaseError as error:
            if "fts5" in str(error).lower():
                raise OhwError(
                    "this Python's SQLite has no full-text search (FTS5)",
                    "use a Python built with SQLite 3.9 or newer and FTS5 (python.org, Debian)",
                ) from None
            raise OhwError(
                f"the catalog's index {self.index_path} cannot be used: {error}",
                "delete it; the next ohw catalog sync builds it again",
            ) from None


def _catalog_lines(text: str) -> Iterator[str]:
    for written in text.splitlines():
        line = written.strip()
        if line and not line.startswith("#"):
            yield line


def read_url_list(text: str) -> list[str]:
    """The URLs of a file given to ``add --from``: one a line, # for comments."""
    return list(_catalog_lines(text))


def add_designs(catalog: Catalog, urls: list[str], author: Any) -> tuple[list[str], list[str]]:
    """Add ``urls`` to the catalog (local paths made absolute) and commit;
    returns the URLs added and those it had already."""
    from ohw.storage.vcs.remote import check_url
    from ohw.storage.vcs.repository import commit_new_files

    wanted = []
    for url in urls:
        check_url(url)
        local = Path(url)
        wanted.append(str(local.resolve()) if "://" not in url and local.exists() else url)
    known = catalog.urls()
    added = [u for u in dict.fromkeys(wanted) if u not in known]
    if not added:
        return [], wanted
    new = not catalog.exists()
    catalog.folder.mkdir(parents=True, exist_ok=True)
    repository = (catalog.folder / ".git").exists()
    attributes = not (catalog.folder / ".gitattributes").exists()
    if attributes:
        write_atomically(catalog.folder / ".gitattributes", ATTRIBUTES.encode())
    if new:
        header = "# A catalog of open-hardware designs for ohw: one git URL a line.\n"
        old = header
    else:
        old = (catalog.folder / CATALOG_FILE).read_text(encoding="utf-8")
        old = old if old.endswith("\n") or not old else old + "\n"
    write_atomically(
        catalog.folder / CATALOG_FILE, (old + "".join(f"{u}\n" for u in added)).encode()
    )
    paths = [CATALOG_FILE, ".gitattributes"] if attributes else [CATALOG_FILE]
    what = added[0] if len(added) == 1 else f"{len(added)} designs"
    commit_new_files(catalog.folder, paths, f"Add {what}", author, new_repository=not repository)
    return added, [u for u in wanted if u in known]


@dataclass
class _Fetched:
    url: str
    state: Any = None  # RemoteState
    moved: bool = False
    failure: SyncFailure | None = None


def _check(catalog: Catalog, url: str, known_refs: str | None) -> _Fetched:
    """Whether the refs of ``url`` moved since the last sync."""
    from ohw.storage.vcs.mirror import remote_state

    try:
        state = remote_state(catalog.mirror(url), url)
    except OhwError as error:
        return _Fetched(url, failure=SyncFailure(url, error.message, error.hint))
    return _compared(url, state, known_refs)


def _compared(url: str, state: Any, known_refs: str | None) -> _Fetched:
    return _Fetched(url, state, moved=_refs_text(state.refs) != known_refs)


_REFS_ENCODER = json.JSONEncoder(sort_keys=True)  # json.dumps(..., sort_keys=True), made once


def _refs_text(refs: dict[str, str]) -> str:
    """Refs as the index keeps them, to be compared as text at the next sync."""
    return _REFS_ENCODER.encode(refs)


def _update(catalog: Catalog, checked: _Fetched) -> _Fetched:
    """Fetch a design whose refs moved into its mirror."""
    from ohw.storage.vcs.lfs import fetch_mirror_objects
    from ohw.storage.vcs.mirror import update_mirror

    mirror, branch = catalog.mirror(checked.url), _indexed_branch(checked.state)
    try:
        update_mirror(mirror, checked.url, checked.state)
        if branch is not None:  # its meshes in LFS are measured as the real files
            fetch_mirror_objects(mirror, checked.url, branch)
    except OhwError as error:
        return _Fetched(checked.url, failure=SyncFailure(checked.url, error.message, error.hint))
    return checked


def _check_and_update(catalog: Catalog, url: str, known_refs: str | None) -> _Fetched:
    checked = _check(catalog, url, known_refs)
    return _update(catalog, checked) if checked.moved else checked


def _indexed_branch(state: Any) -> str | None:
    """The branch of a design the catalog indexes: the remote's HEAD, else its
    first branch by name."""
    if state.head in state.refs:
        return str(state.head)
    return next((r for r in sorted(state.refs) if r.startswith("refs/heads/")), None)


def _is_local(url: str) -> bool:
    return "://" not in url or url.startswith("file://")


def sync(
    catalog: Catalog, jobs: int = DEFAULT_JOBS, progress: Progress | None = None
) -> SyncReport:
    """Bring every design of the catalog up to date and index what changed.
    A design that cannot be fetched or read is a failure in the report; the
    others go on."""
    catalog.require()
    report = progress or (lambda what, done, total: None)
    urls = catalog.urls()
    with catalog.index() as index:
        known = dict(index.execute("SELECT url, refs FROM designs WHERE error IS NULL"))
        # By a dict, not the list: 10,000 designs would be 50M comparisons.
        order = {url: n for n, url in enumerate(urls)}
        stale = [u for (u,) in index.execute("SELECT url FROM designs") if u not in order]
        for url in stale:
            _forget(index, url)
    # Repositories on this machine have their refs read at once, in this thread
    # (threads would only wait for each other); web servers are asked over kept
    # connections, a few at a time; the rest (and any web server that answers
    # otherwise) through libgit2, in parallel.
    from ohw.storage.vcs.advertised import advertised_states, is_web_url

    report("checking for changes", 0, len(urls))
    local = [_check(catalog, url, known.get(url)) for url in urls if _is_local(url)]
    web = [url for url in urls if not _is_local(url) and is_web_url(url)]
    advertised = advertised_states(web, jobs)
    checked = local + [
        _compared(url, state, known.get(url))
        for url, state in advertised.items()
        if state is not None
    ]
    results = [each for each in checked if not each.moved]
    report("checking for changes", len(results), len(urls))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        running = [pool.submit(_update, catalog, each) for each in checked if each.moved]
        running += [
            pool.submit(_check_and_update, catalog, url, known.get(url))
            for url in urls
            if not _is_local(url) and advertised.get(url) is None
        ]
        for future in as_completed(running):
            results.append(future.result())
            report("checking for changes", len(results), len(urls))
    moved = [r for r in results if r.moved]
    failures = [r.failure for r in results if r.failure is not None]
    indexed: list[str] = []
    if not (moved or failures or stale):
        return _sync_report(indexed, results, failures, stale, order)  # the index as it was
    with catalog.index() as index:
        for number, fetched in enumerate(sorted(moved, key=lambda r: order[r.url]), start=1):
            report("indexing", number, len(moved))
            try:
                _index_design(catalog, index, fetched)
                indexed.append(fetched.url)
            except OhwError as error:
                failures.append(SyncFailure(fetched.url, error.message, error.hint))
        for failure in failures:
            _record_failure(index, failure)
        indexed_commits = {c for (c,) in index.execute("SELECT commit_id FROM designs") if c}
    if moved or stale:
        from ohw.catalog.kits import forget_other_kits

        forget_other_kits(catalog.data, indexed_commits)
    return _sync_report(indexed, results, failures, stale, order)


def _sync_report(
    indexed: list[str],
    results: list[_Fetched],
    failures: list[SyncFailure],
    stale: list[str],
    order: dict[str, int],
) -> SyncReport:
    return SyncReport(
        fetched=tuple(indexed),
        unchanged=tuple(
            sorted((r.url for r in results if r.state and not r.moved), key=lambda url: order[url])
        ),
        failures=tuple(sorted(failures, key=lambda f: order.get(f.url, 0))),
        removed=tuple(stale),
    )


def _forget(index: sqlite3.Connection, url: str) -> None:
    for table in ("designs", "parts", "search"):
        index.execute(f"DELETE FROM {table} WHERE url = ?", (url,))


def _record_failure(index: sqlite3.Connection, failure: SyncFailure) -> None:
    """Keep what was indexed before (it is still the last good state) and say why
    this sync could not update it."""
    index.execute(
        "INSERT INTO designs (url, error, hint) VALUES (?, ?, ?) "
        "ON CONFLICT (url) DO UPDATE SET error = excluded.error, hint = excluded.hint",
        (failure.url, failure.message, failure.hint),
    )


def _index_design(catalog: Catalog, index: sqlite3.Connection, fetched: _Fetched) -> None:
    from ohw.catalog.kits import make_kit
    from ohw.design.paths import MANIFEST
    from ohw.design.reader import read_design
    from ohw.fab.rollup import measure_parts
    from ohw.storage.vcs.mirror import mirror_design

    state = fetched.state
    branch = _indexed_branch(state)
    if branch is None:
        raise OhwError(f"{fetched.url} has no branches", "push a branch holding the design")
    commit = state.refs[branch]
    tree = mirror_design(catalog.mirror(fetched.url), commit)
    if not tree.exists(MANIFEST):
        raise OhwError(
            f"{fetched.url} is not a design: its branch {branch.removeprefix('refs/heads/')} "
            f"has no {MANIFEST}",
            "check the URL, or make it a design with ohw init",
        )
    manifest = read_design(tree).manifest
    if manifest is None:
        raise OhwError(
            f"the {MANIFEST} of {fetched.url} cannot be read",
            "run ohw check in a clone of it and fix what it reports",
        )
    data = manifest.data
    measures = measure_parts(tree, data.get("parts", []), catalog.data / "cache")
    _forget(index, fetched.url)
    license = data.get("license", {})
    keywords = data.get("keywords", [])
    index.execute(
        "INSERT INTO designs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
        (
            fetched.url, data["name"], data.get("title"), data.get("version"),
            data.get("description"), license.get("hardware"), license.get("documentation"),
            json.dumps(keywords), commit, branch.removeprefix("refs/heads/"),
            _refs_text(state.refs),
        ),
    )  # fmt: skip
    parts = data.get("parts", [])
    for part in parts:
        measure = measures.get(part["id"])
        size = measure.size if measure is not None else None
        index.execute(
            "INSERT INTO parts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (fetched.url, part["id"], part.get("name", part["id"]), part.get("material"),
             part.get("process"), part.get("quantity", 1), *(size or (None, None, None))),
        )  # fmt: skip
    make_kit(catalog.data, tree)  # the site's download, made while the design is at hand
    index.execute(
        "INSERT INTO search VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            fetched.url, data["name"], data.get("title") or "", data.get("description") or "",
            " ".join(keywords),
            " ".join(f"{p['id']} {p.get('name', '')}" for p in parts),
            " ".join(sorted({p.get("material", "") for p in parts} - {""})),
        ),
    )  # fmt: skip


_DESIGN_COLUMNS = (
    "d.url, d.name, d.title, d.version, d.description, d.hardware_license, "
    "d.documentation_license, d.keywords, d.commit_id, d.branch, d.error, d.hint"
)


def _entries(index: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> list[CatalogEntry]:
    """Catalog entries of design rows (``_DESIGN_COLUMNS``), their parts read in one query."""
    parts: dict[str, list[CatalogPart]] = {}
    # Only the parts of these designs, found by the index on url: a search
    # among 10,000 designs reads the parts of those it found.
    for url, pid, pname, material, process, quantity, x, y, z in index.execute(
        "SELECT url, id, name, material, process, quantity, size_x, size_y, size_z "
        "FROM parts WHERE url IN (SELECT value FROM json_each(?)) ORDER BY rowid",
        (json.dumps([row[0] for row in rows]),),
    ):
        size = (x, y, z) if x is not None else None
        parts.setdefault(url, []).append(CatalogPart(pid, pname, material, process, quantity, size))
    found = []
    for (
        url,
        name,
        title,
        version,
        description,
        hardware,
        documentation,
        keywords,
        commit,
        branch,
        error,
        hint,
    ) in rows:
        license = {k: v for k, v in (("hardware", hardware), ("documentation", documentation)) if v}
        found.append(
            CatalogEntry(
                url=url, name=name, title=title, version=version, description=description,
                license=license, keywords=tuple(json.loads(keywords or "[]")), commit=commit,
                branch=branch, error=error, hint=hint, parts=tuple(parts.get(url, ())),
            )
        )  # fmt: skip
    return found


def list_designs(catalog: Catalog) -> list[CatalogEntry]:
    """Every URL of the catalog with what the index knows of it, in the file's order."""
    catalog.require()
    with catalog.index() as index:
        rows = index.execute(f"SELECT {_DESIGN_COLUMNS} FROM designs d").fetchall()
        known = {entry.url: entry for entry in _entries(index, rows)}
    return [known.get(url, CatalogEntry(url, None)) for url in catalog.urls()]


def show_design(catalog: Catalog, name: str) -> list[CatalogEntry]:
    """The designs called ``name`` (or at the URL ``name``)."""
    found = [e for e in list_designs(catalog) if name in (e.name, e.url)]
    if not found:
        raise OhwError(
            f"the catalog has no design called {name!r}",
            "ohw catalog list shows them; run ohw catalog sync after adding designs",
        )
    return found


@dataclass(frozen=True)
class SearchFilters:
    license: str | None = None
    material: str | None = None
    process: str | None = None
    fits: Printer | None = None


def _fts_query(text: str) -> str:
    """Every word of ``text`` must appear, as a word or the start of one."""
    words = re.findall(r"\w+", text.lower())
    return " ".join(f'"{w}"*' for w in words)


def search(
    catalog: Catalog, text: str, filters: SearchFilters, limit: int | None = None
) -> list[CatalogEntry]:
    """The designs matching ``text`` (every word, in any field) and the filters,
    best match first (by name without words); the first ``limit`` (all for None)."""
    catalog.require()
    query = _fts_query(text)
    sql = [f"SELECT {_DESIGN_COLUMNS} FROM designs d"]
    values: list[str] = []
    if query:
        sql.append("JOIN search s ON s.url = d.url WHERE search MATCH ?")
        values.append(query)
    else:
        sql.append("WHERE 1")
    sql.append("AND d.name IS NOT NULL")
    for column, wanted in (("material", filters.material), ("process", filters.process)):
        if wanted is not None:
            sql.append(
                "AND EXISTS (SELECT 1 FROM parts p "
                f"WHERE p.url = d.url AND lower(p.{column}) = lower(?))"
            )
            values.append(wanted)
    sql.append("ORDER BY bm25(search)" if query else "ORDER BY d.name")
    found: list[CatalogEntry] = []
    with catalog.index() as index:
        rows = index.execute(" ".join(sql), values)
        # A word most designs hold finds thousands: only as many are read,
        # parts and all, as the licence and printer filters leave ``limit`` of.
        batch_size = max(2 * limit, 64) if limit is not None else None
        while batch := (rows.fetchmany(batch_size) if batch_size else rows.fetchall()):
            found += [e for e in _entries(index, batch) if _passes(e, filters)]
            if limit is None or len(found) >= limit:
                break
    return found[:limit]


def _license_ids(expression: str | None) -> set[str]:
    return {
        w.lower()
        for w in re.split(r"[\s()]+", expression or "")
        if w and w not in ("AND", "OR", "WITH")
    }


def _passes(entry: CatalogEntry, filters: SearchFilters) -> bool:
    if filters.license is not None:
        ids = set().union(*(_license_ids(v) for v in entry.license.values()))
        if filters.license.lower() not in ids:
            return False
    if filters.fits is not None:
        printed = [p for p in entry.parts if p.process == "3d-printing"]
        if not printed or any(
            p.size is None or not fit(p.size, filters.fits).fits for p in printed
        ):
            return False
    return True
