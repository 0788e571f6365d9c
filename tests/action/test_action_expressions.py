"""The runner emulation's expressions behave as GitHub's do where action.yml relies on them."""

from __future__ import annotations

from typing import Any

import pytest

from support.gha_expressions import ExpressionError, condition, evaluate, interpolate

CONTEXTS: dict[str, Any] = {
    "inputs": {"cache": "", "fail-on-error": "False", "command": "build"},
    "steps": {"locate": {"outputs": {"found": "true", "venv": "/opt/tool"}}},
    "github": {"action_path": "/a", "event": {"pull_request": {"number": 5}}},
    "job": {"status": "failure"},
}


@pytest.mark.parametrize(("expression", "value"), [
    ("inputs.command", "build"),
    ("inputs.fail-on-error == 'false'", True),  # strings compare case-insensitively
    ("inputs.cache != 'false' && steps.locate.outputs.found != 'true'", False),
    ("inputs.cache || 'default'", "default"),  # || returns an operand
    ("inputs.command && 'yes'", "yes"),
    ("steps.missing.outputs.x", None),
    ("github.event.pull_request.number == 5", True),
    ("github.event.pull_request.number == '5'", True),  # mixed types compare as numbers
    ("!inputs.cache", True),
    ("format('{0}-{1}', runner.os, 'x')", "Linux-x"),
    ("contains('a,b', 'B')", True),
])
def test_expressions_evaluate_like_githubs(expression: str, value: Any) -> None:
    assert evaluate(expression, {**CONTEXTS, "runner": {"os": "Linux"}}) == value


def test_templates_turn_values_into_text() -> None:
    assert interpolate("${{ steps.locate.outputs.venv }}/bin ${{ steps.x.y }}|${{ true }}", CONTEXTS) == \
        "/opt/tool/bin |true"


def test_a_condition_without_a_status_function_also_needs_success() -> None:
    assert condition("inputs.command == 'build'", CONTEXTS) is True
    assert condition("inputs.command == 'build'", CONTEXTS, job_status="failure") is False
    assert condition("${{ always() && inputs.command == 'build' }}", CONTEXTS, job_status="failure") is True
    assert condition(None, CONTEXTS, job_status="failure") is False


def test_an_unknown_context_or_function_is_an_error_not_a_guess() -> None:
    with pytest.raises(ExpressionError, match="unknown context 'secrets'"):
        evaluate("secrets.TOKEN", CONTEXTS)
    with pytest.raises(ExpressionError, match="unknown function hashfiles"):
        evaluate("hashFiles('x')", CONTEXTS)
