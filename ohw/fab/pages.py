"""The pages of a build kit: ``index.html`` (the design, its parts, the BOM and
the steps) and one page per step of the instructions.

The instructions' Markdown is rendered by markdown-it-py (CommonMark), with
raw HTML escaped rather than passed through; every other text is escaped too.
Links are rewritten for the kit: ``part:ID`` and ``bom:ID`` lead to the part
or item on the index page, links to other steps to their pages, and files of
the design (pictures, drawings) to their copies under ``files/``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from ohw.design.choices import choice_text
from ohw.fab.printers import oriented_size
from ohw.storage.tree import DesignTree, Kind

if TYPE_CHECKING:
    from markdown_it.token import Token

    from ohw.fab.kit import KitPart
    from ohw.fab.printers import Printer
    from ohw.fab.rollup import PurchasedLine, RolledUpBom
    from ohw.lineage.credits import Credits

STYLE = """\
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left;
         vertical-align: top; }
td.number, th.number { text-align: right; }
.parts { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 1rem; }
.part { border: 1px solid #ccc; border-radius: 0.4rem; padding: 0.8rem; }
.thumbnail { width: 100%; aspect-ratio: 4 / 3; background: #f3f3f3; display: flex;
             align-items: center; justify-content: center; color: #888; margin: 0 0 0.5rem; }
.thumbnail img { max-width: 100%; max-height: 100%; }
.thumbnail:has(img) { background: #fff; }
.too-big { color: #a00; font-weight: bold; }
nav { margin: 1.5rem 0; display: flex; gap: 1rem; }
img { max-width: 100%; }
"""


@dataclass(frozen=True)
class KitContent:
    """What the pages show."""

    data: dict[str, Any]  # the manifest
    bom: RolledUpBom
    parts: list[KitPart]
    thumbnails: dict[str, str]  # part id -> kit path of its picture
    credits: Credits
    printer: Printer | None
    steps: list[str]  # the instruction files, in order


@dataclass(frozen=True)
class KitPage:
    path: str  # in the kit
    content: bytes


def step_page(path: str) -> str:
    """The kit path of the page of the instruction file ``path``."""
    return "steps/" + posixpath.splitext(posixpath.basename(path))[0] + ".html"


def _page(title: str, body: str, root: str) -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{root}style.css">\n</head>\n<body>\n{body}</body>\n</html>\n'
    ).encode()


def _href(path: str) -> str:
    return quote(path, safe="/#")


def kit_pages(tree: DesignTree, kit: KitContent) -> list[KitPage]:
    """Every page of the kit and the files the steps link to, by kit path."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": False})
    steps = kit.steps
    part_ids = {p.line.id for p in kit.parts}
    item_ids = {line.id for order in (*kit.bom.orders, *kit.bom.optional) for line in order.lines}
    titles = {
        path: _step_title(tree.read_bytes(path).decode("utf-8", "replace"), path) for path in steps
    }
    pages: list[KitPage] = [KitPage("style.css", STYLE.encode())]
    linked: dict[str, bytes] = {}
    for number, path in enumerate(steps):
        text = tree.read_bytes(path).decode("utf-8", "replace")
        tokens = renderer.parse(text)
        rewrite = _link_rewriter(
            tree, path, steps=steps, part_ids=part_ids, item_ids=item_ids, linked=linked
        )
        _rewrite_for_kit(tokens, rewrite)
        body = renderer.renderer.render(tokens, renderer.options, {})
        nav = ['<a href="../index.html">Contents</a>']
        if number > 0:
            nav.append(f'<a href="../{_href(step_page(steps[number - 1]))}">Previous step</a>')
        if number + 1 < len(steps):
            nav.append(f'<a href="../{_href(step_page(steps[number + 1]))}">Next step</a>')
        navigation = "<nav>" + " ".join(nav) + "</nav>\n"
        pages.append(
            KitPage(step_page(path), _page(titles[path], navigation + body + navigation, "../"))
        )
    pages.append(KitPage("index.html", _index(kit, titles)))
    pages.extend(KitPage(path, content) for path, content in linked.items())
    return pages


def _step_title(text: str, path: str) -> str:
    heading = re.search(r"^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
    return heading.group(1) if heading else posixpath.basename(path)


def _rewrite_for_kit(tokens: list[Token], rewrite: Callable[[str, bool], str | None]) -> None:
    """Point every link and image at what it means in the kit; a link that
    leads nowhere in the kit keeps its text and loses its link."""
    slugs: dict[str, int] = {}
    for number, token in enumerate(tokens):
        if token.type == "heading_open" and number + 1 < len(tokens):
            token.attrSet("id", _heading_id(tokens[number + 1].content, slugs))
        if token.children:
            children = token.children
            dropped: list[int] = []
            for index, child in enumerate(children):
                if child.type == "link_open":
                    target = rewrite(str(child.attrGet("href") or ""), False)
                    if target is None:
                        dropped.append(index)
                        closing = _closing(children, index)
                        if closing is not None:
                            dropped.append(closing)
                    else:
                        child.attrSet("href", target)
                elif child.type == "image":
                    target = rewrite(str(child.attrGet("src") or ""), True)
                    child.attrSet("src", target if target is not None else "")
            token.children = [c for i, c in enumerate(children) if i not in dropped]


def _heading_id(text: str, seen: dict[str, int]) -> str:
    """The id GitHub gives a heading, so that links to #heading work in the kit too."""
    slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
    count = seen.get(slug, 0)
    seen[slug] = count + 1
    return f"{slug}-{count}" if count else slug


def _closing(children: list[Token], opening: int) -> int | None:
    depth = 0
    for index in range(opening, len(children)):
        if children[index].type == "link_open":
            depth += 1
        elif children[index].type == "link_close":
            depth -= 1
            if depth == 0:
                return index
    return None


def _link_rewriter(
    tree: DesignTree,
    page: str,
    *,
    steps: list[str],
    part_ids: set[str],
    item_ids: set[str],
    linked: dict[str, bytes],
) -> Callable[[str, bool], str | None]:
    def rewrite(target: str, image: bool) -> str | None:
        kind, colon, ident = target.partition(":")
        if colon and kind in ("part", "bom"):
            known = part_ids if kind == "part" else item_ids
            return f"../index.html#{kind}-{_href(ident)}" if ident in known else None
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target) or target.startswith("#"):
            return target  # a web address, mailto:, or a place on this page
        path_part, _, fragment = target.partition("#")
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(path_part)))
        if path in steps:
            return "../" + _href(step_page(path)) + (f"#{fragment}" if fragment else "")
        entry = tree.resolve(path)
        if path.startswith("../") or entry.kind is not Kind.FILE:
            return None
        linked[f"files/{entry.path}"] = tree.read_bytes(entry.path)
        return "../" + _href(f"files/{entry.path}")

    return rewrite


