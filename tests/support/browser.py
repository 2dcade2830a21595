"""A real browser for the tests: headless Chromium driven by ChromeDriver
(selenium), loading pages from a static HTTP server on loopback that the test
starts and stops. Nothing here touches the network beyond 127.0.0.1."""

from __future__ import annotations

import functools
import io
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urldefrag, urlparse
from urllib.request import urlopen

from support.servers import serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1000,800",
)  # fmt: skip


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a browser that stops reading a file it no longer needs is no failure


@contextmanager
def static_server(root: Path) -> Iterator[str]:
    """An HTTP server for the files under ``root``; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    with serving(_Server(("127.0.0.1", 0), handler)) as url:
        yield f"{url}/"


@contextmanager
def chromium(profile: Path) -> Iterator[object]:
    """Headless Chromium with a fresh profile in ``profile``, through the
    system's ChromeDriver (never one downloaded)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # for console_errors
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)  # _PAGE_FACTS waits for the pictures
    try:
        yield driver
    finally:
        driver.quit()


# Every link and image of the page, and the ids its elements carry, once every
# image has loaded or failed: lazy ones are asked for at once (a page of many
# designs loads its pictures as they scroll into view; the check must not race
# them on a busy machine).
_PAGE_FACTS = """
const done = arguments[arguments.length - 1];
const images = Array.from(document.images);
images.forEach(i => { i.loading = 'eager'; });
Promise.all(images.map(i => i.complete ? null : new Promise(settled => {
  i.addEventListener('load', settled); i.addEventListener('error', settled);
}))).then(() => done({
  links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
  images: images.map(i => ({src: i.src, loaded: i.complete && i.naturalWidth > 0})),
  ids: Array.from(document.querySelectorAll('[id]'), e => e.id),
  bomRows: document.querySelectorAll('table#bom tbody tr').length,
  title: document.title,
}));
"""


@dataclass
class SiteReport:
    """What the browser found, page by page."""

    pages: dict[str, dict] = field(default_factory=dict)  # URL -> facts
    broken_links: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    external_links: list[str] = field(default_factory=list)
    screenshot: bytes = b""


def visit_site(driver: object, base: str, start: str = "index.html") -> SiteReport:
    """Load ``start`` and every page it leads to under ``base``; follow each
    local link (its file must load, its #fragment must name an element there)."""
    report = SiteReport()
    pending = [base + start]
    fragments: list[tuple[str, str, str]] = []  # (from page, target page, fragment)
    while pending:
        url = pending.pop()
        if url in report.pages:
            continue
        driver.get(url)  # type: ignore[attr-defined]
        facts = driver.execute_async_script(_PAGE_FACTS)  # type: ignore[attr-defined]
        report.pages[url] = facts
        if not report.screenshot:
            report.screenshot = driver.get_screenshot_as_png()  # type: ignore[attr-defined]
        for image in facts["images"]:
            if not image["loaded"]:
                report.broken_images.append(f"{url}: {image['src']}")
        for link in facts["links"]:
            target, fragment = urldefrag(link)
            if not target.startswith(base):
                report.external_links.append(link)
                continue
            if fragment:
                fragments.append((url, target, fragment))
            if target.endswith(".html"):
                pending.append(target)
            elif not _loads(target):
                report.broken_links.append(f"{url}: {link}")
    for page, target, fragment in fragments:
        if target not in report.pages or fragment not in report.pages[target]["ids"]:
            report.broken_links.append(f"{page}: {target}#{fragment}")
    for url, facts in report.pages.items():
        if facts["title"] in ("", "404 Not Found") or "Error response" in facts["title"]:
            report.broken_links.append(url)
    return report


def _loads(url: str) -> bool:
    try:
        with urlopen(url, timeout=10) as response:
            return response.status == 200
    except HTTPError:
        return False


def is_picture(png: bytes) -> tuple[int, int, int]:
    """Width, height and number of colours of a PNG screenshot."""
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    return image.width, image.height, len(colours) if colours is not None else 1 << 16


def path_of(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def console_errors(driver: object) -> list[str]:
    """What the pages loaded since the last call wrote to the console as errors
    (a script that failed, a file that did not load)."""
    entries = driver.get_log("browser")  # type: ignore[attr-defined]
    return [e["message"] for e in entries if e["level"] == "SEVERE"]
