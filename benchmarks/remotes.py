"""How fast ``ohw clone`` and ``ohw fork`` fetch a design over smart HTTP, side
by side with ``git clone`` of the same repository from the same server.

Run it by hand from the project root, with the Python that has ohw installed:

    python benchmarks/remotes.py [--runs N] [--corpus PATH]

The design is made with ``ohw init`` and holds every STL file of the Voron 0
printer in the corpus (../shared/corpus/stl/voron-0/) as its parts, one
manifest entry each; it is committed, cloned bare, and served on loopback by
``git http-backend`` behind a small threaded HTTP server of this script's own.
Timed, as whole processes, round by round into fresh folders: ``git clone URL``,
``ohw clone URL`` and ``ohw fork URL``. Targets: ohw clone and ohw fork each at
most 1.3x the wall time of git clone. Nothing outside a temporary folder is written.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
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

OVER_GIT_CLONE = 1.3  # ohw clone (or fork) wall time / git clone wall time
DEFAULT_CORPUS = PROJECT.parent / "shared" / "corpus"

IDENTITY = {
    "GIT_AUTHOR_NAME": "benchmark",
    "GIT_AUTHOR_EMAIL": "benchmark@example.org",
    "GIT_COMMITTER_NAME": "benchmark",
    "GIT_COMMITTER_EMAIL": "benchmark@example.org",
}


def http_backend() -> str:
    exec_path = subprocess.run(
        ["git", "--exec-path"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return str(Path(exec_path) / "git-http-backend")


@contextmanager
def serve(root: Path) -> Iterator[str]:
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

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def make_design(
    folder: Path, root: Path, files: list[Path], ohw: list[str], env: dict[str, str]
) -> Path:
    """A design made by ohw init whose parts are ``files`` (under ``root``),
    committed, and served from a bare clone under folder/srv; returns the bare
    repository."""
    design = folder / "voron-0"
    subprocess.run([*ohw, "init", str(design), "--title", "Voron 0 parts"],
                   env={**env, **IDENTITY}, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    manifest = design / "ohw.yaml"
    entries = []
    for source in files:
        relative = source.relative_to(root)
        (design / "parts" / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, design / "parts" / relative)
        part_id = re.sub(r"[^a-z0-9]+", "-", relative.with_suffix("").as_posix().lower()).strip("-")
        entries += [
            f"  - id: {part_id}",
            f"    export: {json.dumps(f'parts/{relative.as_posix()}')}",
        ]
    text = manifest.read_text(encoding="utf-8").replace(
        "parts: []\n", "parts:\n" + "\n".join(entries) + "\n"
    )
    manifest.write_text(text, encoding="utf-8")
    git = ["git", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "add", "-A"], cwd=design, env=env, check=True)
    subprocess.run([*git, "commit", "-qm", "The Voron 0 parts"], cwd=design,
                   env={**env, **IDENTITY}, check=True)  # fmt: skip
    served = folder / "srv" / "voron-0.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(design), str(served)], env=env, check=True)
    # Packed, as a server keeps its repositories: each clone then sends the pack
    # as it is, and the timings are the clients' more than the server's.
    subprocess.run(["git", "repack", "-adq"], cwd=served, env=env, check=True)
    return served


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time ohw clone and ohw fork against git clone.")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each timing")
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="the test corpus (holding stl/)"
    )
    options = parser.parse_args(argv)
    env = as_installed({**os.environ, **IDENTITY})
    ohw = ohw_command()
    runs = max(1, options.runs)
    started = time.perf_counter()
    print(f"ohw remote benchmarks: {describe_ohw(ohw, env)}, Python {platform.python_version()}")
    git_version = subprocess.run(
        ["git", "--version"], capture_output=True, text=True, check=False
    ).stdout
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {git_version.strip()}; "
          f"each timing run {runs}x; wall time of whole processes, medians")  # fmt: skip
    source = options.corpus / "stl" / "voron-0"
    targets = [
        Target("ohw clone / git clone, smart HTTP", None, OVER_GIT_CLONE, "x", below=True),
        Target("ohw fork / git clone, smart HTTP", None, OVER_GIT_CLONE, "x", below=True),
    ]
    files = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() == ".stl")
    print(f"\n1. A design of the Voron 0 parts ({source}), over smart HTTP on loopback")
    if not files:
        print_skip(f"no STL files in {source} (the corpus lives in ../shared/corpus)")
        print_targets(targets)
        return 0
    with tempfile.TemporaryDirectory(prefix="ohw-bench-") as name:
        folder = Path(name)
        served = make_design(folder, source, files, ohw, env)
        size = sum(p.stat().st_size for p in served.rglob("*") if p.is_file())
        print(f"   {len(files)} STL files, {megabytes(sum(p.stat().st_size for p in files))}; "
              f"the bare repository {megabytes(size)}")  # fmt: skip
        by_git = Series("git clone URL")
        by_clone = Series("ohw clone URL")
        by_fork = Series("ohw fork URL")
        with serve(served.parent) as base:
            url = f"{base}/voron-0.git"
            # once untimed (which also compiles ohw's modules, as installing does)
            subprocess.run([*ohw, "fork", url, str(folder / "warm-up")], env=env, check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
            for number in range(runs):
                for series, command in (
                    (by_git, ["git", "clone", url]),
                    (by_clone, [*ohw, "clone", url]),
                    (by_fork, [*ohw, "fork", url]),
                ):
                    destination = folder / f"{series.label.split()[1]}-{number}"
                    series.runs.append(run([*command, str(destination)], env, folder))
                    shutil.rmtree(destination, ignore_errors=True)
        print_times([by_git, by_clone, by_fork])
        print_cpu_times([by_git, by_clone, by_fork])
        for series in (by_git, by_clone, by_fork):
            expect(series, {0})
        clone_ratio = by_clone.seconds / by_git.seconds
        fork_ratio = by_fork.seconds / by_git.seconds
        print(f"   ohw clone / git clone: {clone_ratio:.2f}x   "
              f"ohw fork / git clone: {fork_ratio:.2f}x")  # fmt: skip
    targets = [
        Target(targets[0].what, clone_ratio, OVER_GIT_CLONE, "x", below=True),
        Target(targets[1].what, fork_ratio, OVER_GIT_CLONE, "x", below=True),
    ]
    print_targets(targets)
    print(f"\n(the whole benchmark took {time.perf_counter() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