def _licenses(license: dict[str, str]) -> str:
    return ", ".join(f"{escape(kind)}: {escape(value)}" for kind, value in license.items())


def _money(totals: dict[str, Any]) -> str:
    return ", ".join(f"{escape(c)} {amount:.2f}" for c, amount in totals.items()) or "none"


def _item_row(line: PurchasedLine, supplier: str | None) -> str:
    unit = f" {line.unit}" if line.unit else ""
    quantity = f"{line.quantity.normalize():f}{unit}"
    supplier_cell = escape(supplier or "")
    if line.url:
        supplier_cell = f'<a href="{escape(line.url)}">{supplier_cell or "link"}</a>'
    cost = f"{escape(line.currency or '')} {line.cost:.2f}" if line.cost is not None else "no price"
    return (
        f'<tr id="bom-{escape(line.id)}"><td>{escape(line.id)}</td><td>{escape(line.name)}</td>'
        f'<td class="number">{escape(quantity)}</td><td>{supplier_cell}</td>'
        f"<td>{escape(line.part_number or '')}</td>"
        f'<td class="number">{line.packs or ""}</td><td class="number">{cost}</td></tr>\n'
    )


def _bom_table(bom: RolledUpBom) -> str:
    head = (
        '<tr><th>id</th><th>item</th><th class="number">quantity</th><th>supplier</th>'
        '<th>part number</th><th class="number">packs</th><th class="number">cost</th></tr>\n'
    )
    html = [f'<table id="bom">\n<thead>{head}</thead>\n<tbody>\n']
    for order in bom.orders:
        html += [_item_row(line, order.supplier) for line in order.lines]
    html.append(f"</tbody>\n</table>\n<p>Total: {_money(bom.totals)}</p>\n")
    if bom.unpriced:
        html.append(f"<p>No price for: {escape(', '.join(bom.unpriced))}</p>\n")
    if bom.optional:
        html.append(
            '<h3>Optional items</h3>\n<table id="optional-items">\n'
            f"<thead>{head}</thead>\n<tbody>\n"
        )
        html += [_item_row(line, order.supplier) for order in bom.optional for line in order.lines]
        html.append(
            f"</tbody>\n</table>\n<p>Optional items, total: {_money(bom.optional_totals)}</p>\n"
        )
    return "".join(html)


