"""action.yml run for real by the runner emulation: install, settings, outputs, summary and failures."""

from __future__ import annotations

import json
import socket

import pytest

from conftest import SECRET, RunnerFactory
from support.gha_runner import ActionRun

pytestmark = pytest.mark.wrappers

def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _secret_only_in_masks(run: ActionRun) -> None:
    assert SECRET in run.masks
    for line in run.raw_log:
        assert SECRET not in line or line == f"::add-mask::{SECRET}", line
    assert not any(SECRET in value for value in run.outputs.values())
    assert SECRET not in run.summary


def test_the_first_run_installs_the_tool_into_the_tool_cache(first_run: ActionRun) -> None:
    locate = first_run.step("locate")
    assert locate.outputs["found"] == "false"
    assert first_run.step("__step1").status == "not emulated"  # actions/cache, asked to restore the venv
    log = first_run.step("install").log
    assert log[0] == f"::group::Installing the dependencies of jira-devops into {locate.outputs['venv']}"
    assert any(line.startswith("installed with uv in ") for line in log), log
    assert first_run.outcome == "success", first_run.text()


def test_later_runs_reuse_the_installed_tool_and_skip_the_cache(make_runner: RunnerFactory,
                                                                first_run: ActionRun) -> None:
    run = make_runner().run({"command": "build", "dry-run": "true", "build-number": "2",
                               "url": "https://ci.example.com/2"})
    assert run.step("locate").outputs["found"] == "true"
    assert run.step("locate").outputs["venv"] == first_run.step("locate").outputs["venv"]
    assert run.step("__step1").status == "skipped"
    assert run.step("install").log == [f"jira-devops: using the installed tool in {run.step('locate').outputs['venv']}"]


