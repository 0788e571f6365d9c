"""The import rules of docs/architecture.md, checked on the package's import graph (lazy imports count,
``if TYPE_CHECKING:`` imports do not)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.import_graph import import_graph

PACKAGE = "jira_devops"
ENTRY_POINTS = {PACKAGE, f"{PACKAGE}.__main__"}
LAYERS = ("root", "ci", "history", "jira", "delivery", "cli")  # lowest first
ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def folder(module: str) -> str:
    """``cli``, ``jira``, ... for a module in a folder; ``root`` for the modules beside them."""
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and parts[1] in (*LAYERS, "wrappers", "emulator")):
        return parts[1]
    return "root"


def edges() -> list[tuple[str, str]]:
    """Every import between two modules of the package, entry points left out."""
    return [(source, target) for source, targets in sorted(import_graph().items()) if source not in ENTRY_POINTS
            for target in sorted(targets)]


def upward(pairs: list[tuple[str, str]]) -> list[str]:
    """The imports that go from a layer to a higher one."""
    return [f"{source} -> {target}" for source, target in pairs
            if folder(source) in LAYERS and folder(target) in LAYERS
            and LAYERS.index(folder(target)) > LAYERS.index(folder(source))]


def test_a_layer_imports_only_its_own_layer_or_lower_ones() -> None:
    assert upward(edges()) == []


def test_only_the_entry_point_imports_the_command_line() -> None:
    wrong = [f"{source} -> {target}" for source, target in edges()
             if folder(target) == "cli" and folder(source) != "cli"]
    assert wrong == []


def test_no_layer_imports_the_wrappers_or_the_emulator_but_the_command_line() -> None:
    wrong = [f"{source} -> {target}" for source, target in edges()
             if folder(target) in ("wrappers", "emulator") and folder(source) not in (folder(target), "cli")]
    assert wrong == []


@pytest.mark.parametrize(("side", "allowed"), [
    ("wrappers", {"root", "jira"}),
    ("emulator", {"root", "history.git"}),
])
def test_the_wrappers_and_the_emulator_stay_apart_from_the_client(side: str, allowed: set[str]) -> None:
    wrong = [f"{source} -> {target}" for source, target in edges()
             if folder(source) == side and folder(target) != side
             and folder(target) not in allowed and target.removeprefix(f"{PACKAGE}.") not in allowed]
    assert wrong == []


def test_the_rules_are_the_ones_the_architecture_page_states() -> None:
    text = " ".join(ARCHITECTURE.read_text(encoding="utf-8").split())
    assert "The layers, lowest first: the root modules, `ci/`, `history/`, `jira/`, `delivery/`, `cli/`." in text
    assert "Nothing imports `cli/` but `__main__`" in text
    assert "`wrappers/` imports only the root modules and `jira/`" in text
    assert "`emulator/` imports only the root modules and `history/git.py`" in text


def test_the_layer_check_sees_a_wrong_import() -> None:
    assert upward([("jira_devops.history.deploys", "jira_devops.jira.client"),
                   ("jira_devops.settings", "jira_devops.ci.github"),
                   ("jira_devops.jira.payloads", "jira_devops.history.git")]) == [
        "jira_devops.history.deploys -> jira_devops.jira.client", "jira_devops.settings -> jira_devops.ci.github"]
