"""The refs web servers advertise for many repositories at once, asked over
kept-alive connections, several requests sent ahead on each.

``ohw catalog sync`` asks every design whether it moved, thousands of them,
most often on a few forges. libgit2 opens a connection for each repository it
asks (``Remote.list_heads``); this asks git's smart HTTP ref advertisement
(``GET …/info/refs?service=git-upload-pack``, protocol v0, as git's
documentation of the HTTP protocol gives it) over connections kept open.

It speaks the little HTTP/1.1 this one GET needs itself, on a socket, where
http.client spent more of the processor reading an answer's header fields
(through email.parser) than all the rest of the work. Once a server has kept
a connection open after an answer, up to ``_AHEAD`` requests are sent before
their answers are read (pipelining: an HTTP/1.1 server answers them in
turn); a server that then closes a connection with requests unanswered, or
answers in a way not read here, is asked one at a time.

An answer is read only as libgit2 and http.client both read it (held equal
to both by tests/storage/vcs/test_advertised.py): a status line and header
fields ended by CRLF, a body framed by one Content-Length or in chunks, the
advertisement's type said alone. Anything else (a login, a redirect, a dumb
or v2-only server, an error, an answer cut short or framed otherwise, a
connection that breaks, a server that does not answer in time) is left to
libgit2, which asks again and says what is wrong.
"""

from __future__ import annotations

import socket
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ohw import __version__
from ohw.storage.vcs.mirror import RemoteState
from ohw.storage.vcs.remote import CONNECT_TIMEOUT, READ_TIMEOUT

if TYPE_CHECKING:
    import ssl

_ADVERTISEMENT = "application/x-git-upload-pack-advertisement"
_LARGEST = 64 * 1024 * 1024  # bytes of one advertisement: a repository of many tags
_KEPT = ("refs/heads/", "refs/tags/")
# Requests sent on a connection before their answers are read: enough that
# neither side waits for the other, few enough to cost little to ask again.
_AHEAD = 16
_AHEAD_BYTES = 16 * 1024  # of paths sent ahead: never more than a server's buffers hold
# Threads asking at once, at most: each keeps a connection per server busy,
# and more would only take the interpreter's lock from each other.
_THREADS = 4
_HEAD = 65536  # bytes of an answer's status line and header fields
_LINE = 65536  # bytes of a line of a body in chunks
_FIELDS = 100  # header fields of one answer, as http.client allows
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _pkt_lines(body: bytes) -> list[bytes | None]:
    """The pkt-lines of ``body``: their payloads, None for a flush packet; a
    ValueError where the framing is broken."""
    found: list[bytes | None] = []
    at, size = 0, len(body)
    while at < size:
        length = int(body[at : at + 4], 16)
        if length == 0:
            found.append(None)
            at += 4
        elif length < 4 or at + length > size:
            raise ValueError("a pkt-line runs past the end")
        else:
            found.append(body[at + 4 : at + length])
            at += length
    return found


def parse_advertisement(body: bytes) -> RemoteState | None:
    """The branches and tags of a smart HTTP ref advertisement, and the branch
    HEAD names; None for anything else (protocol v2, a broken answer)."""
    try:
        lines = _pkt_lines(body)
    except ValueError:
        return None
    if not lines or lines[0] is None or not lines[0].startswith(b"# service=git-upload-pack"):
        return None
    refs: dict[str, str] = {}
    head = None
    first = True
    for line in lines[2:]:  # after the service line and its flush
        if line is None:
            break
        text = line.rstrip(b"\n")
        if first:
            first = False
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


# HTTP/1.1, as much of it as one GET's answer needs (RFC 9112).


class _Closed(Exception):
    """The connection ended before an answer began."""


class _Broken(Exception):
    """An answer that is not read here: cut short, framed or sized otherwise."""


@dataclass(frozen=True)
class Answer:
    status: int
    fields: dict[str, str]  # lower-case names; a repeated field's values joined by ", "
    body: bytes | None  # None: larger than the largest advertisement, not read
    keep: bool  # whether the connection carries another answer

    @property
    def kind(self) -> str:
        """The type of the body, as said: libgit2 takes an advertisement's
        only without parameters, in lower case."""
        return self.fields.get("content-type", "")


@dataclass(frozen=True)
class Server:
    scheme: str  # "http" or "https"
    host: str  # a name or an address, IPv6 without brackets
    port: int
    host_field: str  # the Host header field, as http.client writes it


