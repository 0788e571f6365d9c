"""Gated deployments end to end: the real CLI against the emulator over loopback."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from support.cli import run_cli, start_cli
from support.emulator import RunningEmulator

pytestmark = pytest.mark.e2e

PIPELINE = "acme/api"
DEPLOY = ("--ci", "generic", "--pipeline-id", PIPELINE, "--environment", "production",
          "--url", "https://ci.example.com/run", "-k", "ABC-1")
GATED = ("report-deploy", *DEPLOY, "--gate", "--service-id", "svc-payments", "--gate-poll", "50ms",
         "--gate-timeout", "20s")


def _gate_polls(emulator: RunningEmulator) -> list[dict[str, Any]]:
    return [r for r in emulator.requests() if r["path"].endswith("/gating-status")]


def test_allowed_gate_exits_0_after_a_pending_gated_submission(emulator: RunningEmulator,
                                                                tmp_path: Path) -> None:
    emulator.gate("allowed")
    done = run_cli(*GATED, "--deployment-number", "1", env=emulator.env(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    sent = next(r for r in emulator.requests() if r["path"].endswith("/bulk"))["body"]["deployments"][0]
    assert sent["state"] == "pending"
    assert sent["commands"] == [{"command": "initiate_deployment_gating"}]
    assert {"associationType": "serviceIdOrKeys", "values": ["svc-payments"]} in sent["associations"]
    assert "gate: allowed" in done.stdout


def test_prevented_gate_exits_5(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.gate("prevented")
    done = run_cli(*GATED, "--deployment-number", "2", "--no-fail", env=emulator.env(tmp_path), cwd=tmp_path)
    assert done.returncode == 5
    assert "error: the gate prevented deployment acme/api #2 to production" in done.stderr


def test_awaiting_then_allowed_polls_and_names_the_change_request_once(emulator: RunningEmulator,
                                                                      tmp_path: Path) -> None:
    emulator.gate("allowed", awaiting_polls=3)
    done = run_cli(*GATED, "--deployment-number", "3", env=emulator.env(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(_gate_polls(emulator)) == 4
    assert done.stderr.count("gate: change request ABC-1") == 1
    assert "gate: awaiting after" in done.stderr
    assert "gate: allowed after" in done.stderr


def test_not_known_at_first_then_known(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.gate("allowed", unknown_polls=2, awaiting_polls=1)
    done = run_cli(*GATED, "--deployment-number", "4", env=emulator.env(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [r["status"] for r in _gate_polls(emulator)] == [404, 404, 200, 200]
    assert "gate: awaiting after" in done.stderr


def test_invalid_gate_exits_5_with_a_reason(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.gate("invalid")
    done = run_cli(*GATED, "--deployment-number", "5", env=emulator.env(tmp_path), cwd=tmp_path)
    assert done.returncode == 5
    assert "error: the gate of deployment acme/api #5 to production is invalid: " in done.stderr
    assert "service" in done.stderr.split("is invalid: ")[1]


def test_no_decision_in_time_exits_6(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.gate("awaiting")
    done = run_cli("report-deploy", *DEPLOY, "--deployment-number", "6", "--gate", "--service-id", "svc",
                   "--gate-poll", "100ms", "--gate-timeout", "700ms", env=emulator.env(tmp_path), cwd=tmp_path)
    assert done.returncode == 6
    assert "no gate decision for deployment acme/api #6 to production after" in done.stderr
    assert "jira-devops gate-status --pipeline-id acme/api --environment-id production --deployment-number 6" \
        in done.stderr


def test_ctrl_c_stops_waiting_cleanly(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.gate("awaiting")
    process = start_cli("report-deploy", *DEPLOY, "--deployment-number", "7", "--gate", "--service-id", "svc",
                        "--gate-poll", "100ms", env=emulator.env(tmp_path), cwd=tmp_path)
    assert process.stderr is not None
    seen = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        seen.append(line)
        if line.startswith("gate: awaiting after"):
            break
    process.send_signal(signal.SIGINT)
    _out, rest = process.communicate(timeout=30)
    stderr = "".join(seen) + rest
    assert process.returncode == 130, stderr
    assert "gate: stopped waiting after" in stderr
    assert "stays pending in Jira" in stderr
    assert "Traceback" not in stderr


def test_follow_up_report_updates_the_gated_deployment(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.gate("allowed")
    env = emulator.env(tmp_path)
    assert run_cli(*GATED, "--deployment-number", "8", env=env, cwd=tmp_path).returncode == 0
    first = json.loads(run_cli("get-deploy", "--pipeline-id", PIPELINE, "--environment-id", "production",
                               "--deployment-number", "8", env=env, cwd=tmp_path).stdout)
    done = run_cli("report-deploy", *DEPLOY, "--deployment-number", "8", "--state", "successful", env=env,
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    after = json.loads(run_cli("get-deploy", "--pipeline-id", PIPELINE, "--environment-id", "production",
                               "--deployment-number", "8", env=env, cwd=tmp_path).stdout)
    assert (first["state"], after["state"]) == ("pending", "successful")
    assert after["updateSequenceNumber"] > first["updateSequenceNumber"]


def test_gate_status_checks_and_waits_on_an_existing_gate(emulator: RunningEmulator, tmp_path: Path) -> None:
    env = emulator.env(tmp_path)
    emulator.gate("awaiting")
    looked = run_cli(*GATED[:-2], "--gate-timeout", "0", "--deployment-number", "9", "--json", env=env,
                     cwd=tmp_path)
    assert looked.returncode == 6, looked.stderr
    assert json.loads(looked.stdout)["gateStatus"] == "awaiting"  # what Jira said at the one look
    where = ("--pipeline-id", PIPELINE, "--environment-id", "production", "--deployment-number", "9")
    checked = run_cli("gate-status", *where, env=env, cwd=tmp_path)
    assert checked.returncode == 6
    assert checked.stdout.startswith("gate: awaiting")
    emulator.gate("allowed", awaiting_polls=2)
    waited = run_cli("gate-status", *where, "--wait", "--gate-poll", "50ms", "--json", env=env, cwd=tmp_path)
    assert waited.returncode == 0, waited.stderr
    assert json.loads(waited.stdout)["gateStatus"] == "allowed"


def test_gate_status_of_an_unknown_deployment(emulator: RunningEmulator, tmp_path: Path) -> None:
    done = run_cli("gate-status", "--pipeline-id", PIPELINE, "--environment-id", "production",
                   "--deployment-number", "404", env=emulator.env(tmp_path), cwd=tmp_path)
    assert done.returncode == 1
    assert "Jira knows no gate for deployment acme/api #404 to production" in done.stderr


def test_a_token_that_stops_working_mid_wait_is_renewed(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.gate("awaiting")
    process = start_cli(*GATED, "--deployment-number", "10", env=emulator.env(tmp_path), cwd=tmp_path)
    assert process.stderr is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not process.stderr.readline().startswith("gate: awaiting after"):
        pass
    emulator.revoke_tokens()
    emulator.gate("allowed")
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert emulator.state()["tokens_issued"] == 2
    assert any(r["status"] == 401 for r in _gate_polls(emulator))


def test_undeliverable_gated_deployment_exits_4_and_is_not_kept(emulator: RunningEmulator, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    env = {**emulator.env(tmp_path), "JIRA_DEVOPS_OUTBOX": str(outbox)}
    emulator.gate("allowed")
    emulator.fault("/jira/deployments/0.1/cloud/", 503, count=50)
    done = run_cli(*GATED, "--deployment-number", "7", "--timeout", "2", env=env, cwd=tmp_path)
    assert done.returncode == 4, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, done.stderr
    assert "the gated deployment was not reported and is not kept in the outbox" in errors[0]
    assert "do not deploy" in errors[0]
    assert "Traceback" not in done.stderr
    assert not list(outbox.glob("*.json")), "a gated deployment must never wait in the outbox"
    assert not _gate_polls(emulator)
    emulator.reset()
    flushed = run_cli("flush", env=env, cwd=tmp_path)
    assert flushed.returncode == 0, flushed.stderr
    assert emulator.state()["deployments"] == [], "a later flush must not open a gate nobody waits for"
