"""ohw.storage.vcs.advertised reads the refs that smart HTTP servers
advertise, over kept connections with requests sent ahead, standing in for
libgit2's list_heads in ohw catalog sync, and reading HTTP itself instead of
through http.client: the three agree, on the same servers, on every
repository and every way an answer may be framed; what is not a smart HTTP
advertisement, or not an answer read here, is left to libgit2; and a server
that does not take requests sent ahead is asked one at a time."""

from __future__ import annotations

import functools
import http.client
import json
import shutil
import ssl
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support import ROOT
from support.designs import init_and_commit, write_files
from support.run import git, run_ohw
from support.servers import free_port, scripted_http, serving, smart_http

from ohw.errors import OhwError
from ohw.storage.vcs import advertised
from ohw.storage.vcs.advertised import advertised_states, parse_advertisement
from ohw.storage.vcs.mirror import remote_state


def bare(work: Path, served: Path, name: str) -> None:
    git("clone", "-q", "--bare", work, served / name, cwd=work.parent)


def branches_and_tags(work: Path) -> Path:
    """A repository in ``work``: branches main and metric, tags v1 and v2
    (annotated)."""
    write_files(work, {"ohw.yaml": "ohw: 1\n"})
    init_and_commit(work, "first")
    git("branch", "metric", cwd=work)
    git("tag", "v1", cwd=work)
    git("tag", "-a", "v2", "-m", "annotated", cwd=work)
    return work


