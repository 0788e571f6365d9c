"""The emulator's modules import each other without a cycle (type-only imports count too)."""

from __future__ import annotations

import ast
from pathlib import Path

import jira_devops.emulator

PACKAGE = "jira_devops.emulator"
FOLDER = Path(jira_devops.emulator.__file__).parent


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``path`` imports anywhere in its text."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(name[len(PACKAGE) + 1:] for name in names if name.startswith(f"{PACKAGE}."))
    return found & modules


def import_graph() -> dict[str, set[str]]:
    """Module name -> the package's modules it imports."""
    modules = {path.stem for path in FOLDER.glob("*.py") if path.stem != "__init__"}
    return {name: _imports(FOLDER / f"{name}.py", modules) - {name} for name in modules}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path (first module repeated at the end), or ``[]``."""
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str]:
        if name in path:
            return [*path[path.index(name):], name]
        if name in done:
            return []
        for target in sorted(graph[name]):
            cycle = visit(target, [*path, name])
            if cycle:
                return cycle
        done.add(name)
        return []

    for start in sorted(graph):
        cycle = visit(start, [])
        if cycle:
            return cycle
    return []


def test_the_emulator_has_no_import_cycle() -> None:
    graph = import_graph()
    assert {"server", "control", "oauth", "state"} <= set(graph)
    assert find_cycle(graph) == []


def test_the_cycle_finder_finds_a_type_only_cycle(tmp_path: Path) -> None:
    # The shape the emulator had: control imports server for type checking only, server imports control.
    assert find_cycle({"server": {"control"}, "control": {"server"}, "state": set()}) == \
        ["control", "server", "control"]
    source = tmp_path / "control.py"
    source.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                      f"    from {PACKAGE}.server import Emulator\n", encoding="utf-8")
    assert _imports(source, {"server", "control"}) == {"server"}
