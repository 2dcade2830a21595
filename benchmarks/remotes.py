"""How fast ``ohw clone``, ``ohw fork``, ``ohw pull`` and ``ohw update`` move a
packed design repository, side by side with git doing the same, over every
transport: a plain path, file://, git:// (``git daemon``) and smart HTTP
(``git http-backend``), all on this machine.

Run it by hand from the project root, with the Python that has ohw installed:

    python benchmarks/remotes.py [--runs N] [--corpus PATH] [--design trident|voron-0]
                                 [--transports path,file,git,http]

The design (``--design``, default ``trident``):

- ``trident``: the Voron Trident printer's repository as its maintainers lay it
  out (../shared/corpus/repos/VoronDesign__Voron-Trident/tree.tsv: every file
  at its size, but six whose size it does not give), with stand-ins for the
  files the corpus does not hold: each STL a mesh of its own (a wavy surface,
  as many facets as the file holds), text files as text, compressed formats
  (Fusion 360, PDF, PNG, ZIP) as random bytes; made an ohw design (``ohw
  init``, a part for each STL) in four commits, the last revising a tenth of
  the meshes, as a repository with a history is;
- ``voron-0``: the 62 real STL files of the Voron 0 (../shared/corpus/stl/voron-0/)
  as the parts of one design, in one commit.

The repository is cloned bare and repacked (``git repack -ad``), as a server
keeps its repositories, and then given one more commit, which pulls and
updates fetch: a tenth of the meshes revised again, and five new parts.

Timed, as whole processes, round by round into fresh copies, with no terminal
(so no progress bars), over each transport:

- ``git clone URL`` / ``ohw clone URL`` / ``ohw fork URL``;
- in a clone made before the last commit: ``git pull`` / ``ohw pull``;
- in a fork made by ``ohw fork`` before the last commit: ``git pull upstream
  main`` / ``ohw update`` (a merge commit: the fork has its own commit).

git's side is each command as a person types it, with git's settings as
installed (``init.defaultBranch`` and an identity aside). ohw's is what ohw does
for a person: a clone or fork of a repository on this machine runs ``git
clone`` with parallel checkout (``checkout.workers``, one per processor, from
16 files; git's defaults are one worker and 100 files: see the README), and
loads libgit2 and its merge while git transfers.

Targets: each ohw command at most 1.1x the wall time of git doing the same
(``ohw fork`` against ``git clone``). Nothing outside a temporary folder is written.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from timing import (
    PROJECT,
    Series,
    Target,
    as_installed,
    describe_ohw,
    expect,
    megabytes,
    ohw_command,
    print_cpu_times,
    print_skip,
    print_targets,
    print_times,
    run,
)

OVER_GIT = 1.1  # an ohw command's wall time / git's doing the same
DEFAULT_CORPUS = PROJECT.parent / "shared" / "corpus"
TRANSPORTS = ("path", "file", "git", "http")

IDENTITY = {
    "GIT_AUTHOR_NAME": "benchmark",
    "GIT_AUTHOR_EMAIL": "benchmark@example.org",
    "GIT_COMMITTER_NAME": "benchmark",
    "GIT_COMMITTER_EMAIL": "benchmark@example.org",
}
# Formats that are compressed already: random bytes stand in for them.
COMPRESSED = {".f3d", ".pdf", ".png", ".jpg", ".jpeg", ".zip", ".gif", ".webp", ".3mf"}


def git(*arguments: str | Path, cwd: Path, env: dict[str, str]) -> str:
    return subprocess.run(
        ["git", *map(str, arguments)], cwd=cwd, env=env, check=True, capture_output=True,
        text=True,
    ).stdout  # fmt: skip


# --- the servers ------------------------------------------------------------------------


def http_backend() -> str:
    exec_path = subprocess.run(
        ["git", "--exec-path"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return str(Path(exec_path) / "git-http-backend")


@contextmanager
def serve_http(root: Path) -> Iterator[str]:
    """Smart HTTP for the repositories under ``root`` (git http-backend as CGI,
    its answer streamed as it comes); yields the base URL."""
    backend = http_backend()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # bodies in chunks, as they come (libgit2 wants them framed)

        def do_GET(self) -> None:
            self.run_backend()

        def do_POST(self) -> None:
            self.run_backend()

        def log_message(self, format: str, *args: object) -> None:
            pass

        def run_backend(self) -> None:
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            environment = {
                "GIT_PROJECT_ROOT": str(root),
                "GIT_HTTP_EXPORT_ALL": "1",
                "REQUEST_METHOD": self.command,
                "PATH_INFO": path,
                "QUERY_STRING": query,
                "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                "CONTENT_LENGTH": str(length),
                "REMOTE_ADDR": "127.0.0.1",
                "PATH": os.environ["PATH"],
            }
            for header in ("Git-Protocol", "Content-Encoding"):
                if header in self.headers:
                    environment["HTTP_" + header.upper().replace("-", "_")] = self.headers[header]
            body = self.rfile.read(length) if length else b""
            with subprocess.Popen(
                [backend], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment
            ) as cgi:
                assert cgi.stdin is not None and cgi.stdout is not None
                cgi.stdin.write(body)
                cgi.stdin.close()
                status, headers = "200 OK", []
                for raw in iter(cgi.stdout.readline, b""):
                    line = raw.decode("latin-1").rstrip("\r\n")
                    if not line:
                        break
                    name, _, value = line.partition(":")
                    if name.lower() == "status":
                        status = value.strip()
                    else:
                        headers.append((name, value.strip()))
                code, _, reason = status.partition(" ")
                self.send_response(int(code), reason or None)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                while chunk := cgi.stdout.read1(1 << 16):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a client hanging up
                super().handle_error(request, client_address)  # type: ignore[arg-type]

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve_git(root: Path) -> Iterator[str]:
    """`git daemon` for the repositories under ``root``; yields the base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    daemon = subprocess.Popen(
        ["git", "daemon", "--reuseaddr", "--listen=127.0.0.1", f"--port={port}",
         f"--base-path={root}", "--export-all", str(root)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"git://127.0.0.1:{port}"
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


@contextmanager
def urls(served: Path, transports: Sequence[str]) -> Iterator[dict[str, str]]:
    """The URL of the bare repository ``served`` over each transport."""
    with contextlib.ExitStack() as stack:
        found = {"path": str(served), "file": served.as_uri()}
        if "git" in transports:
            found["git"] = f"{stack.enter_context(serve_git(served.parent))}/{served.name}"
        if "http" in transports:
            found["http"] = f"{stack.enter_context(serve_http(served.parent))}/{served.name}"
        yield {name: found[name] for name in transports}


# --- the design -------------------------------------------------------------------------


def stand_in_mesh(facets: int, seed: int) -> bytes:
    """A binary STL of ``facets`` facets: a wavy surface of its own (``seed``),
    its corners shared by six facets each, as in a CAD export."""
    import numpy as np

    generator = np.random.default_rng(seed)
    side = max(2, int((facets / 2) ** 0.5) + 2)
    x, y = np.meshgrid(np.arange(side, dtype=np.float64), np.arange(side, dtype=np.float64))
    phases = generator.uniform(0, 6.3, 4)
    z = 5 * np.sin(x / 7 + phases[0]) * np.cos(y / 9 + phases[1]) + np.sin(x / 3 + phases[2])
    points = np.stack([x * 0.4 + phases[3], y * 0.4, z], axis=-1).astype(np.float32)
    a, b = points[:-1, :-1].reshape(-1, 3), points[:-1, 1:].reshape(-1, 3)
    c, d = points[1:, :-1].reshape(-1, 3), points[1:, 1:].reshape(-1, 3)
    triangles = np.concatenate([np.stack([a, b, c], 1), np.stack([b, d, c], 1)])[:facets]
    normals = np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0])
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)
    records = np.zeros(len(triangles), dtype=[("n", "<f4", 3), ("v", "<f4", (3, 3)), ("a", "<u2")])
    records["n"], records["v"] = normals, triangles
    return b"stand-in".ljust(80, b" ") + len(records).to_bytes(4, "little") + records.tobytes()