def test_the_advertisement_is_read_as_libgit2_reads_it(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    work = branches_and_tags(tmp_path / "work")
    bare(work, served, "lamp.git")
    git("switch", "-q", "-c", "trunk", cwd=work)
    bare(work, served, "trunk.git")
    git("symbolic-ref", "HEAD", "refs/heads/trunk", cwd=served / "trunk.git")
    git("init", "-q", "--bare", served / "empty.git", cwd=tmp_path)
    with smart_http(served) as base:
        urls = [f"{base}/{name}" for name in ("lamp.git", "trunk.git", "empty.git")]
        urls.append(f"{base}/lamp.git/")  # a trailing slash, as people paste URLs
        ours = advertised_states(urls * 3, jobs=2)  # each asked again on a kept connection
        for url in urls:
            theirs = remote_state(tmp_path / "mirror", url)
            assert ours[url] == theirs, url
    lamp = ours[urls[0]]
    assert lamp is not None
    assert set(lamp.refs) == {
        "refs/heads/main",
        "refs/heads/metric",
        "refs/tags/v1",
        "refs/tags/v2",
    }
    assert lamp.head == "refs/heads/main"
    assert ours[urls[1]] is not None and ours[urls[1]].head == "refs/heads/trunk"


class _Answer(BaseHTTPRequestHandler):
    """A web server that is no smart HTTP git server: it answers every
    request with ``status``, ``kind`` and ``body``."""

    protocol_version = "HTTP/1.1"

    def __init__(self, status: int, kind: str, body: bytes, *args: object) -> None:
        self.status, self.kind, self.body = status, kind, body
        super().__init__(*args)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Type", self.kind)
        self.send_header("Content-Length", str(len(self.body)))
        if self.status in (301, 302):
            self.send_header("Location", "http://127.0.0.1:1/elsewhere")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


ADVERTISEMENT = "application/x-git-upload-pack-advertisement"


@pytest.mark.parametrize(
    ("status", "kind", "body"),
    [
        (401, "text/plain", b"log in first"),
        (302, "text/html", b""),
        (200, "text/html", b"<html>a project page</html>"),
        (200, "text/plain", b"0" * 40 + b"\trefs/heads/main\n"),  # dumb HTTP
        (200, ADVERTISEMENT, b"000eversion 2\n0000"),
        (200, ADVERTISEMENT, b"001e# service=git-upload-pack\n0000ffff"),
        (200, ADVERTISEMENT, b"001e# service=git-upload-pack\n00000032" + b"x" * 46),
    ],
)
def test_what_is_no_advertisement_is_left_to_libgit2(status, kind, body):
    handler = functools.partial(_Answer, status, kind, body)
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as base:
        assert advertised_states([f"{base}/design.git"], jobs=1) == {f"{base}/design.git": None}


def test_a_server_that_is_down_is_left_to_libgit2():
    url = f"http://127.0.0.1:{free_port()}/gone.git"
    assert advertised_states([url], jobs=4) == {url: None}
    assert advertised_states([], jobs=4) == {}


def pkt(payload: bytes) -> bytes:
    return b"%04x" % (len(payload) + 4) + payload


def test_a_cut_advertisement_is_none():
    whole = pkt(b"# service=git-upload-pack\n") + b"0000"
    whole += pkt(b"a" * 40 + b" refs/heads/main\0symref=HEAD:refs/heads/main\n")
    assert parse_advertisement(whole) is None  # no closing flush packet
    state = parse_advertisement(whole + b"0000")
    assert state is not None and state.refs == {"refs/heads/main": "a" * 40}
    assert state.head == "refs/heads/main"


# The client against answers written byte for byte (support.servers.scripted_http).

ADVERTISED = b"application/x-git-upload-pack-advertisement"


@pytest.fixture(scope="module")
def body(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The ref advertisement of a repository with two branches and two tags,
    as git makes it (``git upload-pack --advertise-refs``, what git
    http-backend sends)."""
    work = branches_and_tags(tmp_path_factory.mktemp("advertised") / "work")
    refs = subprocess.run(
        ["git", "upload-pack", "--advertise-refs", "--stateless-rpc", str(work / ".git")],
        capture_output=True,
        check=True,
    ).stdout
    return pkt(b"# service=git-upload-pack\n") + b"0000" + refs


def sized(body: bytes, kind: bytes = ADVERTISED, extra: bytes = b"") -> bytes:
    return (
        (b"HTTP/1.1 200 OK\r\nContent-Type: " + kind + b"\r\nContent-Length: %d\r\n" % len(body))
        + extra
        + b"\r\n"
        + body
    )


def chunked(body: bytes, size: int = 7) -> bytes:
    pieces = [body[at : at + size] for at in range(0, len(body), size)]
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: "
        + ADVERTISED
        + b"\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"".join(b"%x;ext=1\r\n%s\r\n" % (len(p), p) for p in pieces)
        + b"0\r\nX-Trailer: yes\r\n\r\n"
    )


# Ways a server may frame the same advertisement, each read alike by this
# client, http.client and libgit2; and how the connection goes on after it.
FRAMINGS = {
    "sized": lambda body: (sized(body), "keep"),
    "chunked": lambda body: (chunked(body), "keep"),
    "chunked in one": lambda body: (chunked(body, 1 << 20), "keep"),
    "chunked, said in capitals": lambda body: (
        chunked(body, 200).replace(b"chunked", b"Chunked").replace(b"c8;", b"C8;"),
        "keep",
    ),
    "http/1.0, then closed": lambda body: (
        sized(body).replace(b"HTTP/1.1", b"HTTP/1.0", 1),
        "close",
    ),
    "http/1.0 kept alive": lambda body: (
        sized(body, extra=b"Connection: keep-alive\r\n").replace(b"HTTP/1.1", b"HTTP/1.0", 1),
        "keep",
    ),
    "said to close": lambda body: (sized(body, extra=b"Connection: close\r\n"), "close"),
    "fields as people write them": lambda body: (
        b"HTTP/1.1 200\r\ncontent-TYPE:\tapplication/x-git-upload-pack-advertisement\r\n"
        b"CACHE-CONTROL: no-cache\r\nCache-Control: max-age=0\r\nX-Empty:\r\n"
        b"Content-Encoding: identity\r\nContent-Length:   000%d  \r\n\r\n" % len(body) + body,
        "keep",
    ),
}


def with_http_client(url: str) -> tuple[int, str, bytes]:
    """Status, media type and body of the ref advertisement at ``url``, read by
    http.client (what this client stood in for)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=10)
    try:
        connection.request("GET", parts.path + "/info/refs?service=git-upload-pack")
        response = connection.getresponse()
        body = response.read()
        kind = response.getheader("Content-Type", "").split(";")[0].strip().lower()
        return response.status, kind, body
    finally:
        connection.close()


def with_this_client(url: str) -> tuple[int, str, bytes | None]:
    server, path = next((s, p) for _, s, p in advertised._targets([url]) if s is not None)
    connection = advertised.Connection(server, None)
    try:
        connection.send([path])
        answer = connection.answer()
        return answer.status, answer.kind, answer.body
    finally:
        connection.close()


@pytest.mark.parametrize("framing", FRAMINGS)
def test_each_framing_is_read_as_http_client_and_libgit2_read_it(framing, body, tmp_path):
    answer, then = FRAMINGS[framing](body)
    with scripted_http(lambda path, number: (answer, then)) as server:
        url = f"{server.base}/lamp.git"
        ours = advertised_states([url, f"{server.base}/other.git"], jobs=1)[url]
        assert with_this_client(url) == with_http_client(url) == (200, ADVERTISED.decode(), body)
        assert ours is not None and ours == remote_state(tmp_path / "mirror", url)
    assert ours.head == "refs/heads/main"
    assert set(ours.refs) == {
        "refs/heads/main",
        "refs/heads/metric",
        "refs/tags/v1",
        "refs/tags/v2",
    }


def good_or(bad: bytes, then: str, body: bytes):
    """An answer for each request: ``bad`` (then ``then``) for /bad.git, a
    plain advertisement for the others."""

    def respond(path: str, number: int) -> tuple[bytes, str]:
        return (bad, then) if path.startswith("/bad.git/") else (sized(body), "keep")

    return respond


# Answers libgit2 does not read (its HTTP parser, llhttp, is strict), nor
# this client: left to libgit2, which says what is wrong.
REFUSED_BY_LIBGIT2 = {
    "no length, to the end": (
        lambda body: b"HTTP/1.0 200 OK\r\nContent-Type: " + ADVERTISED + b"\r\n\r\n" + body,
        "close",
    ),
    "a continue first": (lambda body: b"HTTP/1.1 100 Continue\r\n\r\n" + sized(body), "keep"),
    "a type with parameters": (
        lambda body: sized(body, kind=ADVERTISED + b"; charset=utf-8"),
        "keep",
    ),
    "a type in capitals": (lambda body: sized(body, kind=ADVERTISED.upper()), "keep"),
    "a type with spaces after it": (lambda body: sized(body, kind=ADVERTISED + b"  "), "keep"),
    "two types": (lambda body: sized(body, extra=b"Content-Type: " + ADVERTISED + b"\r\n"), "keep"),
    "the wrong type": (lambda body: sized(body, kind=b"text/plain"), "keep"),
    "two lengths": (lambda body: sized(body, extra=b"Content-Length: 3\r\n"), "keep"),
    "the same length twice": (
        lambda body: sized(body, extra=b"Content-Length: %d\r\n" % len(body)),
        "keep",
    ),
    "a length that is no number": (
        lambda body: sized(body).replace(b"Content-Length: ", b"Content-Length: +"),
        "keep",
    ),
    "a length beside chunks": (
        lambda body: chunked(body).replace(b"\r\n\r\n", b"\r\nContent-Length: 5\r\n\r\n", 1),
        "keep",
    ),
    "lines ended by line feeds": (lambda body: sized(body).replace(b"\r\n", b"\n"), "keep"),
    "a folded field": (lambda body: sized(body, extra=b"X-A: b\r\n folded\r\n"), "keep"),
    "not a field": (lambda body: sized(body, extra=b"no colon here\r\n"), "keep"),
    "a field named with a space": (lambda body: sized(body, extra=b"X-A : b\r\n"), "keep"),
    "a redirect": (
        lambda body: b"HTTP/1.1 301 Moved\r\nLocation: /elsewhere.git\r\nContent-Length: 0\r\n\r\n",
        "keep",
    ),
    "a login": (lambda body: b"HTTP/1.1 401 Log in\r\nContent-Length: 0\r\n\r\n", "keep"),
    "not found": (lambda body: b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno\n", "keep"),
    "another status": (lambda body: sized(body).replace(b"200 OK", b"203 Fine", 1), "keep"),
    "http/1.2": (lambda body: sized(body).replace(b"HTTP/1.1", b"HTTP/1.2", 1), "keep"),
    "http in small letters": (
        lambda body: sized(body).replace(b"HTTP/1.1", b"http/1.1", 1),
        "keep",
    ),
    "no http at all": (lambda body: body, "close"),
    "a status that is no number": (lambda body: sized(body).replace(b"200", b"2x0", 1), "keep"),
    "cut short": (lambda body: sized(body)[:-10], "close"),
    "cut short, reset": (lambda body: sized(body)[:-10], "reset"),
    "closed in the fields": (lambda body: b"HTTP/1.1 200 OK\r\nContent-Ty", "close"),
    "closed unanswered": (lambda body: b"", "close"),
    "reset unanswered": (lambda body: b"", "reset"),
    "a chunk cut short": (lambda body: chunked(body)[:-60], "close"),
    "a chunk longer than said": (
        lambda body: chunked(body).replace(b"7;ext=1\r\n", b"6;ext=1\r\n", 1),
        "keep",
    ),
    "a chunk's size that is no number": (
        lambda body: chunked(body).replace(b"7;ext=1\r\n", b"-7\r\n", 1),
        "keep",
    ),
    "another transfer coding": (
        lambda body: chunked(body).replace(b"chunked", b"gzip, chunked"),
        "keep",
    ),
}

# Answers libgit2 reads but this client leaves to it: the refs are libgit2's.
LEFT_TO_LIBGIT2 = {
    "compressed, unasked": (lambda body: sized(body, extra=b"Content-Encoding: gzip\r\n"), "keep"),
    "more fields than http.client takes": (
        lambda body: sized(body, extra=b"X-A: b\r\n" * 101),
        "keep",
    ),
}

HOSTILE = {**REFUSED_BY_LIBGIT2, **LEFT_TO_LIBGIT2}


@pytest.mark.parametrize("refused", REFUSED_BY_LIBGIT2)
def test_what_libgit2_does_not_read_is_not_read_here(refused, body, tmp_path):
    make, then = REFUSED_BY_LIBGIT2[refused]
    answer = make(body)
    with scripted_http(lambda path, number: (answer, then)) as server:
        url = f"{server.base}/lamp.git"
        assert advertised_states([url], jobs=1) == {url: None}
        with pytest.raises(OhwError):
            remote_state(tmp_path / "mirror", url)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_an_answer_not_read_here_is_left_to_libgit2_and_the_rest_are_read(hostile, body):
    make, then = HOSTILE[hostile]
    with scripted_http(good_or(make(body), then, body)) as server:
        names = ["first", "bad", *(f"next{n}" for n in range(20))]
        urls = [f"{server.base}/{name}.git" for name in names]
        found = advertised_states(urls, jobs=1)
    assert list(found) == urls
    assert found[urls[1]] is None
    expected = parse_advertisement(body)
    assert expected is not None
    assert all(found[url] == expected for url in urls if url != urls[1])


def test_an_advertisement_larger_than_the_largest_is_left_to_libgit2(body, monkeypatch):
    monkeypatch.setattr(advertised, "_LARGEST", len(body) - 1)
    for answer in (sized(body), chunked(body)):
        with scripted_http(lambda path, number, answer=answer: (answer, "keep")) as server:
            url = f"{server.base}/big.git"
            assert advertised_states([url], jobs=1) == {url: None}


def test_requests_are_sent_ahead_on_one_kept_connection(body):
    with scripted_http(lambda path, number: (sized(body), "keep")) as server:
        urls = [f"{server.base}/design-{n}.git" for n in range(60)]
        found = advertised_states(urls, jobs=1)
    assert all(state == parse_advertisement(body) for state in found.values())
    assert server.connections == 1
    # The first alone, until the server has kept the connection; then many at once.
    assert server.most_ahead > 1
    assert server.requests == [
        urlsplit(u).path + "/info/refs?service=git-upload-pack" for u in urls
    ]


def test_a_server_that_takes_no_requests_ahead_is_asked_one_at_a_time(body):
    # It answers two on each connection and closes, unannounced: what was
    # sent ahead is lost, and asked again.
    def respond(path: str, number: int) -> tuple[bytes, str]:
        return sized(body), "keep" if number == 0 else "close"

    with scripted_http(respond) as server:
        urls = [f"{server.base}/design-{n}.git" for n in range(40)]
        found = advertised_states(urls, jobs=2)
    assert all(state == parse_advertisement(body) for state in found.values())
    assert len(found) == 40
    assert server.connections <= 30  # two answers a connection, and a few lost


def test_a_server_that_closes_now_and_then_is_asked_again(body):
    # As nginx closes a connection after so many requests, saying so.
    def respond(path: str, number: int) -> tuple[bytes, str]:
        if number == 6:
            return sized(body, extra=b"Connection: close\r\n"), "close"
        return sized(body), "keep"

    with scripted_http(respond) as server:
        urls = [f"{server.base}/design-{n}.git" for n in range(50)]
        found = advertised_states(urls, jobs=1)
    assert all(state == parse_advertisement(body) for state in found.values())
    assert server.connections == 8  # 7 answers each


def test_a_server_that_does_not_answer_in_time_is_left_to_libgit2(body, monkeypatch):
    monkeypatch.setattr(advertised, "READ_TIMEOUT", 0.3)

    def respond(path: str, number: int) -> tuple[bytes, str]:
        if path.startswith("/slow.git/"):
            time.sleep(2)
        return sized(body), "keep"

    with scripted_http(respond) as server:
        urls = [f"{server.base}/{name}.git" for name in ("first", "slow", "a", "b", "c")]
        found = advertised_states(urls, jobs=1)
    assert found[urls[0]] == parse_advertisement(body)
    assert all(found[url] is None for url in urls[1:])
    assert server.connections == 1  # one wait, not one for each URL


def test_urls_left_to_libgit2_are_not_asked():
    urls = [
        "http://user:secret@127.0.0.1:1/a.git",
        "http://127.0.0.1:1/a.git?x=1",
        "http://127.0.0.1:1/a.git#top",
        "http://127.0.0.1:1/a b.git",
        "http://127.0.0.1:1/d\u00e9j\u00e0.git",
        "http://127.0.0.1:99999/a.git",
        "http://a..b/a.git",
        "ftp://127.0.0.1/a.git",
    ]
    assert advertised_states(urls, jobs=4) == dict.fromkeys(urls)


def test_the_host_field_is_what_http_client_sends():
    for url, field in [
        ("http://Example.org/a.git", "example.org"),
        ("http://example.org:80/a.git", "example.org"),
        ("https://example.org:443/a.git", "example.org"),
        ("http://example.org:8080/a.git", "example.org:8080"),
        ("https://[::1]:8443/a.git", "[::1]:8443"),
        ("http://b\u00fccher.example/a.git", "xn--bcher-kva.example"),
    ]:
        ((_, server, path),) = advertised._targets([url])
        assert server is not None and server.host_field == field, url
        assert path == "/a.git/info/refs?service=git-upload-pack"


def test_a_sync_falls_back_to_libgit2_which_says_what_is_wrong(body, tmp_path):
    """ohw catalog sync: a design whose server cuts its answers short is asked
    by libgit2, whose error is the one reported; the others sync."""
    served = tmp_path / "served"
    served.mkdir()
    work = tmp_path / "work"
    write_files(work, {"ohw.yaml": "ohw: 1\nname: lamp\ntitle: A lamp\nlicense: {hardware: MIT}\n"})
    init_and_commit(work, "first")
    bare(work, served, "lamp.git")
    lab = tmp_path / "lab"
    with (
        smart_http(served) as good,
        scripted_http(good_or(sized(body)[:-10], "close", body)) as bad,
    ):
        urls = [f"{good}/lamp.git", f"{bad.base}/bad.git"]
        assert run_ohw("catalog", "--catalog", lab, "add", *urls).returncode == 0
        done = run_ohw("catalog", "--catalog", lab, "sync", "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["fetched"] == [urls[0]]
    (error,) = report["errors"]
    assert error["url"] == urls[1]
    assert error["message"].startswith(f"reading {urls[1]} failed: "), error
    assert bad.requests.count("/bad.git/info/refs?service=git-upload-pack") >= 2  # and libgit2


class _Advertising(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", ADVERTISED.decode())
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_https_is_asked_with_the_certificate_checked(body, tmp_path, monkeypatch):
    certificate = tmp_path / "cert.pem"
    key = tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", key, "-out", certificate, "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"],
        capture_output=True, check=True,
    )  # fmt: skip
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.load_cert_chain(certificate, key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_Advertising,), {"body": body}))
    server.socket = served.wrap_socket(server.socket, server_side=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))  # the authority trusted here
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with serving(server):
        port = server.server_port
        urls = [f"https://localhost:{port}/design-{n}.git" for n in range(20)]
        other_name = f"https://127.0.0.1:{port}/design-0.git"  # not the certificate's
        found = advertised_states([*urls, other_name], jobs=2)
    assert all(found[url] == parse_advertisement(body) for url in urls)
    assert found[other_name] is None


