"""Real git servers on loopback, started and stopped by the tests: `git daemon`
(git://) and smart HTTP through `git http-backend` behind a small WSGI server,
and a server that accepts connections and never answers."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import HTTPServer
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


def free_port() -> int:
    """A port on loopback that nothing listens on (as the system sees it now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def git_daemon(root: Path) -> Iterator[str]:
    """`git daemon` serving every repository under ``root``, pushes allowed;
    yields its base URL (git://127.0.0.1:PORT)."""
    port = free_port()
    daemon = subprocess.Popen(
        [
            "git", "daemon", "--reuseaddr", "--listen=127.0.0.1", f"--port={port}",
            f"--base-path={root}", "--export-all", "--enable=receive-pack", str(root),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for(port)
        yield f"git://127.0.0.1:{port}"
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


def _http_backend() -> str:
    exec_path = subprocess.run(
        ["git", "--exec-path"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return str(Path(exec_path) / "git-http-backend")


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@contextmanager
def smart_http(root: Path, *, trickle: tuple[int, float] | None = None) -> Iterator[str]:
    """`git http-backend` (CGI) for the repositories under ``root``, pushes
    allowed; yields its base URL (http://127.0.0.1:PORT). With ``trickle``
    (bytes, seconds), every response is sent that many bytes at a time with a
    pause between: a slow network, for killing a client in the middle."""
    backend = _http_backend()

    def app(environ: dict, start_response):
        if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
            body = _dechunked(environ["wsgi.input"])  # a big push, as libgit2 sends it
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
        cgi_env = {
            key: str(environ[key])
            for key in (
                "REQUEST_METHOD", "QUERY_STRING", "CONTENT_TYPE", "PATH_INFO",
                "REMOTE_ADDR", "HTTP_GIT_PROTOCOL", "HTTP_CONTENT_ENCODING",
            )
            if key in environ
        }  # fmt: skip
        cgi_env |= {
            "GIT_PROJECT_ROOT": str(root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REMOTE_USER": "tester",  # http-backend lets only known users push
            "CONTENT_LENGTH": str(len(body)),
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", "/"),
        }
        done = subprocess.run([backend], input=body, env=cgi_env, capture_output=True, check=False)
        head, _, payload = done.stdout.partition(b"\r\n\r\n")
        status, headers = "200 OK", []
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = value.strip()
            elif name:
                headers.append((name, value.strip()))
        if trickle is None:
            start_response(status, headers)
            return [payload]
        # sent in pieces, the body needs its length said
        start_response(status, [*headers, ("Content-Length", str(len(payload)))])
        return _trickled(payload, *trickle)

    server = make_server("127.0.0.1", 0, app, _ThreadingWSGIServer, handler_class=_QuietHandler)
    with serving(server) as url:
        yield url


@contextmanager
def serving(server: HTTPServer) -> Iterator[str]:
    """``server`` answering on a thread of its own until the block ends; yields
    its base URL."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _dechunked(stream) -> bytes:
    """A request body sent in chunks (HTTP/1.1), which wsgiref hands on as it came."""
    body = b""
    while True:
        size = int(stream.readline().split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while stream.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return body
        body += stream.read(size)
        stream.readline()  # the line break ending the chunk


def _trickled(payload: bytes, size: int, pause: float) -> Iterator[bytes]:
    for start in range(0, len(payload), size):
        yield payload[start : start + size]
        time.sleep(pause)


@contextmanager
def silent_server() -> Iterator[int]:
    """A server that accepts connections and never says a word; yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")