def stand_in(path: str, size: int, seed: int) -> bytes:
    """Content for ``path`` of ``size`` bytes, as its kind of file compresses."""
    suffix = Path(path).suffix.lower()
    if suffix == ".stl" and size >= 134 and (size - 84) % 50 == 0:
        return stand_in_mesh((size - 84) // 50, seed)
    if suffix in COMPRESSED:
        return random.Random(seed).randbytes(size)
    generator = random.Random(seed)
    words = ["LINE", "POINT", "VERTEX", "0.000", "AcDbEntity", "#10", "CARTESIAN_POINT", "=", ";"]
    lines, length = [], 0
    while length < size:
        line = f"{generator.choice(words)} {generator.randint(0, 9999)} {generator.random():.4f}\n"
        lines.append(line)
        length += len(line)
    return "".join(lines).encode()[:size]


def revise(design: Path, path: str, time: int) -> None:
    """A mesh changed where a designer changes one: the last fifth of its facets
    (a different change at each ``time``)."""
    data = (design / path).read_bytes()
    keep = 84 + (len(data) - 84) // 250 * 200
    again = stand_in_mesh((len(data) - 84) // 50, zlib.crc32(path.encode()) + time)
    write(design, path, data[:keep] + again[keep:])


def part_entries(paths: list[str]) -> str:
    lines = []
    for path in paths:
        part_id = re.sub(r"[^a-z0-9]+", "-", Path(path).with_suffix("").as_posix().lower())
        lines += [f"  - id: {part_id.strip('-')}", f"    export: {json.dumps(path)}"]
    return "\n".join(lines) + "\n"


def add_parts(design: Path, paths: list[str]) -> None:
    manifest = design / "ohw.yaml"
    text = manifest.read_text(encoding="utf-8")
    if "parts: []\n" in text:
        text = text.replace("parts: []\n", "parts:\n" + part_entries(paths))
    else:
        head, tail = text.split("\nbom:", 1)
        text = head + "\n" + part_entries(paths).rstrip("\n") + "\nbom:" + tail
    manifest.write_text(text, encoding="utf-8")


def commit(design: Path, message: str, env: dict[str, str]) -> None:
    git("add", "-A", cwd=design, env=env)
    git("-c", "commit.gpgsign=false", "commit", "-qm", message, cwd=design, env=env)


def write(design: Path, path: str, data: bytes) -> None:
    target = design / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def trident_design(design: Path, corpus: Path, env: dict[str, str]) -> list[str] | None:
    """The Trident's files in three commits after ohw init; the meshes, or None
    without the corpus."""
    listing = corpus / "repos" / "VoronDesign__Voron-Trident" / "tree.tsv"
    if not listing.is_file():
        return None
    rows = [line.split("\t") for line in listing.read_text(encoding="utf-8").splitlines()[1:]]
    files = {
        path: int(size)
        for path, size, _ in rows
        if size.isdigit() and path not in ("README.md", ".gitignore")
    }
    order = sorted(files)
    random.Random(1).shuffle(order)
    cut = len(order) * 7 // 10
    meshes: list[str] = []
    for number, chunk in enumerate((order[:cut], order[cut:])):
        for path in chunk:
            write(design, path, stand_in(path, files[path], seed=zlib.crc32(path.encode())))
        new_meshes = sorted(p for p in chunk if p.lower().endswith(".stl"))
        add_parts(design, new_meshes)
        meshes += new_meshes
        commit(design, ("The printer's files", "The rest of the printer")[number], env)
    for path in meshes[::10]:
        revise(design, path, 1)
    commit(design, "Revised meshes", env)
    return meshes


def voron_0_design(design: Path, corpus: Path, env: dict[str, str]) -> list[str] | None:
    source = corpus / "stl" / "voron-0"
    files = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() == ".stl")
    if not files:
        return None
    paths = [f"parts/{p.relative_to(source).as_posix()}" for p in files]
    for path, file in zip(paths, files, strict=True):
        write(design, path, file.read_bytes())
    add_parts(design, paths)
    commit(design, "The Voron 0 parts", env)
    return paths


def make_served(
    folder: Path, kind: str, corpus: Path, ohw: list[str], env: dict[str, str]
) -> tuple[Path, Path] | None:
    """The design made, served bare and packed from folder/srv; returns the bare
    repository and the working copy that makes the next commit (not yet pushed),
    or None without the corpus."""
    design = folder / "design"
    subprocess.run([*ohw, "init", str(design), "--title", f"{kind} printer"],
                   env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    maker = trident_design if kind == "trident" else voron_0_design
    meshes = maker(design, corpus, env)
    if meshes is None:
        return None
    served = folder / "srv" / f"{kind}.git"
    git("clone", "-q", "--bare", design, served, cwd=folder, env=env)
    git("remote", "add", "served", served, cwd=design, env=env)
    # Packed, as a server keeps its repositories.
    git("repack", "-adq", cwd=served, env=env)
    # The next commit, which pulls and updates fetch: a tenth of the meshes
    # revised again, and five new parts.
    for path in meshes[5::10]:
        revise(design, path, 2)
    new = [f"parts/new/part-{n}.stl" for n in range(5)]
    for number, path in enumerate(new):
        write(design, path, stand_in_mesh(20_000, seed=900 + number))
    add_parts(design, new)
    commit(design, "New parts, revised meshes", env)
    return served, design


# --- timing -----------------------------------------------------------------------------


def copy_of(template: Path, into: Path) -> Path:
    shutil.copytree(template, into, symlinks=True)
    return into


def time_round(
    transport: str,
    url: str,
    *,
    templates: dict[str, Path],
    folder: Path,
    ohw: list[str],
    env: dict[str, str],
    series: dict[str, Series],
) -> None:
    """One round of every command over ``transport``."""
    for label, command in (
        ("git clone", ["git", "clone", "-q", url]),
        ("ohw clone", [*ohw, "clone", url]),
        ("ohw fork", [*ohw, "fork", url]),
    ):
        destination = folder / "made"
        os.sync()  # what the last command wrote is not written out on this one's time
        series[f"{transport}: {label}"].runs.append(run([*command, str(destination)], env, folder))
        shutil.rmtree(destination, ignore_errors=True)
    for label, template, remote, command in (
        ("git pull", "clone", "origin", ["git", "pull", "-q", "--no-rebase"]),
        ("ohw pull", "clone", "origin", [*ohw, "pull"]),
        ("git pull upstream main", "fork", "upstream",
         ["git", "pull", "-q", "--no-rebase", "--no-edit", "upstream", "main"]),
        ("ohw update", "fork", "upstream", [*ohw, "update"]),
    ):  # fmt: skip
        work = copy_of(templates[template], folder / "work")
        git("remote", "set-url", remote, url, cwd=work, env=env)
        os.sync()
        series[f"{transport}: {label}"].runs.append(run(command, env, work))
        shutil.rmtree(work, ignore_errors=True)


PAIRS = (
    ("ohw clone", "git clone"),
    ("ohw fork", "git clone"),
    ("ohw pull", "git pull"),
    ("ohw update", "git pull upstream main"),
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time ohw's remote commands against git's.")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each timing")
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="the test corpus (holding repos/, stl/)"
    )
    parser.add_argument("--design", choices=("trident", "voron-0"), default="trident")
    parser.add_argument(
        "--transports", default=",".join(TRANSPORTS), help="some of " + ",".join(TRANSPORTS)
    )
    options = parser.parse_args(argv)
    transports = [t for t in options.transports.split(",") if t in TRANSPORTS]
    runs = max(1, options.runs)
    started = time.perf_counter()
    ohw = ohw_command()
    with tempfile.TemporaryDirectory(prefix="ohw-bench-") as name:
        folder = Path(name)
        home = folder / "home"
        home.mkdir()
        (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n", encoding="utf-8")
        env = as_installed(
            {**os.environ, **IDENTITY, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"}
        )
        print(
            f"ohw remote benchmarks: {describe_ohw(ohw, env)}, Python {platform.python_version()}"
        )
        git_version = subprocess.run(
            ["git", "--version"], capture_output=True, text=True, check=False
        ).stdout
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
              f"{git_version.strip()}; each timing run {runs}x; "
              "wall time of whole processes, medians")  # fmt: skip
        targets = [Target(f"{t}: {o} / {g}", None, OVER_GIT, "x", below=True)
                   for t in transports for o, g in PAIRS]  # fmt: skip
        print(f"\n1. The design: {options.design}")
        made = make_served(folder, options.design, options.corpus, ohw, env)
        if made is None:
            print_skip(f"the corpus has no {options.design} files ({options.corpus})")
            print_targets(targets)
            return 0
        served, next_commit = made
        files = git("ls-tree", "-r", "-l", "HEAD", cwd=next_commit, env=env).splitlines()
        pack = sum(p.stat().st_size for p in (served / "objects" / "pack").glob("*.pack"))
        commits = git("rev-list", "--count", "HEAD", cwd=served, env=env).strip()
        print(f"   {len(files) - 5} files, "
              f"{megabytes(sum(int(line.split()[3]) for line in files[5:]))} "
              f"in {commits} commits; the served repository packed: {megabytes(pack)}")  # fmt: skip
        templates = {"clone": folder / "template-clone", "fork": folder / "template-fork"}
        git("clone", "-q", served, templates["clone"], cwd=folder, env=env)
        # once untimed (which also compiles ohw's modules, as installing does)
        subprocess.run([*ohw, "fork", str(served), str(templates["fork"])], env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        git("push", "-q", "served", "main", cwd=next_commit, env=env)
        print("   then one more commit, for pull and update to fetch")
        labels = [f"{t}: {label}" for t in transports for label in
                  ("git clone", "ohw clone", "ohw fork", "git pull", "ohw pull",
                   "git pull upstream main", "ohw update")]  # fmt: skip
        series = {label: Series(label) for label in labels}
        with urls(served, transports) as by_transport:
            for _ in range(runs):
                for transport, url in by_transport.items():
                    time_round(
                        transport,
                        url,
                        templates=templates,
                        folder=folder,
                        ohw=ohw,
                        env=env,
                        series=series,
                    )
        for number, transport in enumerate(transports, start=2):
            print(f"\n{number}. Over {transport}")
            rows = [series[label] for label in labels if label.startswith(f"{transport}: ")]
            print_times(rows)
            print_cpu_times(rows)
            for row in rows:
                expect(row, {0})
        measured = []
        for transport in transports:
            for ours, theirs in PAIRS:
                value = (
                    series[f"{transport}: {ours}"].seconds
                    / series[f"{transport}: {theirs}"].seconds
                )
                measured.append(Target(f"{transport}: {ours} / {theirs}", value, OVER_GIT, "x",
                                       below=True))  # fmt: skip
        print_targets(measured)
    print(f"\n(the whole benchmark took {time.perf_counter() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
