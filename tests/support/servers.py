"""Real git servers on loopback, started and stopped by the tests: `git daemon`
(git://) and smart HTTP through `git http-backend` behind a small WSGI server
(with giftless beside it for Git LFS), a server that accepts connections
and never answers, and one whose every answer the test writes byte for byte."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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


def lfs_server(store: Path):
    """giftless, a Git LFS server (the batch API and the basic transfer), as a
    WSGI application keeping objects in the folder ``store``. Anyone may read
    and write, as on a test server; giftless signs each transfer it offers."""
    from giftless.app import init_app

    signer = {
        "factory": "giftless.auth.jwt:factory",
        "options": {"algorithm": "HS256", "private_key": "a key for tests on loopback only"},
    }
    return init_app(
        additional_config={
            "LEGACY_ENDPOINTS": False,  # every URL under REPO.git/info/lfs/
            "AUTH_PROVIDERS": [signer, "giftless.auth.allow_anon:read_write"],
            "PRE_AUTHORIZED_ACTION_PROVIDER": signer,
            "TRANSFER_ADAPTERS": {
                "basic": {
                    "factory": "giftless.transfer.basic_streaming:factory",
                    "options": {
                        "storage_class": "giftless.storage.local_storage:LocalStorage",
                        "storage_options": {"path": str(store)},
                    },
                }
            },
        }
    )


@contextmanager
def smart_http(
    root: Path, *, trickle: tuple[int, float] | None = None, lfs: Path | None = None
) -> Iterator[str]:
    """`git http-backend` (CGI) for the repositories under ``root``, pushes
    allowed; yields its base URL (http://127.0.0.1:PORT). With ``trickle``
    (bytes, seconds), every response is sent that many bytes at a time with a
    pause between: a slow network, for killing a client in the middle. With
    ``lfs`` (a folder), giftless answers at each repository's LFS endpoint
    (URL/info/lfs, where git-lfs looks by default), keeping objects there;
    giftless wants the repositories one folder down (ORG/REPO.git)."""
    backend = _http_backend()
    objects = lfs_server(lfs) if lfs is not None else None

    def app(environ: dict, start_response):
        if objects is not None and "/info/lfs/" in environ.get("PATH_INFO", ""):
            return objects(environ, start_response)
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


@dataclass
class Scripted:
    """A server of ``scripted_http``: its base URL, and what it saw."""

    base: str
    connections: int = 0
    requests: list[str] = field(default_factory=list)  # the paths asked, as they came
    most_ahead: int = 0  # requests that had come in unanswered at once, at most


# What a scripted server does for a request: the bytes to send, and then
# "keep" the connection, "close" it (no more answers: what the client sent
# ahead is read and dropped) or "reset" it (closed at once, unread data and all).
Respond = Callable[[str, int], tuple[bytes, str]]


@contextmanager
def scripted_http(respond: Respond) -> Iterator[Scripted]:
    """A web server on loopback that answers each request with what
    ``respond(path, number)`` gives (``number``: the request's place on its
    connection, from 0), byte for byte, without checking it is HTTP. Requests
    a client sends ahead are answered in turn, as an HTTP/1.1 server does."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    seen = Scripted(f"http://127.0.0.1:{listener.getsockname()[1]}")
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            seen.connections += 1
            thread = threading.Thread(
                target=_answer_as_scripted, args=(connection, respond, seen), daemon=True
            )
            thread.start()
            threads.append(thread)

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield seen
    finally:
        stop.set()
        acceptor.join()
        listener.close()
        for thread in threads:
            thread.join(timeout=10)


def _answer_as_scripted(connection: socket.socket, respond: Respond, seen: Scripted) -> None:
    buffer, number = b"", 0
    connection.settimeout(10)
    try:
        while True:
            while b"\r\n\r\n" not in buffer:
                data = connection.recv(1 << 16)
                if not data:
                    return
                buffer += data
            seen.most_ahead = max(seen.most_ahead, buffer.count(b"\r\n\r\n"))
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            path = head.split(b" ")[1].decode("latin-1")
            seen.requests.append(path)
            answer, then = respond(path, number)
            number += 1
            if then == "reset":  # no FIN: an RST, what a crash or a proxy's cut sends
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.sendall(answer)
            if then == "close":
                connection.shutdown(socket.SHUT_WR)
                while connection.recv(1 << 16):  # until the client closes too
                    pass
            if then != "keep":
                return
    except OSError:
        return
    finally:
        connection.close()


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")
