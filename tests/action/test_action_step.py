"""The action's step module in-process: inputs to settings, outputs, annotations, the job summary."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from jira_devops.delivery.report import ReportResult
from jira_devops.delivery.sending import Delivery
from jira_devops.errors import ConfigError, UsageError
from jira_devops.wrappers.github_action import (
    CliRun,
    annotation,
    cli_arguments,
    log_line,
    main,
    markdown_text,
    reported_items,
    secrets_to_mask,
    settings_environment,
    step_outputs,
    summary_markdown,
    write_outputs,
)
from support.gha_runner import read_outputs

# The JSON the CLI prints for a build Jira half accepted, made by the result object itself.
BUILD_RESULT: dict[str, Any] = {**ReportResult(
    command="report-build", api="builds",
    delivery=Delivery(accepted=[{"pipelineId": "acme/app/ci.yml", "buildNumber": 7}],
                      rejected=[{"key": {"pipelineId": "acme/app/ci.yml", "buildNumber": 8},
                                 "errors": [{"message": "No valid issues found for build"}]}],
                      unknown_issue_keys=["ZZZ-9"]),
    bodies=[{"builds": [
        {"pipelineId": "acme/app/ci.yml", "buildNumber": 7, "displayName": "CI | main #7", "state": "successful",
         "url": "https://github.com/acme/app/actions/runs/1", "issueKeys": ["ABC-1"]},
        {"pipelineId": "acme/app/ci.yml", "buildNumber": 8, "displayName": "CI #8", "state": "failed",
         "url": "https://github.com/acme/app/actions/runs/2", "issueKeys": ["ZZZ-9"]},
    ]}]).to_json(), "issueKeys": ["ABC-1", "ZZZ-9"]}


def test_a_given_input_wins_over_the_workflow_env_and_an_empty_one_keeps_it() -> None:
    env = settings_environment({
        "JIRA_SITE": "from-env", "JIRA_DEVOPS_INPUT_SITE": "",
        "JIRA_DEVOPS_LABEL": "env-label", "JIRA_DEVOPS_INPUT_LABEL": "1.4.2",
        "JIRA_DEVOPS_INPUT_ISSUE_KEYS": "ABC-1,ABC-2",
    })
    assert env["JIRA_SITE"] == "from-env"
    assert env["JIRA_DEVOPS_LABEL"] == "1.4.2"
    assert env["JIRA_DEVOPS_ISSUE_KEY"] == "ABC-1,ABC-2"
    assert not any(name.startswith("JIRA_DEVOPS_INPUT_") for name in env)


@pytest.mark.parametrize(("given", "no_fail"), [("true", "false"), ("false", "true"), ("FALSE", "true"),
                                                 ("no", "true"), ("on", "false")])
def test_fail_on_error_sets_the_inverted_no_fail(given: str, no_fail: str) -> None:
    assert settings_environment({"JIRA_DEVOPS_INPUT_FAIL_ON_ERROR": given})["JIRA_DEVOPS_NO_FAIL"] == no_fail


def test_an_empty_fail_on_error_leaves_no_fail_to_the_workflow() -> None:
    env = settings_environment({"JIRA_DEVOPS_INPUT_FAIL_ON_ERROR": "", "JIRA_DEVOPS_NO_FAIL": "true"})
    assert env["JIRA_DEVOPS_NO_FAIL"] == "true"


def test_a_fail_on_error_that_is_not_a_boolean_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="input fail-on-error: expected true or false, got 'maybe'"):
        settings_environment({"JIRA_DEVOPS_INPUT_FAIL_ON_ERROR": "maybe"})


def test_runner_debug_logging_turns_on_debug_unless_set() -> None:
    assert settings_environment({"RUNNER_DEBUG": "1"})["JIRA_DEVOPS_DEBUG"] == "true"
    explicit = settings_environment({"RUNNER_DEBUG": "1", "JIRA_DEVOPS_INPUT_DEBUG": "false"})
    assert explicit["JIRA_DEVOPS_DEBUG"] == "false"
    assert "JIRA_DEVOPS_DEBUG" not in settings_environment({})


@pytest.mark.parametrize(("command", "arguments"), [
    ("build", ["report-build", "--json"]), (" Deploy ", ["report-deploy", "--json"]),
    ("gate", ["gate-status", "--wait", "--json"]), ("keys", ["keys", "--json"]), ("check", ["check", "--json"]),
    ("report-deploy", ["report-deploy", "--json"]),
])
def test_command_words_map_to_cli_commands(command: str, arguments: list[str]) -> None:
    assert cli_arguments(command) == arguments


def test_an_unknown_command_names_the_choices() -> None:
    with pytest.raises(UsageError, match=r"'publish' is not a command.*build, deploy, gate, keys"):
        cli_arguments("publish")


def test_secrets_and_their_url_encoded_form_are_masked() -> None:
    masks = secrets_to_mask({"JIRA_CLIENT_SECRET": "a+b/c=d", "GITHUB_TOKEN": "ghs_x1", "JIRA_SITE": "acme"})
    assert masks == ["a+b/c=d", "a%2Bb%2Fc%3Dd", "ghs_x1"]


def test_cli_warnings_and_errors_become_annotations_that_cannot_inject_commands() -> None:
    assert log_line("warning: Jira does not know issue ZZZ-9\n") == \
        "::warning title=jira-devops::Jira does not know issue ZZZ-9"
    injected = log_line("error: bad %0A\n::add-mask::x\r\n")
    assert injected == "::error title=jira-devops::bad %250A%0A::add-mask::x"
    assert annotation("warning", "a\n::stop-commands::t") == "::warning title=jira-devops::a%0A::stop-commands::t"
    # The runner trims leading white space before looking for '::', so a space in front is not enough.
    assert log_line("::set-output name=x::y") == "> ::set-output name=x::y"
    assert log_line("  ::error::x") == ">   ::error::x"
    assert log_line("Jira says ##[add-mask]x") == "Jira says ## [add-mask]x"
    assert annotation("error", "a ##[add-mask]x \x1b[2J") == "::error title=jira-devops::a ## [add-mask]x "
    assert log_line("note: state from the CI's job status") == "note: state from the CI's job status"


def test_outputs_round_trip_through_the_output_file_including_multi_line_values(tmp_path: Path) -> None:
    path = tmp_path / "output"
    write_outputs(str(path), {"issue-keys": "ABC-1,ABC-2", "result-json": '{"a":\n1}', "gate-status": ""})
    assert read_outputs(path) == {"issue-keys": "ABC-1,ABC-2", "result-json": '{"a":\n1}', "gate-status": ""}


def test_step_outputs_count_and_list_what_jira_said() -> None:
    outputs = step_outputs(CliRun(1, BUILD_RESULT))
    assert outputs["issue-keys"] == "ABC-1,ZZZ-9"
    assert (outputs["accepted"], outputs["rejected"], outputs["exit-code"]) == ("1", "1", "1")
    assert outputs["unknown-issue-keys"] == "ZZZ-9"
    assert outputs["gate-status"] == ""
    assert json.loads(outputs["result-json"]) == BUILD_RESULT
    assert "\n" not in outputs["result-json"]


def test_step_outputs_of_a_failed_run_say_only_the_exit_code() -> None:
    assert step_outputs(CliRun(4)) == {"issue-keys": "", "accepted": "0", "rejected": "0",
                                       "unknown-issue-keys": "", "gate-status": "", "skipped": "", "exit-code": "4",
                                       "result-json": ""}


def test_reported_items_are_matched_with_jiras_answers() -> None:
    items = reported_items(BUILD_RESULT)
    assert [(item.name, item.outcome, item.reasons) for item in items] == [
        ("CI | main #7", "accepted", ()), ("CI #8", "rejected", ("No valid issues found for build",))]


def test_the_summary_is_a_table_with_links_and_escaped_text() -> None:
    text = summary_markdown("build", CliRun(1, BUILD_RESULT), "https://acme.atlassian.net")
    assert "| Item | State | Issue keys | Jira |" in text
    assert ("| [CI \\| main #7](https://github.com/acme/app/actions/runs/1) | successful | "
            "[ABC-1](https://acme.atlassian.net/browse/ABC-1) | ✅ accepted |") in text
    assert "| ZZZ-9 (unknown) |" in text
    assert "❌ rejected: No valid issues found for build" in text
    assert "Jira does not know: ZZZ-9" in text


def test_markdown_text_cannot_open_html_or_links() -> None:
    assert markdown_text("<img src=x>[a](b)") == "\\<img src=x\\>\\[a\\](b)"


def test_main_reports_a_bad_command_without_running_the_cli(tmp_path: Path) -> None:
    out = io.StringIO()
    output, summary = tmp_path / "out", tmp_path / "summary"
    code = main({"JIRA_DEVOPS_INPUT_COMMAND": "publish", "GITHUB_OUTPUT": str(output),
                 "GITHUB_STEP_SUMMARY": str(summary), "JIRA_DEVOPS_INPUT_CLIENT_SECRET": "hush-hush-1234"}, out)
    assert code == 2
    assert out.getvalue().splitlines() == [
        "::add-mask::hush-hush-1234",
        "::error title=jira-devops::input command: 'publish' is not a command "
        "(use one of build, deploy, gate, keys, check, dev, flag)",
    ]
    assert read_outputs(output)["exit-code"] == "2"
    assert "is not a command" in summary.read_text(encoding="utf-8")



def test_the_summary_links_the_gate_change_requests() -> None:
    result = {"gateStatus": "awaiting", "gateDetails": [
        {"type": "issue", "issueKey": "CHG-4", "issueLink": "https://acme.atlassian.net/browse/CHG-4"}]}
    text = summary_markdown("deploy", CliRun(6, result), None)
    assert "Gate: **awaiting**" in text
    assert "Change requests: [CHG-4](https://acme.atlassian.net/browse/CHG-4)" in text
    assert "Exit code 6." in text


def test_secrets_are_masked_before_any_input_is_checked(tmp_path: Path) -> None:
    out = io.StringIO()
    code = main({"JIRA_DEVOPS_INPUT_COMMAND": "build", "JIRA_DEVOPS_INPUT_FAIL_ON_ERROR": "perhaps",
                 "JIRA_DEVOPS_INPUT_CLIENT_SECRET": "input-secret-1", "JIRA_CLIENT_SECRET": "env-secret-22"}, out)
    lines = out.getvalue().splitlines()
    assert code == 2
    assert lines[:2] == ["::add-mask::input-secret-1", "::add-mask::env-secret-22"]
    assert lines[2].startswith("::error title=jira-devops::input fail-on-error:")
