"""The refs web servers advertise for many repositories at once, asked over
one kept-alive connection per server and thread.

``ohw catalog sync`` asks every design whether it moved, thousands of them,
most often on a few forges. libgit2 opens a connection for each repository it
asks (``Remote.list_heads``); this asks git's smart HTTP ref advertisement
(``GET …/info/refs?service=git-upload-pack``, protocol v0, as git's
documentation of the HTTP protocol gives it) over connections kept open. What
it reads is held equal to what libgit2 reads (tests/storage/vcs/test_advertised.py);
a server that answers otherwise (a login, a redirect, a dumb or v2-only server,
an error) is left to libgit2, which says what is wrong.
"""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from ohw import __version__
from ohw.storage.vcs.mirror import RemoteState
from ohw.storage.vcs.remote import CONNECT_TIMEOUT, READ_TIMEOUT

_ADVERTISEMENT = "application/x-git-upload-pack-advertisement"
_LARGEST = 64 * 1024 * 1024  # bytes of one advertisement: a repository of many tags
_KEPT = ("refs/heads/", "refs/tags/")


def is_web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _pkt_lines(body: bytes) -> Iterator[bytes | None]:
    """The pkt-lines of ``body``: their payloads, None for a flush packet; a
    ValueError where the framing is broken."""
    at = 0
    while at < len(body):
        length = int(body[at : at + 4], 16)
        if length == 0:
            yield None
            at += 4
            continue
        if length < 4 or at + length > len(body):
            raise ValueError("a pkt-line runs past the end")
        yield body[at + 4 : at + length]
        at += length


def parse_advertisement(body: bytes) -> RemoteState | None:
    """The branches and tags of a smart HTTP ref advertisement, and the branch
    HEAD names; None for anything else (protocol v2, a broken answer)."""
    try:
        lines = list(_pkt_lines(body))
    except ValueError:
        return None
    if not lines or lines[0] is None or not lines[0].startswith(b"# service=git-upload-pack"):
        return None
    refs: dict[str, str] = {}
    head = None
    for number, line in enumerate(lines[2:]):  # after the service line and its flush
        if line is None:
            break
        text = line.rstrip(b"\n")
        if number == 0:
            text, _, capabilities = text.partition(b"\0")
            for capability in capabilities.decode("utf-8", "replace").split():
                if capability.startswith("symref=HEAD:"):
                    head = capability.removeprefix("symref=HEAD:")
        object_id, _, name = text.decode("utf-8", "replace").partition(" ")
        if len(object_id) not in (40, 64) or not name:
            return None  # "version 2", or not a ref line
        if name.startswith(_KEPT) and not name.endswith("^{}"):
            refs[name] = object_id
    else:
        return None  # no closing flush: cut short
    return RemoteState(refs, head)


class _Connections:
    """One connection per server, kept open for the requests of one thread."""

    def __init__(self) -> None:
        self.open: dict[tuple[str, str], http.client.HTTPConnection] = {}

    def get(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        key = (scheme, netloc)
        if key not in self.open:
            if scheme == "https":
                self.open[key] = http.client.HTTPSConnection(
                    netloc, timeout=CONNECT_TIMEOUT, context=ssl.create_default_context()
                )
            else:
                self.open[key] = http.client.HTTPConnection(netloc, timeout=CONNECT_TIMEOUT)
        return self.open[key]

    def close(self) -> None:
        for connection in self.open.values():
            connection.close()


def _ask(connections: _Connections, url: str) -> RemoteState | None:
    parts = urlsplit(url)
    if parts.username or parts.password or parts.query or parts.fragment:
        return None  # credentials and the like: libgit2's to handle
    path = parts.path.rstrip("/") + "/info/refs?service=git-upload-pack"
    headers = {"User-Agent": f"git/ohw-{__version__}", "Accept": "*/*", "Pragma": "no-cache"}
    for attempt in (1, 2):  # a kept connection the server has closed is opened again, once
        connection = connections.get(parts.scheme.lower(), parts.netloc)
        try:
            connection.request("GET", path, headers=headers)
            if connection.sock is not None:
                connection.sock.settimeout(READ_TIMEOUT)
            response = connection.getresponse()
            body = response.read(_LARGEST + 1)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            connection.close()
            if attempt == 2:
                return None
            continue
        except (OSError, http.client.HTTPException):
            connection.close()
            return None
        if response.will_close:
            connection.close()
        kind = response.getheader("Content-Type", "").split(";")[0].strip().lower()
        if response.status != 200 or kind != _ADVERTISEMENT or len(body) > _LARGEST:
            return None
        return parse_advertisement(body)
    return None


def advertised_states(urls: list[str], jobs: int) -> dict[str, RemoteState | None]:
    """What each http(s) URL of ``urls`` advertises, asked by ``jobs`` threads
    at once; None for a URL whose server did not answer as a smart HTTP git
    server does (libgit2 is to ask it, and say why it fails)."""
    if not urls:
        return {}
    workers = max(1, min(jobs, len(urls)))
    shares = [urls[number::workers] for number in range(workers)]

    def ask_all(share: list[str]) -> list[tuple[str, RemoteState | None]]:
        connections = _Connections()
        try:
            return [(url, _ask(connections, url)) for url in share]
        finally:
            connections.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return {url: state for found in pool.map(ask_all, shares) for url, state in found}
