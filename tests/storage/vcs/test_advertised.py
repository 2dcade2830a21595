"""ohw.storage.vcs.advertised reads the refs that smart HTTP servers
advertise, over kept connections, standing in for libgit2's list_heads in
ohw catalog sync: the two agree, on the same servers, on every repository;
and what is not a smart HTTP advertisement is left to libgit2."""

from __future__ import annotations

import functools
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from support.designs import init_and_commit, write_files
from support.run import git
from support.servers import free_port, serving, smart_http

from ohw.storage.vcs.advertised import advertised_states, parse_advertisement
from ohw.storage.vcs.mirror import remote_state


def bare(work: Path, served: Path, name: str) -> None:
    git("clone", "-q", "--bare", work, served / name, cwd=work.parent)


def test_the_advertisement_is_read_as_libgit2_reads_it(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    work = tmp_path / "work"
    write_files(work, {"ohw.yaml": "ohw: 1\n"})
    init_and_commit(work, "first")
    git("branch", "metric", cwd=work)
    git("tag", "v1", cwd=work)
    git("tag", "-a", "v2", "-m", "annotated", cwd=work)
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
