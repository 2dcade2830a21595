"""How fast ``ohw catalog`` keeps a network of Fab Labs' library of 10,000
designs, served on loopback.

Run it by hand from the project root, with the Python that has ohw installed:

    python benchmarks/catalog.py [--designs N] [--runs N] [--queries N] [--keep DIR]

It makes N (10,000) small design repositories (bare, made with pygit2: a
manifest, one box-shaped mesh and a step of instructions each, all
different) and serves them by smart HTTP on loopback, from a process of its
own: a threaded HTTP server of this script's that answers each ref
advertisement (``GET …/info/refs``) from the repository's ref files, kept
until they change, as a forge answers from what it keeps of its refs until a
push, and every fetch (``POST …/git-upload-pack``) by ``git upload-pack
--stateless-rpc``. It reads requests and writes advertisements with less of
the processor than http.server would, as a forge's server on another machine
takes none of this one's (``UploadPackHandler`` says how). It adds them to a
fresh catalog with ``ohw catalog add --from`` and times whole ``ohw``
processes:

1. the first ``sync``: every design fetched into a mirror, indexed, and its
   build kit made;
2. round by round (``--runs``), a re-sync with nothing changed and one after
   10 designs got a new commit. Targets: nothing changed in under 1 s per
   1,000 designs; the 10 changed take most of the re-sync with them (at least
   half: the difference of the medians over the re-sync with them);
3. search: the query inside one process, ``--queries`` of them (words, parts
   of words, two words, a material, a licence, a printer), each answered as
   ``ohw catalog search`` answers (the best 20, and whether more match), 95th
   percentile. Target: under 50 ms. ``ohw catalog search`` as a process is
   printed beside ``python -c pass``, the floor it stands on;
4. ``ohw catalog site --out``: the whole site, every design's page, picture
   and kit. Target: under a minute.

``--keep DIR`` works in DIR and keeps it: a later run with the same DIR
measures steps 2 to 4 again without the first sync. The machine is shared and
noisy: medians are printed, and ratios within a run matter more than times
across runs.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pygit2
from timing import Target, ohw_command, print_targets

MATERIALS = ("PLA", "PETG", "ABS", "ASA", "TPU", "PA12")
KINDS = ("lamp", "bracket", "enclosure", "gear", "clamp", "hinge", "spool", "knob")
LICENSES = ("CERN-OHL-S-2.0", "CERN-OHL-W-2.0", "CERN-OHL-P-2.0", "MIT")
CHANGED = 10


def box_stl(size: tuple[float, float, float]) -> bytes:
    """A closed box as binary STL, written here (not by ohw)."""
    x, y, z = size
    corners = [(a, b, c) for a in (0, x) for b in (0, y) for c in (0, z)]
    faces = [(0, 2, 3), (0, 3, 1), (4, 5, 7), (4, 7, 6), (0, 1, 5), (0, 5, 4),
             (2, 6, 7), (2, 7, 3), (0, 4, 6), (0, 6, 2), (1, 3, 7), (1, 7, 5)]  # fmt: skip
    body = b"".join(
        struct.pack("<12fH", 0, 0, 0, *corners[i], *corners[j], *corners[k], 0) for i, j, k in faces
    )
    return b"benchmark box".ljust(80) + struct.pack("<I", len(faces)) + body


def manifest(number: int, version: int) -> str:
    kind = KINDS[number % len(KINDS)]
    material = MATERIALS[number % len(MATERIALS)]
    return (
        f"ohw: 1\nname: {kind}-{number:05d}\ntitle: A {kind} number {number}\n"
        f"version: 1.{version}.0\ndescription: Design {number} of the benchmark, a {kind}"
        f" in {material} for workshop number {number % 97}.\n"
        f"keywords: [{kind}, benchmark, set{number % 37}]\n"
        f"license: {{hardware: {LICENSES[number % len(LICENSES)]}}}\n"
        f"parts:\n  - {{id: body, export: parts/body.stl, material: {material}, "
        "process: 3d-printing, quantity: 1}\n"
        "instructions: instructions/\n"
    )


def commit_design(repo: pygit2.Repository, number: int, version: int) -> None:
    blob = pygit2.enums.FileMode.BLOB
    root, parts, steps = repo.TreeBuilder(), repo.TreeBuilder(), repo.TreeBuilder()
    size = (10 + number % 200, 10 + number % 150, 5 + version + number % 90)
    parts.insert("body.stl", repo.create_blob(box_stl(size)), blob)
    steps.insert("01-print.md", repo.create_blob(b"# Print\n\nPrint <part:body>.\n"), blob)
    root.insert("ohw.yaml", repo.create_blob(manifest(number, version).encode()), blob)
    root.insert("parts", parts.write(), pygit2.enums.FileMode.TREE)
    root.insert("instructions", steps.write(), pygit2.enums.FileMode.TREE)
    signature = pygit2.Signature("Bench Maker", "bench@example.org", 1_700_000_000 + version, 0)
    parents = [] if repo.head_is_unborn else [repo.head.target]
    repo.create_commit("HEAD", signature, signature, f"version {version}", root.write(), parents)


def make_designs(folder: Path, count: int) -> list[Path]:
    made = []
    for number in range(count):
        path = folder / f"design-{number:05d}.git"
        repo = pygit2.init_repository(str(path), bare=True, initial_head="main")
        commit_design(repo, number, 0)
        made.append(path)
    return made


# The server: ref advertisements from the ref files, fetches by git http-backend.


def _pkt(payload: bytes) -> bytes:
    return b"%04x" % (len(payload) + 4) + payload


def _refs(repository: Path) -> tuple[str | None, list[tuple[str, str]]]:
    """HEAD's branch and every branch and tag, read from the ref files as git
    keeps them (loose, and packed)."""
    head = (repository / "HEAD").read_text().strip()
    found: dict[str, str] = {}
    packed = repository / "packed-refs"
    if packed.exists():
        for line in packed.read_text().splitlines():
            if line and line[0] not in "#^":
                object_id, name = line.split(" ", 1)
                found[name] = object_id
    for kind in ("heads", "tags"):
        for folder, _, files in os.walk(repository / "refs" / kind):
            for name in files:
                path = Path(folder) / name
                found[path.relative_to(repository).as_posix()] = path.read_text().strip()
    return (head[5:] if head.startswith("ref: ") else None), sorted(found.items())


_REF_PLACES = ("HEAD", "packed-refs", "refs/heads", "refs/tags")  # branches at the top


def _changed_at(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns  # noqa: PTH116 (a Path per request costs more)
    except FileNotFoundError:
        return 0


def _advertisement(repository: Path, capabilities: bytes) -> bytes:
    """The ref advertisement of ``repository``, as git upload-pack makes it."""
    head, refs = _refs(repository)
    lines = [_pkt(b"# service=git-upload-pack\n"), b"0000"]
    symref = f" symref=HEAD:{head}".encode() if head else b""
    entries = ([(dict(refs)[head], "HEAD")] if head in dict(refs) else []) + [
        (object_id, name) for name, object_id in refs
    ]
    for number, (object_id, name) in enumerate(entries):
        line = f"{object_id} {name}".encode()
        if number == 0:
            line += b"\0" + capabilities + symref
        lines.append(_pkt(line + b"\n"))
    return b"".join([*lines, b"0000"])


class _Headers(dict[str, str]):
    """A request's header fields by their names, in any case."""

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return super().get(name.lower(), default)