def _server(origin: str) -> Server | None:
    """The server of ``scheme://authority``; None for one left to libgit2
    (credentials, a port that is no number, a name that is not plain)."""
    try:
        parts = urlsplit(origin)
        scheme = parts.scheme.lower()
        port = parts.port or _DEFAULT_PORTS.get(scheme, 0)
        host = parts.hostname or ""
        name = host.encode("idna").decode("ascii")  # as the socket module will send it
    except (ValueError, UnicodeError):
        return None
    if (
        scheme not in _DEFAULT_PORTS
        or not name
        or not origin.isprintable()
        or any(c.isspace() for c in origin)
        or parts.username is not None
        or parts.password is not None
        or parts.path
        or parts.query
        or parts.fragment
    ):
        return None
    field = f"[{name}]" if ":" in name else name
    return Server(
        scheme, host, port, field if port == _DEFAULT_PORTS[scheme] else f"{field}:{port}"
    )


def _targets(urls: list[str]) -> Iterator[tuple[str, Server | None, str]]:
    """Each web URL, its server and the path of its ref advertisement there;
    None for a URL left to libgit2 (that server's, or a path with a query,
    a fragment, a space, a control character or more than ASCII)."""
    servers: dict[str, Server | None] = {}
    for url in urls:
        scheme, _, rest = url.partition("://")
        authority, slash, path = rest.partition("/")
        origin = f"{scheme}://{authority}"
        if origin not in servers:
            servers[origin] = _server(origin)
        path = slash + path
        plain = path.isascii() and path.isprintable() and not any(c in path for c in " ?#")
        server = servers[origin] if plain else None
        yield url, server, path.rstrip("/") + "/info/refs?service=git-upload-pack"


class Connection:
    """One connection to a server, kept open for as many answers as it allows."""

    def __init__(self, server: Server, tls: ssl.SSLContext | None) -> None:
        self.server = server
        self._buffer = bytearray()
        self._at = 0
        sock = socket.create_connection((server.host, server.port), timeout=CONNECT_TIMEOUT)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if server.scheme == "https":
                assert tls is not None
                sock = tls.wrap_socket(sock, server_hostname=server.host)
            sock.settimeout(READ_TIMEOUT)
        except BaseException:
            sock.close()
            raise
        self._sock = sock

    def close(self) -> None:
        self._sock.close()

    def send(self, paths: list[str]) -> None:
        host = self.server.host_field
        self._sock.sendall(
            "".join(
                f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: git/ohw-{__version__}\r\n"
                "Accept: */*\r\nPragma: no-cache\r\n\r\n"
                for path in paths
            ).encode("ascii")
        )

    def _more(self) -> bool:
        """Read what has come into the buffer; False at the end of the stream."""
        if self._at:
            del self._buffer[: self._at]
            self._at = 0
        chunk = self._sock.recv(1 << 16)
        self._buffer += chunk
        return bool(chunk)

    def _line(self) -> bytes:
        """The next line, without its CRLF."""
        while (end := self._buffer.find(b"\r\n", self._at)) < 0:
            if len(self._buffer) - self._at > _LINE:
                raise _Broken("a line too long")
            if not self._more():
                raise _Broken("cut short")
        line = bytes(self._buffer[self._at : end])
        self._at = end + 2
        if len(line) > _LINE or b"\n" in line or b"\r" in line:
            raise _Broken("a line too long, or ended otherwise")
        return line

    def _bytes(self, count: int) -> bytes:
        while len(self._buffer) - self._at < count:
            if not self._more():
                raise _Broken("cut short")
        data = bytes(self._buffer[self._at : self._at + count])
        self._at += count
        return data

    def _begin(self) -> None:
        """Wait for the first byte of an answer; _Closed if none comes."""
        try:
            while self._at >= len(self._buffer):
                if not self._more():
                    raise _Closed
        except (ConnectionResetError, BrokenPipeError):
            raise _Closed from None

    def answer(self) -> Answer:
        """The next answer on the connection."""
        self._begin()
        status_line, *lines = self._head()
        version, status = _status(status_line)
        fields = _fields(lines)
        tokens = {t.strip().lower() for t in fields.get("connection", "").split(",")}
        keep = "close" not in tokens if version == "HTTP/1.1" else "keep-alive" in tokens
        body = self._body(status, fields)
        return Answer(status, fields, body, keep and body is not None)

    def _head(self) -> list[bytes]:
        """The status line and header field lines of the next answer, without
        their CRLFs."""
        while (end := self._buffer.find(b"\r\n\r\n", self._at)) < 0:
            if self._buffer.find(b"\n\n", self._at) >= 0:
                raise _Broken("lines ended by a line feed alone")
            if len(self._buffer) - self._at > _HEAD:
                raise _Broken("header fields too long")
            if not self._more():
                raise _Broken("cut short")
        if end - self._at > _HEAD:
            raise _Broken("header fields too long")
        lines = bytes(self._buffer[self._at : end]).split(b"\r\n")
        self._at = end + 4
        if any(b"\n" in line or b"\r" in line for line in lines):
            raise _Broken("lines ended otherwise than by CRLF")
        return lines

    def _body(self, status: int, fields: dict[str, str]) -> bytes | None:
        """The body of an answer to a GET, framed by its length or in chunks
        (RFC 9112 6.3), as libgit2 reads it; None if larger than the largest
        advertisement (not read: the connection is not used again)."""
        if status in (204, 304):
            return b""
        if fields.get("content-encoding", "identity").lower() != "identity":
            raise _Broken("an encoded body")  # never asked for
        encoding = fields.get("transfer-encoding")
        length = fields.get("content-length")
        if encoding is not None:
            if encoding.lower() != "chunked" or length is not None:
                raise _Broken("framed otherwise than in chunks")
            return self._chunked()
        if length is None or not _digits(length):  # two, or none: the end would frame it
            raise _Broken("no length that frames the body")
        if int(length) > _LARGEST:
            return None
        return self._bytes(int(length))

    def _chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        total = 0
        while True:
            size_text = self._line().split(b";", 1)[0]
            if not size_text or size_text.strip(b"0123456789abcdefABCDEF"):
                raise _Broken("a chunk's size that is no number")
            size = int(size_text, 16)
            if size == 0:
                break
            total += size
            if total > _LARGEST:
                return None
            chunks.append(self._bytes(size))
            if self._line():
                raise _Broken("a chunk longer than it said")
        while self._line():  # trailer fields, not needed
            pass
        return b"".join(chunks)


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _status(line: bytes) -> tuple[str, int]:
    """HTTP version and status code of a status line, as libgit2 reads one."""
    version, _, rest = line.decode("iso-8859-1").partition(" ")
    code = rest[:3]
    if version not in ("HTTP/1.1", "HTTP/1.0") or not _digits(code) or rest[3:4] not in ("", " "):
        raise _Broken("not an HTTP/1.1 status line")
    if code.startswith("1"):  # Continue and the like, which libgit2 does not take either
        raise _Broken("an interim answer")
    return version, int(code)


