"""The kit's guide as PDF, to print at the workbench: guide.html laid out by
WeasyPrint (the optional extra ``pdf``: ``pip install 'ohw[pdf]'``) with the
kit's own stylesheet and pictures, and nothing fetched from anywhere else."""

from __future__ import annotations

import logging
import mimetypes
from typing import Any
from urllib.parse import unquote, urlsplit

from ohw.errors import OhwError

# What the guide's relative links are read against: a name that is no place
# on any network, as every file is served from the kit in memory.
_BASE = "https://kit.invalid/"


def guide_pdf(files: dict[str, bytes], guide: str) -> bytes:
    """The page ``guide`` of the kit whose ``files`` are given, as PDF."""
    try:
        import weasyprint  # type: ignore[import-untyped]
        import weasyprint.urls  # type: ignore[import-untyped]
    except (ImportError, OSError) as error:  # OSError: Pango, a system library, is missing
        raise OhwError(
            f"writing the guide as PDF needs WeasyPrint ({error})",
            "pip install 'ohw[pdf]'; WeasyPrint needs Pango "
            "(Debian and Ubuntu: apt install libpango-1.0-0 libpangoft2-1.0-0)",
        ) from None
    # A picture the guide names but the kit lacks is left out of the PDF, not said
    # on the terminal: the kit's pages are checked when they are made.
    logging.getLogger("weasyprint").addHandler(logging.NullHandler())
    logging.getLogger("weasyprint").propagate = False

    class FromTheKit(weasyprint.urls.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: object = None) -> Any:
            path = unquote(urlsplit(url).path).lstrip("/")
            if not url.startswith(_BASE) or path not in files:
                raise ValueError(f"{url} is not in the kit")
            kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(
                url, body=files[path], headers={"Content-Type": kind}
            )

    page = weasyprint.HTML(
        string=files[guide].decode("utf-8"), base_url=_BASE + guide, url_fetcher=FromTheKit()
    )
    pdf: bytes = page.write_pdf()
    return pdf
