"""The commands in-process against a mocked Jira: exit codes, what is printed, what --no-fail may soften."""

from __future__ import annotations

import json
from typing import Any, Callable

import httpx
import respx

from support.gate_fakes import API, CLOUD_ID, GATE_URL, gate_body

DEPLOY_BULK = f"{API}/jira/deployments/0.1/cloud/{CLOUD_ID}/bulk"
ACCEPTED = {"acceptedDeployments": [{"pipelineId": "acme/api", "environmentId": "production",
                                     "deploymentSequenceNumber": 42}],
            "rejectedDeployments": [], "unknownIssueKeys": []}
REPORT = ("report-deploy", "--ci", "generic", "--pipeline-id", "acme/api", "--environment", "production",
          "--deployment-number", "42", "--url", "https://ci.example.com/42", "-k", "ABC-1")
GATED = (*REPORT, "--gate", "--service-id", "svc-1", "--gate-poll", "10ms", "--gate-timeout", "2s")
Run = Callable[..., Any]


def _gate(jira: respx.MockRouter, *statuses: str) -> respx.Route:
    return jira.get(GATE_URL).mock(side_effect=[httpx.Response(200, json=gate_body(s)) for s in statuses])


def test_gated_report_waits_and_exits_0_when_allowed(jira: respx.MockRouter, run_main: Run) -> None:
    bulk = jira.post(DEPLOY_BULK).mock(return_value=httpx.Response(202, json=ACCEPTED))
    _gate(jira, "awaiting", "awaiting", "allowed")
    done = run_main(*GATED)
    assert done.code == 0, done.err
    sent = json.loads(bulk.calls[0].request.content)["deployments"][0]
    assert sent["state"] == "pending"
    assert sent["commands"] == [{"command": "initiate_deployment_gating"}]
    assert "accepted: deployment acme/api #42 to production" in done.out
    assert "gate: allowed (change request OPS-7: https://" in done.out
    assert done.err.count("gate: change request OPS-7") == 1


def test_gated_report_exits_5_when_prevented_even_with_no_fail(jira: respx.MockRouter, run_main: Run) -> None:
    jira.post(DEPLOY_BULK).mock(return_value=httpx.Response(202, json=ACCEPTED))
    _gate(jira, "awaiting", "prevented")
    done = run_main(*GATED, "--no-fail")
    assert done.code == 5
    assert "gate: prevented" in done.out
    assert "error: the gate prevented deployment acme/api #42 to production" in done.err


def test_gated_report_exits_6_on_timeout(jira: respx.MockRouter, run_main: Run) -> None:
    jira.post(DEPLOY_BULK).mock(return_value=httpx.Response(202, json=ACCEPTED))
    jira.get(GATE_URL).mock(return_value=httpx.Response(200, json=gate_body("awaiting")))
    done = run_main(*REPORT, "--gate", "--service-id", "svc-1", "--gate-poll", "50ms", "--gate-timeout", "200ms",
                    "--json")
    assert done.code == 6
    result = json.loads(done.out)
    assert result["gateStatus"] == "timeout"
    assert "no gate decision for deployment acme/api #42 to production" in result["gateMessage"]


def test_no_fail_does_not_soften_a_rejected_gated_deployment(jira: respx.MockRouter, run_main: Run) -> None:
    rejected = {"acceptedDeployments": [], "unknownIssueKeys": ["ABC-1"], "rejectedDeployments": [
        {"key": ACCEPTED["acceptedDeployments"][0], "errors": [{"message": "No valid issues found"}]}]}
    jira.post(DEPLOY_BULK).mock(return_value=httpx.Response(202, json=rejected))
    gate = jira.get(GATE_URL)
    done = run_main(*GATED, "--no-fail")
    assert done.code == 1
    assert "--no-fail does not apply with --gate" in done.err
    assert gate.call_count == 0, "no gate to wait for when Jira did not take the deployment"


