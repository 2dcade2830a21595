"""`ohw fab --pdf`: the guide as PDF through WeasyPrint, read back with pypdf:
every step and part is in it, its pictures too, and the same commit gives
the same bytes."""

from __future__ import annotations

import hashlib
import io
import json
import os

import pypdf
from support.run import run_ohw


def test_the_guide_as_pdf_holds_every_step_and_part(lamp, tmp_path):
    done = run_ohw("fab", "--pdf", "--units", "2", "--out", tmp_path / "kit", cwd=lamp)
    assert done.returncode == 0, done.stderr
    pdf = (tmp_path / "kit" / "guide.pdf").read_bytes()
    described = json.loads((tmp_path / "kit" / "kit.json").read_text())
    assert described["files"]["guide.pdf"] == hashlib.sha256(pdf).hexdigest()
    assert '<a href="guide.pdf">' in (tmp_path / "kit" / "index.html").read_text()

    document = pypdf.PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() for page in document.pages]
    text = " ".join(" ".join(pages).split())
    for expected in ("Adjustable desk lamp 1.2.0", "Kit for 2 units", "Bill of materials",
                     "1. Wire the head", "2. Assemble the arms",
                     "3. Route the cable and fit the feet", "For one unit; the kit is for 2.",
                     "110 × 110 × 58 mm"):  # fmt: skip
        assert expected in text, expected
    # A step a page: each step's title opens a page of its own.
    openings = [" ".join(page.split()[:8]) for page in pages]
    assert sum(1 for page in openings if "Wire the head" in page) == 1
    assert len(document.pages) >= 4
    pictures = sum(len(page.images) for page in document.pages)
    assert pictures >= 4  # the parts' thumbnails, at least once each

    again = run_ohw("fab", "--pdf", "--units", "2", "--out", tmp_path / "again.zip", cwd=lamp)
    assert again.returncode == 0, again.stderr
    import zipfile

    with zipfile.ZipFile(tmp_path / "again.zip") as archive:
        assert archive.read("guide.pdf") == pdf


def test_without_weasyprint_the_kit_is_refused_with_what_to_install(lamp, tmp_path):
    # A Python that cannot import WeasyPrint: a package of that name that fails to load.
    shadow = tmp_path / "shadow" / "weasyprint"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('no WeasyPrint here')\n")
    path = os.pathsep.join([str(tmp_path / "shadow"), os.environ.get("PYTHONPATH", "")])
    done = run_ohw("fab", "--pdf", "--out", tmp_path / "kit", cwd=lamp, env={"PYTHONPATH": path})
    assert done.returncode == 2, done.stderr
    assert "needs WeasyPrint" in done.stderr and "ohw[pdf]" in done.stderr
    assert not (tmp_path / "kit").exists()
