"""action.yml run by the runner emulation against the emulator over loopback: what Jira received and said."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import RunnerFactory
from support.emulator import RunningEmulator
from support.gha_runner import ActionRun

pytestmark = pytest.mark.wrappers


def _inputs(emulator: RunningEmulator, **extra: str) -> dict[str, str]:
    """Connection inputs pointing at the emulator, with the secret as the input (not the file)."""
    return {"api-url": emulator.url, "client-id": emulator.client_id, "client-secret": _secret(emulator),
            "timeout": "10", **extra}


def _secret(emulator: RunningEmulator) -> str:
    return emulator.secret_file.read_text(encoding="utf-8").strip()


def _assert_secret_kept(run: ActionRun, emulator: RunningEmulator) -> None:
    secret = _secret(emulator)
    assert secret in run.masks
    for line in run.raw_log:
        assert secret not in line or line == f"::add-mask::{secret}", line
    assert not any(secret in value for value in run.outputs.values())
    assert secret not in run.summary
    for request in emulator.requests():
        if not request["path"].endswith("/token"):
            assert secret not in json.dumps(request)


def _submissions(emulator: RunningEmulator, kind: str) -> list[dict[str, Any]]:
    return [request for request in emulator.requests()
            if request["method"] == "POST" and request["path"].startswith(f"/jira/{kind}/0.1/cloud/")
            and request["path"].endswith("/bulk")]


def test_a_build_is_reported_and_its_outputs_and_summary_say_so(make_runner: RunnerFactory,
                                                                emulator: RunningEmulator) -> None:
    run = make_runner(messages=("ABC-1 add the login form",)).run(
        _inputs(emulator, command="build", **{"build-number": "42", "url": "https://ci.example.com/42",
                                              "state": "success"}))
    assert run.outcome == "success", run.text()
    builds = emulator.state()["builds"]
    assert len(builds) == 1
    stored = json.dumps(builds[0])
    assert '"ABC-1"' in stored and '"ABC-2"' in stored
    [submission] = _submissions(emulator, "builds")
    assert submission["authorized"] is True
    assert submission["body"]["builds"][0]["buildNumber"] == 42
    assert (run.outputs["accepted"], run.outputs["rejected"], run.outputs["exit-code"]) == ("1", "0", "0")
    assert set(run.outputs["issue-keys"].split(",")) == {"ABC-1", "ABC-2"}
    assert json.loads(run.outputs["result-json"])["accepted"][0]["buildNumber"] == 42
    assert "| [" in run.summary and "https://ci.example.com/42" in run.summary
    assert "✅ accepted" in run.summary
    _assert_secret_kept(run, emulator)


def test_a_deployment_reaches_its_environment(make_runner: RunnerFactory, emulator: RunningEmulator) -> None:
    run = make_runner(messages=("OPS-7 rotate the keys",)).run(
        _inputs(emulator, command="deploy", environment="Production",
                **{"deployment-number": "9", "url": "https://ci.example.com/9", "label": "1.4.2"}))
    assert run.outcome == "success", run.text()
    [submission] = _submissions(emulator, "deployments")
    deployment = submission["body"]["deployments"][0]
    assert deployment["environment"] == {"id": "production", "displayName": "Production", "type": "production"}
    assert deployment["label"] == "1.4.2"
    assert run.outputs["accepted"] == "1"
    assert "| Item | Environment | State | Issue keys | Jira |" in run.summary
    _assert_secret_kept(run, emulator)


def test_unknown_keys_are_annotated_and_a_rejected_item_fails_the_step(make_runner: RunnerFactory,
                                                                       emulator: RunningEmulator) -> None:
    run = make_runner(branch="main", messages=("ZZZ-9 not a project of this site",)).run(
        _inputs(emulator, command="build", **{"build-number": "3", "url": "https://ci.example.com/3"}))
    assert run.outcome == "failure"
    assert run.outputs["exit-code"] == "1"
    assert run.outputs["rejected"] == "1"
    assert run.outputs["unknown-issue-keys"] == "ZZZ-9"
    warnings = [a.message for a in run.annotations if a.level == "warning"]
    assert any("ZZZ-9" in message and "does not know" in message for message in warnings)
    assert any(message.startswith("Jira rejected ") for message in warnings)
    assert "❌ rejected" in run.summary


def test_fail_on_error_false_keeps_a_rejection_green_but_says_it(make_runner: RunnerFactory,
                                                                 emulator: RunningEmulator) -> None:
    run = make_runner(branch="main", messages=("ZZZ-9 not a project of this site",)).run(
        _inputs(emulator, command="build", **{"build-number": "3", "url": "https://ci.example.com/3",
                                              "fail-on-error": "false"}))
    assert run.outcome == "success", run.text()
    assert (run.outputs["rejected"], run.outputs["exit-code"]) == ("1", "0")


def test_wrong_credentials_fail_with_the_auth_exit_code(make_runner: RunnerFactory,
                                                        emulator: RunningEmulator) -> None:
    run = make_runner().run(_inputs(emulator, command="build", **{
        "client-secret": "not-the-right-secret-value", "build-number": "1", "url": "https://ci.example.com/1"}))
    assert run.outcome == "failure"
    assert run.outputs["exit-code"] == "3"
    assert not _submissions(emulator, "builds")
    assert "not-the-right-secret-value" not in "\n".join(line for line in run.raw_log
                                                         if not line.startswith("::add-mask::"))


def test_the_token_is_reused_by_a_second_report_in_the_same_job(make_runner: RunnerFactory,
                                                                 emulator: RunningEmulator) -> None:
    runner = make_runner()
    inputs = _inputs(emulator, command="build", **{"build-number": "1", "url": "https://ci.example.com/1"})
    assert runner.run(inputs).outcome == "success"
    assert runner.run({**inputs, "state": "failure"}).outcome == "success"
    assert emulator.state()["tokens_issued"] == 1
    assert len(_submissions(emulator, "builds")) == 2


def test_a_gated_deploy_waits_for_the_gate_and_outputs_its_decision(make_runner: RunnerFactory,
                                                                    emulator: RunningEmulator) -> None:
    emulator.gate("allowed", awaiting_polls=1)
    run = make_runner(messages=("OPS-7 rotate the keys",)).run(
        _inputs(emulator, command="deploy", environment="production", gate="true",
                **{"service-ids": "svc-1", "gate-poll": "0.1s", "gate-timeout": "30s",
                   "deployment-number": "5", "url": "https://ci.example.com/5"}))
    assert run.outcome == "success", run.text()
    assert run.outputs["gate-status"] == "allowed"
    assert "Gate: **allowed**" in run.summary


def test_a_prevented_gate_fails_the_step_even_without_fail_on_error(make_runner: RunnerFactory,
                                                                    emulator: RunningEmulator) -> None:
    emulator.gate("prevented")
    runner = make_runner(messages=("OPS-7 rotate the keys",))
    deploy = {"environment": "production", "service-ids": "svc-1", "gate-poll": "0.1s", "gate-timeout": "30s",
              "deployment-number": "6", "url": "https://ci.example.com/6", "fail-on-error": "false"}
    run = runner.run(_inputs(emulator, command="deploy", gate="true", **deploy))
    assert run.outcome == "failure"
    assert (run.outputs["gate-status"], run.outputs["exit-code"]) == ("prevented", "5")
    assert any(a.level == "error" for a in run.annotations)

    check = runner.run(_inputs(emulator, command="gate", **deploy))
    assert (check.outputs["gate-status"], check.outputs["exit-code"]) == ("prevented", "5")
    _assert_secret_kept(check, emulator)