_MAX_LINE = 65536  # as http.server limits a request's lines, and how many
_MAX_HEADERS = 100


class UploadPackHandler(BaseHTTPRequestHandler):
    """Smart HTTP for the repositories under ``root``, as a forge serves them:
    each ref advertisement from the ref files, each fetch by ``git upload-pack
    --stateless-rpc`` (what ``git http-backend`` runs), its pack streamed in
    chunks as it comes, on connections kept open; requests a client sends
    ahead on one are answered in turn, as HTTP/1.1 asks of a server.

    Every request is read and answered, each advertisement from refs read
    again whenever their files change. What is not a forge's is only the
    processor time it takes: this server shares the machine's two cores with
    the ``ohw`` it answers, where a forge is another machine, whose web server
    reads a request and writes an answer in microseconds. http.server reads a
    request's header fields through email.parser and writes an answer in three
    system calls: some 0.18 ms of this machine's processor a ref advertisement,
    more than the client's whole work for it, taken from the client measured.
    So here a well-formed request's header fields are read line by line (an
    unusual request line is left to http.server), and an advertisement is
    written in one system call: some 0.04 ms an advertisement."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    root: Path
    capabilities: bytes
    advertised: dict[str, tuple[tuple[int, ...], bytes]]  # the last answer, and when
    _date: tuple[int, str] = (0, "")  # the Date field, made once a second as forges do

    def log_message(self, format: str, *args: object) -> None:
        pass

    def parse_request(self) -> bool:
        words = self.raw_requestline.rstrip(b"\r\n").split()
        if len(words) != 3 or words[2] not in (b"HTTP/1.1", b"HTTP/1.0"):
            return super().parse_request()  # http.server's answer to the unusual
        command, path, version = (w.decode("iso-8859-1") for w in words)
        self.requestline = f"{command} {path} {version}"
        self.command, self.request_version = command, version
        self.path = "/" + path.lstrip("/") if path.startswith("//") else path
        headers = _Headers()
        for _ in range(_MAX_HEADERS + 1):
            line = self.rfile.readline(_MAX_LINE + 1)
            if len(line) > _MAX_LINE:
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long")
                return False
            if line in (b"\r\n", b"\n", b""):
                break
            name, colon, value = line.decode("iso-8859-1").partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        else:
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers")
            return False
        self.headers = headers  # type: ignore[assignment]
        connection = (headers.get("connection") or "").lower()
        self.close_connection = connection == "close" or (
            version == "HTTP/1.0" and connection != "keep-alive"
        )
        expect = (headers.get("expect") or "").lower()
        if expect == "100-continue" and version == "HTTP/1.1":
            return self.handle_expect_100()
        return True

    def _repository(self, suffix: str) -> Path | None:
        path = self.path.partition("?")[0]
        name = path.strip("/").removesuffix(suffix)
        if not path.endswith(suffix) or ".." in name.split("/"):
            return None
        repository = self.root / name
        return repository if (repository / "HEAD").is_file() else None

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        name = path.strip("/").removesuffix("/info/refs")
        if (
            not path.endswith("/info/refs")
            or query != "service=git-upload-pack"
            or ".." in name.split("/")
        ):
            self.send_error(404)
            return
        # As a forge keeps its answer until a push: read the refs again only
        # when a file or folder of them changed.
        where = f"{self.root}/{name}/"
        stamp = tuple(_changed_at(where + n) for n in _REF_PLACES)
        if not stamp[0]:  # no HEAD: no repository
            self.send_error(404)
            return
        kept = self.advertised.get(where)
        if kept is not None and kept[0] == stamp:
            body = kept[1]
        else:
            body = _advertisement(self.root / name, self.capabilities)
            self.advertised[where] = (stamp, body)
        now = int(time.time())
        if self._date[0] != now:
            type(self)._date = (now, self.date_time_string(now))
        self.wfile.write(
            (
                f"{self.protocol_version} 200 OK\r\n"
                f"Server: {self.version_string()}\r\nDate: {self._date[1]}\r\n"
                "Content-Type: application/x-git-upload-pack-advertisement\r\n"
                f"Cache-Control: no-cache\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode("iso-8859-1")
            + body
        )

    def do_POST(self) -> None:
        repository = self._repository("/git-upload-pack")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if repository is None:
            self.send_error(404)
            return
        if self.headers.get("Content-Encoding") == "gzip":
            body = zlib.decompress(body, zlib.MAX_WBITS | 16)
        environment = {**os.environ, "GIT_PROTOCOL": self.headers.get("Git-Protocol", "")}
        command = ["git", "upload-pack", "--stateless-rpc", str(repository)]
        with subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment
        ) as pack:
            assert pack.stdin is not None and pack.stdout is not None
            pack.stdin.write(body)
            pack.stdin.close()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-git-upload-pack-result")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            while chunk := pack.stdout.read1(1 << 16):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")


def _backend_capabilities(repository: Path) -> bytes:
    """What git upload-pack offers here, as it says on its first ref line, but
    its symref (said for each repository)."""
    done = subprocess.run(
        ["git", "upload-pack", "--advertise-refs", "--stateless-rpc", str(repository)],
        capture_output=True,
        check=True,
    )
    first = next(line for line in done.stdout.split(b"\n") if b"\0" in line)
    offered = first.split(b"\0", 1)[1].split()
    return b" ".join(c for c in offered if not c.startswith(b"symref="))


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that closes a kept connection is no failure


def serve_forever(root: Path, port: int) -> None:
    """The server process: says its port (``port``, or any free one for 0),
    then serves until killed; says nothing where it cannot listen."""
    first = next(root.glob("*.git"))
    handler = type(
        "Handler",
        (UploadPackHandler,),
        {"root": root, "capabilities": _backend_capabilities(first), "advertised": {}},
    )
    try:
        server = _QuietServer(("127.0.0.1", port), handler)
    except OSError:
        return
    print(server.server_port, flush=True)
    server.serve_forever()


# Timing.


def timed(command: list[str | Path], env: dict[str, str], allowed: set[int]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [str(c) for c in command], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in allowed:
        sys.exit(
            f"{' '.join(map(str, command))} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )
    return elapsed


def median_of(times: list[float]) -> str:
    spread = f"{min(times):.3f} .. {max(times):.3f}"
    return f"{statistics.median(times):8.3f}s  ({spread}, {len(times)} runs)"


def first_sync(cat: list[str | Path], env: dict[str, str], count: int) -> None:
    seconds = timed([*cat, "sync"], env, {0})
    print(f"\n1. First sync of {count:,} designs (fetch, index and make the kit of each)")
    each = f"{seconds / count * 1000:.1f} ms a design"
    print(f"   ohw catalog sync                   {seconds:8.2f}s  ({each})")


def resync(
    cat: list[str | Path], env: dict[str, str], designs: list[Path], runs: int
) -> list[Target]:
    unchanged: list[float] = []
    changed: list[float] = []
    for run in range(runs):
        unchanged.append(timed([*cat, "sync"], env, {0}))
        for number in range(run * CHANGED, (run + 1) * CHANGED):
            repository = pygit2.Repository(str(designs[number % len(designs)]))
            version = sum(1 for _ in repository.walk(repository.head.target))  # a new mesh
            commit_design(repository, number, version)
        changed.append(timed([*cat, "sync"], env, {0}))
    base, with_changes = statistics.median(unchanged), statistics.median(changed)
    extra = with_changes - base
    count = len(designs)
    print(f"\n2. Re-sync, {count - CHANGED:,} unchanged and {CHANGED} changed")
    print(f"   nothing changed                   {median_of(unchanged)}")
    print(f"   {CHANGED} changed                        {median_of(changed)}")
    print(f"   per changed design (fetch, index, kit) {extra / CHANGED * 1000:8.1f} ms")
    print(f"   per unchanged design (refs asked)  {base / count * 1000:8.3f} ms")
    share = extra / with_changes if with_changes else 0.0
    print(f"   the {CHANGED} changed take {share:.0%} of the re-sync with them")
    print("   (whole processes: start-up and reading the index count as the unchanged part)")
    return [
        Target("re-sync, nothing changed, per 1,000 designs", base / count * 1000, 1.0, "s", True),
        Target(f"share of the re-sync the {CHANGED} changed take", share * 100, 50.0, "%", False),
    ]


QUERIES_TEXT = [*KINDS, "lam", "encl", "benchmark", "workshop", "set3", "set12", "body"]


def _queries(count: int, seed: int = 7) -> list[tuple[str, str, dict[str, str]]]:
    """Searches a visitor might type: words and beginnings of words, two words,
    a material, a licence, a printer, and their mixes."""
    pick = random.Random(seed)
    found = []
    for _ in range(count):
        words = " ".join(pick.sample(QUERIES_TEXT, pick.choice((1, 1, 2))))
        filters: dict[str, str] = {}
        roll = pick.random()
        if roll < 0.2:
            filters["material"] = pick.choice(MATERIALS)
        elif roll < 0.3:
            filters["license"] = pick.choice(LICENSES)
        elif roll < 0.4:
            filters["fits"] = pick.choice(("prusa-mk4", "prusa-mini", "voron-0.2"))
        if pick.random() < 0.1:
            words = ""  # filters alone
            filters.setdefault("material", pick.choice(MATERIALS))
        label = " ".join([words, *(f"--{k} {v}" for k, v in filters.items())]).strip()
        found.append((label, words, filters))
    return found


def searches(lab: Path, ohw: list[str], env: dict[str, str], runs: int, count: int) -> Target:
    from ohw.catalog.library import SEARCH_SHOWN, Catalog, SearchFilters, search
    from ohw.fab.printers import printer_named

    cat = [*ohw, "catalog", "--catalog", lab]
    print(f"\n3. Search, {count} queries")
    floor = [timed([sys.executable, "-c", "pass"], env, {0}) for _ in range(runs)]
    print(f"   python -c pass                     {median_of(floor)}")
    for query in (["lamp"], ["--material", "PETG"], ["gear", "--fits", "prusa-mk4"]):
        times = [timed([*cat, "search", *query], env, {0}) for _ in range(runs)]
        print(f"   ohw catalog search {' '.join(query):15} {median_of(times)}")
    catalog = Catalog(lab)
    search(catalog, "warm", SearchFilters())  # the index's pages read once, as a server would
    times, slowest = [], ("", 0.0, 0)
    for label, words, filters in _queries(count):
        fits = filters.get("fits")
        wanted = SearchFilters(
            license=filters.get("license"),
            material=filters.get("material"),
            fits=printer_named(fits) if fits else None,
        )
        started = time.perf_counter()
        hits = search(catalog, words, wanted, SEARCH_SHOWN + 1)  # as ohw catalog search asks
        elapsed = time.perf_counter() - started
        times.append(elapsed)
        if elapsed > slowest[1]:
            slowest = (label, elapsed, min(len(hits), SEARCH_SHOWN))
    times.sort()
    p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
    print(f"   query in process, median           {p50 * 1000:8.2f} ms")
    print(f"   query in process, 95th percentile  {p95 * 1000:8.2f} ms")
    print(f"   slowest: {slowest[0]!r}, {slowest[1] * 1000:.1f} ms ({slowest[2]:,} designs shown)")
    return Target("search, 95th percentile (ms)", p95 * 1000, 50.0, "ms", True, strict=True)


def site(cat: list[str | Path], env: dict[str, str], out: Path) -> Target:
    print("\n4. The catalog's site")
    first = timed([*cat, "site", "--out", out], env, {0})
    again = timed([*cat, "site", "--out", out], env, {0})
    files = sum(len(names) for _, _, names in os.walk(out))
    print(f"   ohw catalog site, first            {first:8.2f}s  ({files:,} files)")
    print(f"   ohw catalog site, again            {again:8.2f}s")
    return Target("site built (s)", max(first, again), 60.0, "s", True, strict=True)


def measure(root: Path, args: argparse.Namespace) -> list[Target]:
    """Every step in ``root``; designs, catalog and first sync kept there from
    an earlier run (``--keep``) are used again."""
    ohw = ohw_command()
    env = {**os.environ, "HOME": str(root), "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1",
           "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org"}  # fmt: skip
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # ohw as installed: compiled once
    lab, synced = root / "lab", root / "first-sync-done"
    cat: list[str | Path] = [*ohw, "catalog", "--catalog", lab]
    port_file = root / "port"
    if synced.exists():
        designs = sorted((root / "designs").glob("design-*.git"))
        print(f"{len(designs):,} designs and their catalog, synced, kept in {root}")
    else:
        shutil.rmtree(root / "designs", ignore_errors=True)
        shutil.rmtree(lab, ignore_errors=True)
        port_file.unlink(missing_ok=True)
        started = time.perf_counter()
        designs = make_designs(root / "designs", args.designs)
        print(f"{len(designs):,} designs made in {time.perf_counter() - started:.1f}s")
    port = port_file.read_text().strip() if port_file.exists() else "0"
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(root / "designs"), "--port", port],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = server.stdout.readline().strip()
        if not port:
            sys.exit(f"the server could not listen on the port of the last run, {port_file}")
        port_file.write_text(port)  # the catalog's URLs hold it
        base = f"http://127.0.0.1:{port}"
        print(f"served by smart HTTP at {base}")
        if not synced.exists():
            urls = root / "urls.txt"
            urls.write_text("".join(f"{base}/{d.name}\n" for d in designs))
            timed([*cat, "add", "--from", urls], env, {0})
            first_sync(cat, env, len(designs))
            synced.touch()
        targets = resync(cat, env, designs, args.runs)
        targets.append(searches(lab, ohw, env, args.runs, args.queries))
        targets.append(site(cat, env, root / "site"))
    finally:
        server.kill()
        server.wait()
    return targets


def main(argv: Sequence[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    options.add_argument("--designs", type=int, default=10_000)
    options.add_argument("--runs", type=int, default=3)
    options.add_argument("--queries", type=int, default=200)
    options.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="work in DIR and keep it: a later run with the same DIR skips the first sync",
    )
    options.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # the server process
    options.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = options.parse_args(argv)
    if args.serve is not None:
        serve_forever(args.serve, args.port)
        return 0
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        targets = measure(args.keep.resolve(), args)
    else:
        with tempfile.TemporaryDirectory(prefix="ohw-bench-catalog-") as scratch:
            targets = measure(Path(scratch), args)
    print_targets(targets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