def test_no_fail_still_softens_an_ungated_rejection(jira: respx.MockRouter, run_main: Run) -> None:
    rejected = {"acceptedDeployments": [], "rejectedDeployments": [
        {"key": ACCEPTED["acceptedDeployments"][0], "errors": [{"message": "No valid issues found"}]}]}
    jira.post(DEPLOY_BULK).mock(return_value=httpx.Response(202, json=rejected))
    assert run_main(*REPORT, "--no-fail").code == 0


def test_no_fail_does_not_soften_an_unreachable_jira_with_a_gate(jira: respx.MockRouter, run_main: Run) -> None:
    jira.post(DEPLOY_BULK).mock(side_effect=httpx.ConnectError("refused"))
    done = run_main(*GATED, "--no-fail", "--timeout", "0.3")
    assert done.code == 4
    assert "error:" in done.err


def test_unknown_service_is_the_reason_of_an_invalid_gate(jira: respx.MockRouter, run_main: Run) -> None:
    answer = {**ACCEPTED, "unknownAssociations": [{"associationType": "serviceIdOrKeys", "values": ["svc-1"]}]}
    jira.post(DEPLOY_BULK).mock(return_value=httpx.Response(202, json=answer))
    _gate(jira, "invalid")
    done = run_main(*GATED)
    assert done.code == 5
    assert "warning: Jira does not know serviceIdOrKeys svc-1" in done.err
    assert "is invalid: Jira does not know the service svc-1 (check --service-id)" in done.err


def test_gate_status_without_wait_says_not_decided(jira: respx.MockRouter, run_main: Run) -> None:
    route = _gate(jira, "awaiting")
    done = run_main("gate-status", "--ci", "generic", "--pipeline-id", "acme/api", "--environment-id",
                    "production", "--deployment-number", "42")
    assert done.code == 6
    assert done.out.splitlines()[0] == "gate: awaiting"
    assert "OPS-7" in done.out
    assert route.call_count == 1


def test_gate_status_wait_polls_until_allowed(jira: respx.MockRouter, run_main: Run) -> None:
    route = _gate(jira, "awaiting", "awaiting", "allowed")
    done = run_main("gate-status", "--ci", "generic", "--pipeline-id", "acme/api", "--environment",
                    "Production", "--deployment-number", "42", "--wait", "--gate-poll", "10ms", "--json")
    assert done.code == 0, done.err
    assert json.loads(done.out)["gateStatus"] == "allowed"
    assert route.call_count == 3


def test_gate_status_needs_an_environment(run_main: Run) -> None:
    done = run_main("gate-status", "--ci", "generic", "--pipeline-id", "acme/api", "--deployment-number", "1")
    assert done.code == 2
    assert done.err.strip() == "error: no environment given (pass --environment-id ID or --environment NAME)"


def test_gate_poll_of_zero_is_refused(run_main: Run) -> None:
    done = run_main("gate-status", "--ci", "generic", "--pipeline-id", "p", "--environment-id", "e",
                    "--deployment-number", "1", "--gate-poll", "0")
    assert done.code == 2
    assert "--gate-poll must be more than 0" in done.err


def test_unreachable_gated_deployment_is_not_kept_in_the_outbox(jira: respx.MockRouter, run_main: Run,
                                                                 tmp_path: Any) -> None:
    jira.post(DEPLOY_BULK).mock(side_effect=httpx.ConnectError("refused"))
    gate = jira.get(GATE_URL)
    done = run_main(*GATED, "--timeout", "0.3", "--outbox", str(tmp_path / "box"), "--json")
    assert done.code == 4
    assert json.loads(done.out)["outboxed"] == 0
    assert not list((tmp_path / "box").glob("*.json"))
    assert gate.call_count == 0
    assert "no gate to wait for" not in done.err


def test_unreachable_ungated_deployment_is_still_kept(jira: respx.MockRouter, run_main: Run, tmp_path: Any) -> None:
    jira.post(DEPLOY_BULK).mock(side_effect=httpx.ConnectError("refused"))
    done = run_main(*REPORT, "--timeout", "0.3", "--outbox", str(tmp_path / "box"), "--json")
    assert done.code == 4
    assert json.loads(done.out)["outboxed"] == 1
    assert len(list((tmp_path / "box").glob("*.json"))) == 1
