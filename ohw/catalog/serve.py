"""A catalog's site served on the lab's network: Python's own HTTP server, on
the folder the site was written to, until Ctrl-C."""

from __future__ import annotations

import functools
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ohw.errors import OhwError


class _Files(SimpleHTTPRequestHandler):
    """The site's files, read-only; no line on the terminal for each request."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.send_error(405)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a visitor who leaves before a file is sent is no failure


def serve_site(site: Path, bind: str, port: int, ready: Callable[[str], None]) -> None:
    """Serve the folder ``site`` on ``bind``:``port`` until interrupted;
    ``ready`` is told the address once it listens."""
    handler = functools.partial(_Files, directory=str(site))
    try:
        server = _Server((bind, port), handler)
    except OSError as error:
        raise OhwError(
            f"cannot serve on {bind}:{port}: {error.strerror or error}",
            "give another --port (or --bind), or stop what listens there",
        ) from None
    with server:
        host, bound = server.server_address[:2]
        ready(f"http://{host!s}:{bound}/")
        server.serve_forever()