def _part_card(part: KitPart, thumbnail: str | None, printer: Printer | None) -> str:
    line = part.line
    if thumbnail is not None:
        picture = f'<img src="{_href(thumbnail)}" alt="{escape(line.name)}">'
    else:
        picture = "no picture yet"
    facts = [f"{line.quantity} × {escape(line.material or 'no material given')}"]
    facts += [escape(t) for t in (line.colour, "optional" if line.optional else None) if t]
    if line.role and line.role != "part":
        facts.append(escape(line.role))
    if line.process:
        facts.append(escape(line.process))
    if line.origin:
        facts.append(f"from {escape(line.origin)}")
    if line.size is not None:
        facts.append(" × ".join(f"{v:.1f}" for v in line.size) + " mm")
    if line.mass is not None and line.filament_length is not None:
        facts.append(f"{line.mass:.1f} g, {line.filament_length:.2f} m of filament in all")
    fit_line = ""
    if part.fit is not None and printer is not None and part.fit.orientation is not None:
        how = (
            "as modelled"
            if part.fit.as_modelled
            else "turned, as " + oriented_size(line.size or (0, 0, 0), part.fit.orientation)
        )
        fit_line = f"<p>Fits the {escape(printer.title)} {escape(how)}.</p>"
    elif part.too_big:
        where = f"the {escape(printer.title)}" if printer is not None else "any printer ohw knows"
        fit_line = f'<p class="too-big">Too big for {where}.</p>'
    files = " ".join(
        f'<a href="{_href(f)}">{escape(posixpath.basename(f))}</a>' for f in part.files
    )
    return (
        f'<div class="part" id="part-{escape(line.id)}">\n'
        f'<figure class="thumbnail" data-part="{escape(line.id)}">{picture}</figure>\n'
        f"<h3>{escape(line.name)} <small>({escape(line.id)})</small></h3>\n"
        f"<p>{'; '.join(facts)}</p>\n{fit_line}\n<p>{files or 'no export'}</p>\n</div>\n"
    )


def _index(kit: KitContent, titles: dict[str, str]) -> bytes:
    data, bom, printer, steps = kit.data, kit.bom, kit.printer, kit.steps
    title = data.get("title") or data["name"]
    version = f" {data['version']}" if data.get("version") else ""
    authors = ", ".join(escape(a["name"]) for a in data.get("authors", []))
    body = [f"<h1>{escape(title)}{escape(version)}</h1>\n"]
    if data.get("description"):
        body.append(f"<p>{escape(data['description'])}</p>\n")
    body.append(f"<p>Kit for {bom.units} unit{'s' if bom.units != 1 else ''}")
    if printer is not None:
        body.append(f", printed on the {escape(printer.title)}")
    body.append(f". Licences: {_licenses(data.get('license', {}))}.")
    if authors:
        body.append(f" By {authors}.")
    body.append('</p>\n<p><a href="bom.csv">BOM as CSV</a> · <a href="kit.json">kit.json</a></p>\n')
    if steps:
        body.append("<h2>Steps</h2>\n<ol>\n")
        body += [
            f'<li><a href="{_href(step_page(s))}">{escape(titles[s])}</a></li>\n' for s in steps
        ]
        body.append("</ol>\n")
    if bom.choices:
        body.append("<h2>Choices</h2>\n<ul>\n")
        body += [f"<li>{escape(choice_text(c))}</li>\n" for c in bom.choices]
        body.append("</ul>\n")
    body.append('<h2>Parts</h2>\n<div class="parts">\n')
    body += [_part_card(p, kit.thumbnails.get(p.line.id), printer) for p in kit.parts]
    body.append("</div>\n<h2>Bill of materials</h2>\n" + _bom_table(bom))
    if kit.credits.upstream:
        body.append("<h2>Credits</h2>\n<ul>\n")
        for upstream in kit.credits.upstream:
            who = ", ".join(a["name"] for a in upstream.authors)
            relations = ", ".join(upstream.relations)
            body.append(
                f"<li>{escape(upstream.title or upstream.design)} ({escape(relations)})"
                f", {_licenses(upstream.license)}{', by ' + escape(who) if who else ''}: "
                f"{escape(upstream.url)} at {escape(upstream.commit[:12])}</li>\n"
            )
        body.append("</ul>\n")
    return _page(title, "".join(body), "")
