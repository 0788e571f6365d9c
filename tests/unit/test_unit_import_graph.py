"""Every module imports on its own (``__main__`` runs the CLI, so it is left out), and the package's
import graph has no cycle (lazy imports count)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from support.import_graph import cycles, import_graph, module_names


@pytest.mark.parametrize("module", sorted(name for name in module_names() if not name.endswith("__main__")))
def test_every_module_imports_on_its_own(module: str) -> None:
    importlib.import_module(module)


def test_the_import_graph_has_no_cycle() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_lazy_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_lazy_imports_are_edges_and_type_checking_imports_are_not() -> None:
    graph = import_graph()
    # sending imports redelivery inside send(); redelivery names the client under TYPE_CHECKING and imports
    # SubmitOutcome for real
    assert "jira_devops.delivery.redelivery" in graph["jira_devops.delivery.sending"]
    assert "jira_devops.delivery.report" not in graph["jira_devops.delivery.gating"]


def test_mypy_checks_every_command_module_against_the_protocol() -> None:
    """The TYPE_CHECKING tuple in cli/commands/__init__.py names every module the CLI loads."""
    from jira_devops.cli import commands

    tree = ast.parse(Path(commands.__file__).read_text(encoding="utf-8"))
    checked = next(node for node in ast.walk(tree) if isinstance(node, ast.AnnAssign)
                   and isinstance(node.target, ast.Name) and node.target.id == "_CHECKED")
    assert isinstance(checked.value, ast.Tuple)
    names = {element.id for element in checked.value.elts if isinstance(element, ast.Name)}
    assert names == {module.rsplit(".", 1)[1] for module in commands.COMMAND_MODULES}
