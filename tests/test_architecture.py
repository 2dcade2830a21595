"""The shape of the package, as docs/architecture.md draws it: one package per
layer or subject, imports that point down the layers only, no circle between
two files, and every call to git inside ohw.storage.vcs."""

from __future__ import annotations

import ast
import configparser
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

# The source tree, not the package installed: CI installs a wheel, which has no
# setup.cfg or docs/ beside it.
PROJECT = Path(__file__).resolve().parents[1]
PACKAGE = PROJECT / "ohw"

# Top to bottom: a module may import its own package and the layers below it.
# Packages on one floor are independent of each other. The table is the one in
# docs/architecture.md.
FLOORS: list[tuple[str, ...]] = [
    ("__main__",),
    ("cli",),
    ("startup",),
    ("report",),
    ("catalog",),
    ("fab",),
    ("checks", "picture"),
    ("adopt", "history", "lineage", "okh"),
    ("merge",),
    ("design", "mesh"),
    ("storage",),
    ("errors", ""),  # "": the package's own __init__ (its version)
]
FLOOR = {room: number for number, rooms in enumerate(FLOORS) for room in rooms}
MAX_TOP_LEVEL_MODULES = 6


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imported(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """The modules of ohw that ``module`` imports, anywhere in it (inside
    functions and under TYPE_CHECKING too), with the line."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for written in names:
            name = written
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module and (name.startswith("ohw.") or name == "ohw"):
                yield name, node.lineno
                if isinstance(node, ast.ImportFrom):
                    break


IMPORTS = {module: sorted(set(_imported(module, path))) for module, path in MODULES.items()}


def _room(module: str) -> str:
    """The layer or subject a module belongs to: its first name below ohw."""
    return module.split(".")[1] if "." in module else ""


def test_the_table_names_every_package() -> None:
    rooms = {_room(module) for module in MODULES}
    assert rooms == set(FLOOR)


def test_the_architecture_page_draws_the_same_table() -> None:
    page = (PROJECT / "docs" / "architecture.md").read_text("utf-8")
    drawn: dict[str, int] = {}
    for row in page.splitlines():
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        if len(cells) == 3 and cells[0].isdigit():
            for written in re.findall(r"`ohw/([A-Za-z_]*)(?:/|\.py)`", cells[1]):
                drawn[written.removesuffix(".py") if written != "__init__" else ""] = int(cells[0])
    floors = {room: FLOOR[room] + 1 for room in FLOOR}
    assert drawn == floors


def test_imports_point_down_the_layers() -> None:
    upward = [
        f"{module}:{line} imports {target} ({_room(target)} is above {_room(module)})"
        for module, targets in IMPORTS.items()
        for target, line in targets
        if _room(target) != _room(module) and FLOOR[_room(target)] <= FLOOR[_room(module)]
    ]
    assert upward == []


def _circles() -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target, _ in IMPORTS[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in MODULES:
        if module not in index:
            visit(module)
    return found


def test_no_two_files_import_each_other_even_through_others() -> None:
    assert _circles() == []


def test_few_modules_lie_directly_in_the_package() -> None:
    top = [m for m, p in MODULES.items() if p.parent == PACKAGE and p.name != "__init__.py"]
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


@pytest.mark.parametrize(
    "init", sorted(PACKAGE.rglob("__init__.py")), ids=lambda p: str(p.relative_to(PROJECT))
)
def test_a_package_says_in_one_line_what_it_is_and_holds_nothing_else(init: Path) -> None:
    tree = ast.parse(init.read_text("utf-8"))
    if init.parent == PACKAGE:  # the package itself carries its version too
        assert [type(node) for node in tree.body] == [ast.Expr, ast.Assign]
    else:
        assert [type(node) for node in tree.body] == [ast.Expr]
    docstring = ast.get_docstring(tree)
    assert docstring is not None and "\n" not in docstring


def test_only_the_storage_layer_talks_to_git() -> None:
    talking = [
        f"{module}:{line}"
        for module, path in MODULES.items()
        if not module.startswith("ohw.storage.vcs.")
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for line in [node.lineno]
        if any(
            (alias.name if isinstance(node, ast.Import) else node.module or "").split(".")[0]
            == "pygit2"
            for alias in node.names
        )
    ]
    assert talking == []


def test_every_package_is_installed() -> None:
    setup = configparser.ConfigParser()
    setup.read(PROJECT / "setup.cfg")
    listed = set(setup["options"]["packages"].split())
    packages = {_module_name(init) for init in PACKAGE.rglob("__init__.py")}
    assert packages <= listed
