"""OKH manifests written here, and imported as a user would."""

from __future__ import annotations

from pathlib import Path

from support.designs import read_manifest
from support.run import ohw_json

LOSH = """\
okhv = "2.4"
name = "Spool Holder"
repo = "https://example.org/ada/spool-holder"
version = "1.2"
license = "CERN OHL v1.2"
licensor = ["Ada Maker <ada@example.org>", "Bo Builder"]
documentation-language = ["English-UK", "de"]
image = "/docs/photo.jpg"
function = "Holds a spool of filament."
manufacturing-instructions = "/docs/build.md"
x-vendor-colour = "teal"

[organization]
name = "Maker Space"
url = "https://makers.example.org"

[outer-dimensions]
width = "120 mm"
depth = 80
height = 0

[[part]]
name = "Arm"
tsdc = "3DP"
source = "/cad/arm.scad"
export = ["/stl/arm.stl"]
quantity = 2
material = "PETG"
infill = 20
printing-process = "FDM"
"""


def imported(tmp_path: Path, text: str, name: str = "okh.toml") -> tuple[dict, dict]:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    report = ohw_json("okh-import", "import", "okh", source, tmp_path / "design", "--json")
    return report, read_manifest(tmp_path / "design")
