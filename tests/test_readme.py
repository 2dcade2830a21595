"""The README tells the truth: its commands, its tour, its tables."""

from __future__ import annotations

import re

from support import EXAMPLES, ROOT
from support.run import run_ohw

from ohw.design.bom.columns import column_for
from ohw.design.findings import RULES

README = (ROOT / "README.md").read_text()


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, re.DOTALL)


def test_ci_runs_exactly_the_readme_test_command():
    install_and_run, test = shell_blocks()[:2]
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == test.strip()
    assert "pytest" in test
    for design in sorted(p.name for p in EXAMPLES.iterdir() if (p / "ohw.yaml").is_file()):
        assert f"examples/{design}" in install_and_run


def test_the_tour_shows_what_ohw_prints(tmp_path):
    assert run_ohw("init", "lamp", "--title", "Desk lamp", cwd=tmp_path).returncode == 0
    design = tmp_path / "lamp"
    snippet = re.search(r"replace `parts: \[\]` with\n\n```yaml\n(.*?)```", README, re.DOTALL)
    manifest = design / "ohw.yaml"
    manifest.write_text(manifest.read_text().replace("parts: []\n", snippet.group(1)))
    shown = re.search(r"```\n\$ ohw check\n(.*?)```", README, re.DOTALL).group(1)
    done = run_ohw("check", cwd=design)
    assert done.returncode == 1
    assert done.stdout == shown


def test_the_finding_table_is_the_catalog():
    rows = re.findall(r"^\| (OHW\d{3}) \| (\w+) \| ([^|]+) \| ([^|]+) \|$", README, re.MULTILINE)
    assert [(i, s, t.strip(), h.strip()) for i, s, t, h in rows] == [
        (r.id, r.severity.value, r.title, r.hint) for r in RULES.values()
    ]


def test_every_csv_column_the_readme_names_is_read():
    table = README[README.index("| column | also accepted |") :].split("\n\n")[0]
    names = re.findall(r"`([a-z][a-z ]*?)`", table)
    assert len(names) > 20
    assert [n for n in names if column_for(n) is None] == []