# The characters of a field's name (RFC 9110 5.6.2).
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Fields that framed or typed the body two ways if said twice: libgit2 refuses them.
_ONCE = ("content-type", "content-length", "transfer-encoding")


def _fields(lines: list[bytes]) -> dict[str, str]:
    """Header fields by lower-case name, as libgit2 and http.client both read
    them: a repeated field's values joined by ", ". The type of the body keeps
    what follows it on its line, as libgit2 compares it whole."""
    if len(lines) > _FIELDS:
        raise _Broken("too many header fields")
    fields: dict[str, str] = {}
    for line in lines:
        name, colon, value = line.decode("iso-8859-1").partition(":")
        if not colon or not name or not _TOKEN.issuperset(name):
            raise _Broken("not a header field")  # a folded one, or no name
        name = name.lower()
        value = value.lstrip(" \t") if name == "content-type" else value.strip(" \t")
        if name in fields:
            if name in _ONCE:
                raise _Broken(f"{name} twice")
            value = f"{fields[name]}, {value}"
        fields[name] = value
    return fields


def _state(answer: Answer) -> RemoteState | None:
    if answer.status != 200 or answer.kind != _ADVERTISEMENT or answer.body is None:
        return None
    return parse_advertisement(answer.body)


class _Asking:
    """The URLs of one server (URL: path), asked by one thread on a kept
    connection. Once the server has kept a connection open after an answer,
    up to ``_AHEAD`` requests are sent before their answers are read; a server
    that then ends a connection with requests unanswered, or gives an answer
    not read here, is asked one at a time from then on.

    A request left unanswered because the connection ended is asked again on
    a new one. None, for libgit2 to ask, is what a URL gets whose answer is
    not read here, that two connections ended before answering, or that was
    waiting when the server could not be reached or did not answer in time."""

    def __init__(self, server: Server, paths: dict[str, str], tls: ssl.SSLContext | None) -> None:
        self.server, self.paths, self.tls = server, paths, tls
        self.waiting = deque(paths)
        self.ended: set[str] = set()  # asked on a connection that ended unanswered
        self.ahead = 1  # until the server keeps a connection open after an answer
        self.one_at_a_time = False
        self.connection: Connection | None = None
        self.found: list[tuple[str, RemoteState | None]] = []

    def run(self) -> list[tuple[str, RemoteState | None]]:
        try:
            while self.waiting:
                if self.connection is None:
                    try:
                        self.connection = Connection(self.server, self.tls)
                    except (OSError, UnicodeError):
                        self._give_up()
                        break
                self._round(self.connection)
        finally:
            self._drop([])
        return self.found

    def _give_up(self) -> None:
        """Every URL waiting is left to libgit2, which tries it and says why it fails."""
        self.found += [(url, None) for url in self.waiting]
        self.waiting.clear()

    def _drop(self, unanswered: list[str]) -> None:
        """Close the connection; ``unanswered`` are asked first on the next."""
        self.waiting.extendleft(reversed(unanswered))
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _alone(self) -> None:
        self.one_at_a_time = True
        self.ahead = 1

    def _batch(self) -> list[str]:
        batch: list[str] = []
        size = 0
        while self.waiting and len(batch) < self.ahead and size < _AHEAD_BYTES:
            batch.append(url := self.waiting.popleft())
            size += len(self.paths[url])
        return batch

    def _round(self, connection: Connection) -> None:
        batch = self._batch()
        try:
            connection.send([self.paths[url] for url in batch])
        except (BrokenPipeError, ConnectionResetError):
            pass  # read below: what the server said before it closed, or _Closed
        except OSError:  # a timeout
            self._drop(batch)
            self._give_up()
            return
        for number, url in enumerate(batch):
            try:
                answer = connection.answer()
            except _Closed:
                # Answers, then the end unannounced: a server that does not
                # take requests sent ahead.
                if number > 0:
                    self._alone()
                # After an end unannounced, one request first on the next
                # connection, as RFC 9112 9.3.2 asks: the first may have
                # caused an answer the end lost.
                self.ahead = 1
                # The end of an idle kept connection is no fault of the
                # request: each is asked on a second connection.
                unanswered = batch[number:]
                if url in self.ended:
                    self.found.append((url, None))
                    unanswered = unanswered[1:]
                self.ended.add(url)
                self._drop(unanswered)
                return
            except TimeoutError:
                self._drop(batch[number:])
                self._give_up()
                return
            except (_Broken, OSError):  # cut short, framed otherwise, or a reset
                self.found.append((url, None))
                self._alone()  # what follows an answer not read is not trusted
                self._drop(batch[number + 1 :])
                return
            self.found.append((url, _state(answer)))
            if not answer.keep:
                self._drop(batch[number + 1 :])
                return
            if not self.one_at_a_time:
                self.ahead = _AHEAD