def test_the_catalog_benchmark_server_answers_as_git_http_backend(tmp_path):
    """benchmarks/catalog.py serves the designs it measures with a server of
    its own, leaner than http.server: its advertisements are git's, read again
    when the refs change, and git fetches from it."""
    served = tmp_path / "served"
    served.mkdir()
    work = branches_and_tags(tmp_path / "work")
    for name in ("a.git", "b.git"):
        bare(work, served, name)
    server = subprocess.Popen(
        [sys.executable, ROOT / "benchmarks" / "catalog.py", "--serve", served, "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        base = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        urls = [f"{base}/a.git", f"{base}/b.git"] * 20
        with smart_http(served) as backend:
            for name in ("a.git", "b.git"):
                status, kind, body = with_this_client(f"{base}/{name}")
                assert (status, kind, body) == with_http_client(f"{base}/{name}")
                git_status, git_kind, git_body = with_http_client(f"{backend}/{name}")
                assert (status, kind) == (git_status, git_kind) == (200, ADVERTISED.decode())
                assert body is not None and parse_advertisement(body) == parse_advertisement(
                    git_body
                )
        found = advertised_states(urls, jobs=2)
        assert found[urls[0]] == remote_state(tmp_path / "mirror", urls[0]) is not None
        (work / "ohw.yaml").write_text("ohw: 1\nname: moved\n")
        git("commit", "-qam", "moved", cwd=work)
        git("push", "-q", served / "a.git", "main", cwd=work)
        moved = advertised_states(urls, jobs=2)[urls[0]]
        assert moved is not None and moved != found[urls[0]]
        assert moved.refs["refs/heads/main"] == git("rev-parse", "HEAD", cwd=work).strip()
        git("clone", "-q", urls[0], tmp_path / "clone", cwd=tmp_path)
        assert (tmp_path / "clone" / "ohw.yaml").read_text() == "ohw: 1\nname: moved\n"
        not_there = f"{base}/nothing.git"
        assert with_http_client(not_there)[0] == 404
        assert advertised_states([not_there], jobs=1) == {not_there: None}
    finally:
        server.kill()
        server.wait()
