"""The catalog as a static web site, to browse from a USB stick, a lab's
server or any static host, with nothing but a browser and no network.

``index.html`` lists every design, and a search box filters the list as one
types: every word must begin a word of the design's name, title,
description, keywords, parts or materials, as ``ohw catalog search`` matches
them. The index is a script (``search-index.js``), not a file fetched, so the
search works from ``file://`` too. Each design has its page (picture,
licence, materials, the printers its printed parts fit, its parts with their
pictures, and its build kit to download). The site is written beside ``out``
and moved into place, so ``out`` holds the old site or the whole new one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote

from ohw.catalog.kits import CatalogKit, known_kit, make_kit
from ohw.catalog.library import Catalog, CatalogEntry, list_designs
from ohw.errors import OhwError
from ohw.fab.build import safe_name, swap_folder
from ohw.fab.printers import PRINTERS, fit
from ohw.words import plural, size_text

Progress = Callable[[str, int, int], None]
SITE_MARK = "ohw-catalog-site.json"  # says a folder is a site ohw wrote: --force may replace it

STYLE = """\
body { font-family: system-ui, sans-serif; max-width: 64rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
a { color: #05a; }
header p { color: #555; }
#search { width: 100%; font-size: 1.2rem; padding: 0.5rem; box-sizing: border-box; }
#designs { list-style: none; padding: 0; }
#designs li { display: flex; gap: 1rem; padding: 0.6rem 0; border-bottom: 1px solid #ddd; }
#designs li[hidden] { display: none; }
.picture { width: 6rem; height: 6rem; flex: none; object-fit: contain; background: #f3f3f3; }
.facts { color: #555; font-size: 0.95rem; margin: 0.2rem 0; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left;
         vertical-align: middle; }
td img { width: 5rem; height: 5rem; object-fit: contain; }
.download { display: inline-block; padding: 0.5rem 1rem; background: #05a; color: #fff;
            border-radius: 0.3rem; text-decoration: none; }
.too-big { color: #a00; }
code { background: #f3f3f3; padding: 0.1rem 0.3rem; }
"""

# Filters the list as one types, by the words of search-index.js: every word
# of the query must begin a word of a design (as ohw catalog search matches).
SEARCH = """\
(function () {
  "use strict";
  var designs = window.OHW_CATALOG || [];
  var box = document.getElementById("search");
  var count = document.getElementById("count");
  var items = document.querySelectorAll("#designs > li");
  var split = function (text) { return text.toLowerCase().split(/[^\\p{L}\\p{N}]+/u); };
  var words = designs.map(function (design) {
    return split(design.words).filter(function (w) { return w; });
  });
  function show() {
    var query = split(box.value).filter(function (w) { return w; });
    var found = 0;
    for (var i = 0; i < items.length; i++) {
      var own = words[i] || [];
      var hit = query.every(function (q) {
        return own.some(function (w) { return w.lastIndexOf(q, 0) === 0; });
      });
      items[i].hidden = !hit;
      if (hit) { found++; }
    }
    count.textContent = found === 1 ? "1 design" : found + " designs";
  }
  var asked = new URLSearchParams(window.location.search).get("q");
  if (asked) { box.value = asked; }
  box.addEventListener("input", show);
  show();
}());
"""


@dataclass(frozen=True)
class SiteReport:
    """What ``ohw catalog site`` wrote."""

    out: str
    designs: int
    kits: int
    without_kit: tuple[tuple[str, str], ...]  # (design, why it has no kit)
    not_indexed: tuple[str, ...]  # URLs never synced: not on the site


def _page(title: str, body: str, root: str) -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        '<link rel="icon" href="data:,">\n'
        f'<link rel="stylesheet" href="{root}style.css">\n</head>\n<body>\n{body}</body>\n</html>\n'
    ).encode()


def _slugs(entries: list[CatalogEntry]) -> list[str]:
    """A file name for each design: its name, made unique in the catalog's order."""
    taken: set[str] = set()
    found = []
    for entry in entries:
        base = safe_name(entry.name, "design")
        slug, number = base, 1
        while slug.lower() in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug.lower())
        found.append(slug)
    return found


def _kit_of(catalog: Catalog, entry: CatalogEntry) -> CatalogKit:
    assert entry.commit is not None
    kept = known_kit(catalog.data, entry.commit)
    if kept is not None:
        return kept
    from ohw.storage.vcs.mirror import mirror_design

    try:  # indexed before kits were kept with the index: made now, once
        return make_kit(catalog.data, mirror_design(catalog.mirror(entry.url), entry.commit))
    except OhwError as error:
        return CatalogKit(None, error.message)


def _fits(entry: CatalogEntry) -> tuple[list[str], list[str]]:
    """The known printers every printed part fits, and the printed parts no
    known printer fits."""
    printed = [p for p in entry.parts if p.process == "3d-printing" and p.size is not None]
    if not printed:
        return [], []
    fits_all = [
        printer.title
        for printer in PRINTERS.values()
        if all(fit(p.size, printer).fits for p in printed if p.size is not None)
    ]
    too_big = [
        p.id
        for p in printed
        if p.size is not None and not any(fit(p.size, q).fits for q in PRINTERS.values())
    ]
    return fits_all, too_big


def _licence_text(entry: CatalogEntry) -> str:
    return ", ".join(f"{kind}: {value}" for kind, value in entry.license.items()) or "none given"


def _design_page(
    entry: CatalogEntry, slug: str, kit: CatalogKit, pictures: dict[str, str]
) -> bytes:
    title = entry.title or entry.name or slug
    version = f" {entry.version}" if entry.version else ""
    body = [
        '<nav><a href="../index.html">All designs</a></nav>\n',
        f"<h1>{escape(title)}{escape(version)}</h1>\n",
    ]
    first = next(iter(pictures.values()), None)
    if first is not None:
        body.append(f'<img class="picture" src="../{first}" alt="{escape(title)}">\n')
    if entry.description:
        body.append(f"<p>{escape(entry.description)}</p>\n")
    facts = [f"Licence: {escape(_licence_text(entry))}"]
    if entry.materials:
        facts.append("Materials: " + escape(", ".join(entry.materials)))
    if entry.processes:
        facts.append("Made by: " + escape(", ".join(entry.processes)))
    if entry.keywords:
        facts.append("Keywords: " + escape(", ".join(entry.keywords)))
    body += [f'<p class="facts">{fact}</p>\n' for fact in facts]
    fits_all, too_big = _fits(entry)
    if too_big:
        body.append(
            f'<p class="too-big">Too big for every printer ohw knows: {escape(", ".join(too_big))}'
            "</p>\n"
        )
    elif fits_all:
        body.append(f"<p>Every printed part fits: {escape(', '.join(fits_all))}.</p>\n")
    if kit.zip is not None:
        size = kit.zip.stat().st_size
        body.append(
            f'<p><a class="download" href="../kits/{quote(slug)}.zip" download>'
            f"Download the build kit</a> (zip, {max(1, round(size / 1024)):,} KB: "
            "parts to print, BOM, instructions)</p>\n"
        )
    else:
        body.append(f"<p>No build kit: {escape(kit.failure or 'not made')}</p>\n")
    body.append(
        f"<p>Get the design: <code>ohw clone {escape(entry.url)}</code>"
        f" (commit <code>{escape((entry.commit or '')[:12])}</code>"
        f"{', branch ' + escape(entry.branch) if entry.branch else ''})</p>\n"
    )
    if entry.error:
        body.append(f"<p>The last sync could not update it: {escape(entry.error)}</p>\n")
    if entry.parts:
        body.append(
            "<h2>Parts</h2>\n<table>\n<thead><tr><th></th><th>part</th><th>material</th>"
            "<th>made by</th><th>quantity</th><th>size</th></tr></thead>\n<tbody>\n"
        )
        for part in entry.parts:
            picture = pictures.get(part.id)
            shown = f'<img src="../{picture}" alt="{escape(part.name)}">' if picture else ""
            extents = size_text(part.size) if part.size else ""
            body.append(
                f'<tr id="part-{escape(part.id)}"><td>{shown}</td>'
                f"<td>{escape(part.name)} <small>({escape(part.id)})</small></td>"
                f"<td>{escape(part.material or '')}</td><td>{escape(part.process or '')}</td>"
                f"<td>{part.quantity}</td><td>{escape(extents)}</td></tr>\n"
            )
        body.append("</tbody>\n</table>\n")
    return _page(title, "".join(body), "../")


def _index_page(title: str, rows: list[str], count: int) -> bytes:
    body = (
        f"<header>\n<h1>{escape(title)}</h1>\n"
        f"<p>{plural(count, 'design')} · works offline, from a USB stick or any web server</p>\n"
        "</header>\n"
        '<input id="search" type="search" placeholder="Search by name, description, part, '
        'material…" aria-label="Search the designs" autofocus>\n'
        f'<p id="count">{plural(count, "design")}</p>\n'
        f'<ul id="designs">\n{"".join(rows)}</ul>\n'
        '<script src="search-index.js"></script>\n<script src="search.js"></script>\n'
    )
    return _page(title, body, "")


def _row(entry: CatalogEntry, slug: str, picture: str | None) -> str:
    title = entry.title or entry.name or slug
    shown = (
        f'<img class="picture" src="{picture}" alt="" loading="lazy">'
        if picture
        else '<span class="picture"></span>'
    )
    facts = [_licence_text(entry), ", ".join(entry.materials)]
    return (
        f'<li>{shown}<div><a href="designs/{quote(slug)}.html"><strong>{escape(title)}'
        f"</strong></a> <small>{escape(entry.name or '')}</small>\n"
        f"<p>{escape(entry.description or '')}</p>\n"
        f'<p class="facts">{escape(" · ".join(f for f in facts if f))}</p></div></li>\n'
    )


def _search_words(entry: CatalogEntry) -> str:
    parts = " ".join(f"{p.id} {p.name}" for p in entry.parts)
    return " ".join(
        text
        for text in (entry.name, entry.title, entry.description, " ".join(entry.keywords), parts,
                     " ".join(entry.materials))
        if text
    )  # fmt: skip


def _check_out(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise OhwError(f"{out} exists and is not a folder", "give another --out")
    if out.is_dir() and any(out.iterdir()) and not (force or (out / SITE_MARK).is_file()):
        raise OhwError(
            f"{out} is a folder that is not empty and holds no site ohw wrote",
            "give an empty or new folder, or --force to replace what is in it",
        )


def _place(source: Path, target: Path) -> None:
    """``source`` at ``target``: a hard link where the two share a file system
    (the kits are kept whole and never written again), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def build_site(
    catalog: Catalog, out: Path, *, force: bool = False, progress: Progress | None = None
) -> SiteReport:
    """Write the catalog's site to ``out`` (new, empty, a site ohw wrote, or
    anything with ``force``)."""
    report = progress or (lambda what, done, total: None)
    entries_all = list_designs(catalog)
    entries = [e for e in entries_all if e.name is not None and e.commit is not None]
    _check_out(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.ohw-"))
    try:
        for folder in ("designs", "kits", "pictures"):
            (building / folder).mkdir()
        rows, index, without_kit = [], [], []
        kits = 0
        for number, (entry, slug) in enumerate(zip(entries, _slugs(entries), strict=True)):
            report("writing the site", number, len(entries))
            kit = _kit_of(catalog, entry)
            pictures: dict[str, str] = {}
            if kit.zip is not None:
                kits += 1
                _place(kit.zip, building / "kits" / f"{slug}.zip")
                pictures = _pictures(kit.zip, entry, slug, building)
            else:
                without_kit.append((entry.name or entry.url, kit.failure or "not made"))
            page = _design_page(entry, slug, kit, pictures)
            (building / "designs" / f"{slug}.html").write_bytes(page)
            rows.append(_row(entry, slug, next(iter(pictures.values()), None)))
            index.append({"slug": slug, "words": _search_words(entry)})
        report("writing the site", len(entries), len(entries))
        title = "Catalog of open-hardware designs"
        (building / "index.html").write_bytes(_index_page(title, rows, len(entries)))
        script = "window.OHW_CATALOG = " + json.dumps(index, ensure_ascii=False) + ";\n"
        (building / "search-index.js").write_text(script, encoding="utf-8")
        (building / "search.js").write_text(SEARCH, encoding="utf-8")
        (building / "style.css").write_text(STYLE, encoding="utf-8")
        (building / SITE_MARK).write_text(json.dumps({"designs": len(entries)}) + "\n")
        building.chmod(0o755)
        swap_folder(building, out)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return SiteReport(
        str(out),
        len(entries),
        kits,
        tuple(without_kit),
        tuple(e.url for e in entries_all if e.name is None or e.commit is None),
    )


def _pictures(kit: Path, entry: CatalogEntry, slug: str, site: Path) -> dict[str, str]:
    """Each part's picture, taken from its kit into ``pictures/SLUG/``: part id
    -> the picture's path in the site."""
    found: dict[str, str] = {}
    with zipfile.ZipFile(kit) as archive:
        names = set(archive.namelist())
        for part in entry.parts:
            name = f"thumbnails/{safe_name(part.id, 'part')}.png"
            if name in names:
                target = site / "pictures" / slug / f"{safe_name(part.id, 'part')}.png"
                target.parent.mkdir(exist_ok=True)
                target.write_bytes(archive.read(name))
                found[part.id] = f"pictures/{quote(slug)}/{quote(target.name)}"
    return found
