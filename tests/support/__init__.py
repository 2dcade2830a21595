"""Helpers the tests share, and where things are.

- support.meshes: meshes written here, not by ohw (binary and ASCII STL, boxes, normals),
  and the corpus's STL files.
- support.designs: designs and repositories to test on (the desk lamp, a defective
  design, one written from a manifest), edits committed to them, and reading them back.
- support.run: ohw and git run as a user runs them, and ohw's commands run in this process.
- support.servers: git servers on loopback (git daemon, smart HTTP, one that never answers,
  one whose every answer the test writes).
- support.browser: headless Chromium and a static HTTP server for the pages it loads.
- support.worker_jobs: jobs for worker processes, importable by name.
- support.readers: what ohw's YAML readers make of a document, to compare them.

Fixtures several test files use are in tests/conftest.py, built with these.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
EXAMPLES = ROOT / "examples"
CORPUS = ROOT.parent / "shared" / "corpus"
# The console script installed next to this interpreter: the program a user runs.
OHW = Path(sys.executable).parent / "ohw"
