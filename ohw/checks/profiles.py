"""OHW8xx: what a complete open-hardware release must contain, by the texts of
the stewards of open hardware: OSHWA's definition and certification (oshwa),
Open Know-How (okh), and DIN SPEC 3105-1 (din-spec-3105). The README's table
cites each requirement; REQUIREMENTS says which profile asks for which."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ohw.checks.context import CheckContext
from ohw.design.findings import Finding, finding
from ohw.design.paths import MANIFEST

PROFILES = ("oshwa", "okh", "din-spec-3105")
MESHES = (".stl", ".3mf", ".obj", ".amf", ".ply")

# Finding id -> the profiles that require it.
REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "OHW801": ("oshwa", "din-spec-3105"),
    "OHW802": ("oshwa", "din-spec-3105"),
    "OHW803": ("oshwa", "din-spec-3105"),
    "OHW804": ("oshwa", "okh", "din-spec-3105"),
    "OHW805": ("oshwa", "okh", "din-spec-3105"),
    "OHW806": ("oshwa", "okh", "din-spec-3105"),
    "OHW807": ("oshwa", "okh"),
    "OHW808": ("oshwa", "din-spec-3105"),
    "OHW809": ("oshwa", "okh"),
    "OHW810": ("okh",),
}


def check_profile(context: CheckContext, profile: str) -> Iterator[Finding]:
    design = context.design
    assert design.manifest is not None
    data: dict[str, Any] = design.manifest.data
    kinds = {d["kind"] for d in data.get("documents", [])}
    licences = data.get("license", {})
    found: list[Finding] = []
    for i, part in enumerate(data.get("parts", [])):
        exports = part.get("export", [])
        meshes = [
            e
            for e in ([exports] if isinstance(exports, str) else exports)
            if e.lower().endswith(MESHES)
        ]
        if meshes and not part.get("source"):
            found.append(
                finding(
                    "OHW801",
                    MANIFEST,
                    f"part {part['id']} has only its mesh ({meshes[0]}): the design lacks the "
                    "source it was made from, in the form for making changes",
                    design.at_manifest(("parts", i, "export")),
                )
            )
    if not licences.get("documentation"):
        found.append(
            finding(
                "OHW802",
                MANIFEST,
                "the documentation has no licence",
                design.at_manifest_key(("license",)),
            )
        )
    if data.get("software") and not licences.get("software"):
        found.append(
            finding(
                "OHW803",
                MANIFEST,
                "the design has software but no licence for it",
                design.at_manifest_key(("software",)),
            )
        )
    found += _closed_licences(context, licences)
    if not data.get("bom") and "bom" not in kinds:
        found.append(finding("OHW805", MANIFEST, "the design has no bill of materials"))
    if not data.get("instructions") and "manufacturing" not in kinds:
        found.append(finding("OHW806", MANIFEST, "the design has no assembly instructions"))
    if not data.get("images"):
        found.append(finding("OHW807", MANIFEST, "the design has no picture"))
    people = [data.get("contact"), *data.get("authors", [])]
    if not data.get("contact") and not any(p and p.get("email") for p in people):
        found.append(finding("OHW808", MANIFEST, "the design names no one to contact"))
    if not data.get("readme") and not design.tree.exists("README.md"):
        found.append(finding("OHW809", MANIFEST, "the design has no README"))
    if profile == "okh":
        found += _okh_requirements(data)
    yield from (f for f in found if profile in REQUIREMENTS[f.rule])


def _closed_licences(context: CheckContext, licences: dict[str, str]) -> Iterator[Finding]:
    from ohw.design.licenses import check_expression
    from ohw.lineage.compatibility import requirement

    for kind in ("hardware", "documentation", "software"):
        expression = licences.get(kind)
        if not expression or any(not p.deprecated for p in check_expression(expression)):
            continue  # none, or invalid: other checks say so
        refused = requirement(expression).refused
        if refused is not None:
            yield finding(
                "OHW804",
                MANIFEST,
                f"the {kind} licence {expression} is not open: {refused}",
                context.design.at_manifest(("license", kind)),
            )


def _okh_requirements(data: dict[str, Any]) -> Iterator[Finding]:
    """What the OKH-LOSH schema requires and the design could not give."""
    from ohw.okh.from_design import to_losh

    for lacking in to_losh(data).findings:
        if lacking.rule == "OHW710":
            yield finding("OHW810", MANIFEST, lacking.message)
