"""`ohw export okh`: the design's ohw.yaml as okh.toml (OKH-LOSH) or okh.yml (OKH
v1), checked against ohw's own schema of what it writes (schemas/okh-losh, which
a test holds to the standard's schema), and written atomically. A file ohw did not
write is not replaced without being told to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ohw.design.findings import Finding, Severity, finding
from ohw.design.paths import MANIFEST
from ohw.design.reader import open_design, read_valid_design
from ohw.errors import OhwError
from ohw.okh.from_design import Fallbacks, OkhExport, to_losh, to_v1
from ohw.storage.files import write_atomically

HEADER = "# Written by ohw export okh from ohw.yaml: edit ohw.yaml, and export again.\n"
FILE_NAMES = {"toml": "okh.toml", "yaml": "okh.yml"}


@dataclass
class OkhExportResult:
    design: str  # the design's folder, as given
    format: str
    output: str  # the file written, or "-" for the standard output
    text: str = ""
    written: bool = False
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)


def web_address(url: str | None) -> str | None:
    """A git remote's URL as the web page of its repository, where it is one:
    git@host:owner/repo.git and ssh://git@host/owner/repo are https://host/owner/repo."""
    if not url:
        return None
    scp = re.fullmatch(r"[^@/:]+@([^/:]+):(.+?)(?:\.git)?/?", url)
    if scp:
        return f"https://{scp.group(1)}/{scp.group(2)}"
    web = re.fullmatch(r"(?:https?|ssh|git)://(?:[^@/]+@)?([^/:]+)(?::\d+)?/(.+?)(?:\.git)?/?", url)
    return f"https://{web.group(1)}/{web.group(2)}" if web else None


def build(folder: Path, okh_format: str) -> OkhExport:
    """The OKH manifest of the design in ``folder``, and what was done to make it."""
    from ohw.storage.vcs.remote import head_commit, origin_url

    design = read_valid_design(open_design(folder))
    assert design.manifest is not None
    fallbacks = Fallbacks(web_address(origin_url(folder)), head_commit(folder))
    made = (to_losh if okh_format == "toml" else to_v1)(design.manifest.data, fallbacks)
    if okh_format == "toml" and not any(f.rule == "OHW710" for f in made.findings):
        made.findings.extend(_violations(made.data))
    return made


def _violations(data: dict[str, Any]) -> list[Finding]:
    """Where the manifest breaks ohw's schema of an OKH-LOSH manifest."""
    from ohw.design.schemas import schema_validator

    return [
        finding(
            "OHW710",
            MANIFEST,
            f"the OKH-LOSH manifest would break its schema at "
            f"{'/'.join(str(p) for p in error.absolute_path) or 'the top'}: {error.message}",
        )
        for error in schema_validator("okh-losh").iter_errors(data)
    ]


def serialise(made: OkhExport) -> str:
    if made.format == "toml":
        import tomli_w

        return HEADER + tomli_w.dumps(made.complete)
    import yaml

    return HEADER + yaml.safe_dump(made.complete, sort_keys=False, allow_unicode=True, width=100)


def export_okh(folder: Path, okh_format: str, output: str | None, force: bool) -> OkhExportResult:
    """Export the design in ``folder``; write to ``output`` (default okh.toml or
    okh.yml beside ohw.yaml, "-" for the standard output) unless a finding is an error."""
    made = build(folder, okh_format)
    target = output or str(folder / FILE_NAMES[okh_format])
    result = OkhExportResult(str(folder), okh_format, target, findings=made.findings)
    if not result.ok:
        return result
    result.text = serialise(made)
    if target == "-":
        return result
    path = Path(target)
    if path.is_dir():
        raise OhwError(f"{target} is a folder", "give the file to write, e.g. okh.toml")
    if path.exists() and not force and not path.read_bytes().startswith(HEADER.encode()):
        raise OhwError(
            f"{target} exists and was not written by ohw",
            "use --force to replace it (`ohw import okh` it first to keep what it says)",
        )
    try:
        write_atomically(path, result.text.encode("utf-8"))
    except OSError as error:
        raise OhwError(f"cannot write {target}: {error.strerror}") from None
    result.written = True
    return result