def advertised_states(urls: list[str], jobs: int) -> dict[str, RemoteState | None]:
    """What each http(s) URL of ``urls`` advertises, asked by up to ``jobs``
    threads at once; None for a URL whose server did not answer as a smart HTTP
    git server does (libgit2 is to ask it, and say why it fails)."""
    found: dict[str, RemoteState | None] = {}
    by_server: dict[Server, dict[str, str]] = {}
    for url, server, path in _targets(list(dict.fromkeys(urls))):
        if server is None:
            found[url] = None
        else:
            by_server.setdefault(server, {})[url] = path
    if not by_server:
        return found
    tls = None
    if any(server.scheme == "https" for server in by_server):
        import ssl

        tls = ssl.create_default_context()
    # Each thread takes its share of every server's URLs.
    workers = max(1, min(jobs, _THREADS, len(urls)))
    shares = [
        [(server, dict(list(paths.items())[n::workers])) for server, paths in by_server.items()]
        for n in range(workers)
    ]

    def ask_all(share: list[tuple[Server, dict[str, str]]]) -> list[tuple[str, RemoteState | None]]:
        return [
            each for server, paths in share if paths for each in _Asking(server, paths, tls).run()
        ]

    if workers == 1:
        found.update(ask_all(shares[0]))
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for answers in pool.map(ask_all, shares):
                found.update(answers)
    return {url: found[url] for url in urls}