def test_cache_false_skips_the_cache_step(make_runner: RunnerFactory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = make_runner()
    runner.tool_cache = tmp_path / "other-cache"
    runner.base_env["RUNNER_TOOL_CACHE"] = str(tmp_path / "other-cache")
    runner.runner["tool_cache"] = str(tmp_path / "other-cache")
    run = runner.run({"command": "bogus", "cache": "false", "python": "/nonexistent/python3"})
    assert run.step("__step1").status == "skipped"
    assert run.step("locate").status == "failure"
    assert run.annotations[0].message.startswith("no Python 3.9 or newer found (tried: /nonexistent/python3)")
    assert run.step("run").status == "skipped"
    assert run.outcome == "failure"


def test_a_dry_run_build_sets_outputs_and_a_summary_without_network(make_runner: RunnerFactory) -> None:
    runner = make_runner(messages=("OPS-7 fix the form",))
    run = runner.run(
        {"command": "build", "dry-run": "true", "build-number": "12", "url": "https://ci.example.com/12",
         "client-secret": SECRET})
    assert run.outcome == "success", run.text()
    assert set(run.outputs["issue-keys"].split(",")) == {"ABC-2", "OPS-7"}
    assert (run.outputs["accepted"], run.outputs["rejected"], run.outputs["exit-code"]) == ("0", "0", "0")
    result = json.loads(run.outputs["result-json"])
    build = result["bodies"][0]["builds"][0]
    assert result["dryRun"] is True
    assert build["buildNumber"] == 12
    assert "dry run: not sent" in run.summary
    assert "| Item | State | Issue keys | Jira |" in run.summary
    _secret_only_in_masks(run)
    token = runner.github["token"]
    assert token in run.masks
    assert all(token not in line for line in run.raw_log if not line.startswith("::add-mask::"))


def test_github_context_fills_the_build_and_job_status_its_state(make_runner: RunnerFactory) -> None:
    run = make_runner(job_status="failure", run_number=41, run_id=99).run({"command": "build", "dry-run": "true"})
    assert run.outcome == "success", run.text()
    build = json.loads(run.outputs["result-json"])["bodies"][0]["builds"][0]
    assert build["buildNumber"] == 41
    assert build["state"] == "failed"
    assert build["pipelineId"] == "acme/app/.github/workflows/ci.yml"
    assert build["url"] == "https://github.com/acme/app/actions/runs/99"


def test_workflow_env_applies_when_the_input_is_empty_and_the_input_wins_when_given(
        make_runner: RunnerFactory) -> None:
    runner = make_runner(job_env={"JIRA_DEVOPS_LABEL": "from-env"})
    inputs = {"command": "deploy", "dry-run": "true", "deployment-number": "3", "environment": "Staging EU",
              "url": "https://ci.example.com/3"}
    from_env = json.loads(runner.run(inputs).outputs["result-json"])["bodies"][0]["deployments"][0]
    from_input = json.loads(runner.run({**inputs, "label": "1.4.2"}).outputs["result-json"])
    assert from_env["label"] == "from-env"
    assert from_env["environment"] == {"id": "staging-eu", "displayName": "Staging EU", "type": "staging"}
    assert from_input["bodies"][0]["deployments"][0]["label"] == "1.4.2"


def test_unreachable_jira_fails_the_step_with_exit_4(make_runner: RunnerFactory) -> None:
    run = make_runner().run({"command": "build", "build-number": "5", "url": "https://ci.example.com/5",
                             "client-id": "ci-client", "client-secret": SECRET, "api-url": f"http://127.0.0.1:{_closed_port()}",
                             "timeout": "2"})
    assert run.outcome == "failure"
    assert run.step("run").exit_code == 4
    assert run.outputs["exit-code"] == "4"
    assert [a.level for a in run.annotations if a.level == "error"] == ["error"]
    assert "Error:" in run.summary
    assert "⚠️ kept in the outbox" in run.summary
    _secret_only_in_masks(run)


def test_fail_on_error_false_keeps_the_step_green_when_jira_is_unreachable(make_runner: RunnerFactory) -> None:
    run = make_runner().run({"command": "build", "build-number": "5", "url": "https://ci.example.com/5",
                             "client-id": "ci-client", "client-secret": SECRET, "api-url": f"http://127.0.0.1:{_closed_port()}",
                             "timeout": "2", "fail-on-error": "false"})
    assert run.outcome == "success", run.text()
    assert run.outputs["exit-code"] == "0"
    assert any("exiting 0 instead of 4" in a.message for a in run.annotations if a.level == "warning")
    _secret_only_in_masks(run)


def test_a_fail_on_error_that_is_not_a_boolean_fails_with_a_usage_error(make_runner: RunnerFactory) -> None:
    run = make_runner().run({"command": "build", "fail-on-error": "sometimes"})
    assert run.outcome == "failure"
    assert run.outputs["exit-code"] == "2"
    assert [a.message for a in run.annotations] == [
        "input fail-on-error: expected true or false, got 'sometimes'"]


def test_a_deploy_without_environment_says_which_input_is_missing(make_runner: RunnerFactory) -> None:
    run = make_runner().run({"command": "deploy", "deployment-number": "1", "dry-run": "true"})
    assert run.step("run").exit_code == 2
    assert any("no environment given" in a.message for a in run.annotations if a.level == "error")


def test_an_unexpected_input_is_reported_like_the_runner_does(make_runner: RunnerFactory) -> None:
    run = make_runner().run({"command": "keys", "dry-run": "true", "fail_on_error": "false"})
    assert run.warnings == ["Unexpected input(s) 'fail_on_error'"]


def test_the_keys_command_needs_no_credentials_and_outputs_the_keys(make_runner: RunnerFactory) -> None:
    run = make_runner(messages=("OPS-7 fix the form",)).run({"command": "keys"})
    assert run.outcome == "success", run.text()
    assert set(run.outputs["issue-keys"].split(",")) == {"ABC-2", "OPS-7"}
    assert json.loads(run.outputs["result-json"])["issueKeys"] == run.outputs["issue-keys"].split(",")
    assert "Issue keys: ABC-2" in run.summary or "Issue keys: OPS-7" in run.summary


def test_a_pull_request_event_adds_the_keys_of_its_title(make_runner: RunnerFactory) -> None:
    runner = make_runner(branch="feature/ABC-2-login", messages=("OPS-7 fix the form",))
    head = runner.github["sha"]
    runner.github.update(event_name="pull_request")
    runner.base_env.update(GITHUB_EVENT_NAME="pull_request", GITHUB_REF="refs/pull/5/merge",
                           GITHUB_HEAD_REF="feature/ABC-2-login")
    event = {"pull_request": {"number": 5, "title": "DEMO-5 new login page", "head": {"sha": head}}}
    with open(runner.base_env["GITHUB_EVENT_PATH"], "w", encoding="utf-8") as file:
        json.dump(event, file)
    run = runner.run({"command": "build", "dry-run": "true"})
    assert run.outcome == "success", run.text()
    result = json.loads(run.outputs["result-json"])
    assert {"ABC-2", "OPS-7", "DEMO-5"} <= set(result["issueKeys"])
    assert result["bodies"][0]["builds"][0]["references"][0]["commit"]["id"] == head
