"""action.yml against the settings registry, GitHub's schemas, the examples and the docs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from jira_devops.settings import OPTIONS
from jira_devops.wrappers.github_action import (
    ACTION_ONLY_INPUTS,
    ACTION_OPTIONS,
    NOT_INPUTS,
    OUTPUT_NAMES,
    input_env_name,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "github").glob("*.yml"))


def _action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return data


def _step(step_id: str) -> dict[str, Any]:
    return next(step for step in _action()["runs"]["steps"] if step.get("id") == step_id)


def _check_schema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema,
                           *map(str, files)], capture_output=True, text=True, timeout=60, check=False)


def test_inputs_are_the_registry_settings_plus_the_action_own() -> None:
    expected = {option.action_input for option in ACTION_OPTIONS} | set(ACTION_ONLY_INPUTS)
    declared = set(_action()["inputs"])
    missing = [option for option in ACTION_OPTIONS if option.action_input not in declared]
    to_add = "".join(
        f"\n  {option.action_input}:\n    description: >-\n      {option.help[0].upper()}{option.help[1:]}. "
        f"Setting `{option.name}`, environment `{option.env_var}`.\n    required: false"
        f"\n  and in the run step's env:  {input_env_name(option.action_input)}: "
        f"${{{{ inputs.{option.action_input} }}}}"
        for option in missing)
    assert not missing, f"action.yml lacks inputs for new settings; add:{to_add}"
    assert declared == expected, f"inputs that are not settings: {sorted(declared - expected)}"


def test_every_setting_is_an_input_or_excluded_for_a_stated_reason() -> None:
    without_input = {option.name for option in OPTIONS} - {option.name for option in ACTION_OPTIONS}
    assert without_input == set(NOT_INPUTS)
    assert all(reason.strip() for reason in NOT_INPUTS.values())


def test_fail_on_error_is_the_inverted_no_fail_setting() -> None:
    option = next(option for option in ACTION_OPTIONS if option.action_input == "fail-on-error")
    assert option.name == "no_fail"
    assert option.wrapper_inverted


def test_every_input_reaches_the_run_step_through_its_own_env_variable() -> None:
    env = _step("run")["env"]
    for name in [*(option.action_input for option in ACTION_OPTIONS), "command"]:
        assert env[input_env_name(name)] == f"${{{{ inputs.{name} }}}}", name


def test_input_descriptions_name_the_setting_and_its_environment_variable() -> None:
    inputs = _action()["inputs"]
    for option in ACTION_OPTIONS:
        description = inputs[option.action_input]["description"]
        assert f"`{option.name}`" in description, option.action_input
        assert f"`{option.env_var}`" in description, option.action_input


def test_outputs_are_the_run_step_outputs() -> None:
    outputs = _action()["outputs"]
    assert tuple(outputs) == OUTPUT_NAMES
    for name, spec in outputs.items():
        assert spec["value"] == f"${{{{ steps.run.outputs.{name} }}}}"


def test_no_script_contains_an_expression() -> None:
    # GitHub's script-injection guidance: values reach scripts through env:, never as script text.
    for step in _action()["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], step.get("id")


def test_only_the_secret_inputs_reach_a_step_that_sees_the_secret() -> None:
    secret_inputs = {option.action_input for option in ACTION_OPTIONS if option.secret}
    assert secret_inputs == {"client-secret", "github-token"}
    for step in _action()["runs"]["steps"]:
        text = yaml.safe_dump(step)
        if step.get("id") != "run":
            assert not any(f"inputs.{name}" in text for name in secret_inputs), step.get("id")


def test_action_yml_passes_githubs_action_schema() -> None:
    done = _check_schema("vendor.github-actions", ROOT / "action.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_catches_a_broken_action(tmp_path: Path) -> None:
    broken = tmp_path / "action.yml"
    broken.write_text("name: x\ndescription: y\nruns:\n  using: composite\n  steps:\n    - run: echo\n",
                      encoding="utf-8")  # a composite run step without shell
    assert _check_schema("vendor.github-actions", broken).returncode != 0


def test_the_examples_pass_githubs_workflow_schema() -> None:
    assert {path.name for path in EXAMPLES} >= {"build.yml", "deploy.yml", "gated-deploy.yml"}
    done = _check_schema("vendor.github-workflows", *EXAMPLES)
    assert done.returncode == 0, done.stdout + done.stderr


def _uses_of_this_action(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])
            if str(step.get("uses", "")).split("@")[0].endswith("/jira-devops")]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_examples_use_the_action_with_known_inputs_and_secrets_from_secrets(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    steps = _uses_of_this_action(workflow)
    assert steps, "the example does not use the action"
    inputs = set(_action()["inputs"])
    for step in steps:
        assert step["uses"] == "your-org/jira-devops@v1"
        given = step.get("with", {})
        assert set(given) <= inputs, set(given) - inputs
        assert given["command"] in ("build", "deploy", "gate", "keys")
        if "client-secret" in given:
            assert re.fullmatch(r"\$\{\{ secrets\.\w+ \}\}", given["client-secret"])
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            assert "secrets." not in str(step.get("run", ""))


def test_the_docs_describe_every_input_and_output() -> None:
    text = (ROOT / "docs" / "github-action.md").read_text(encoding="utf-8")
    for name in [*_action()["inputs"], *_action()["outputs"]]:
        assert f"`{name}`" in text, name
