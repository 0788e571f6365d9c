"""Deployment gates: a gated deployment with a service association gets a gate whose decision tests set."""

from __future__ import annotations

import pytest

from support.emulator import EmulatorError
from support.emulator_api import EmulatorApi, deployment_item

GATED = {"services": ("svc-1",), "gated": True}


def _status(api: EmulatorApi, environment: str = "production", number: int = 1) -> tuple[int, dict]:
    response = api.call("GET", "deployments",
                        api.deployment_path("acme/app", environment, number) + "/gating-status")
    return response.status_code, response.json()


def test_gated_deployment_is_allowed_by_default_with_the_documented_shape(api: EmulatorApi) -> None:
    api.submit("deployments", deployment_item(1, keys=("OPS-7",), state="pending", **GATED))
    status, body = _status(api)
    assert status == 200
    assert set(body) == {"deploymentSequenceNumber", "pipelineId", "environmentId", "gatingStatus",
                         "updatedTimestamp", "details"}
    assert body["gatingStatus"] == "allowed"
    assert (body["pipelineId"], body["environmentId"], body["deploymentSequenceNumber"]) == \
        ("acme/app", "production", 1)
    (detail,) = body["details"]
    assert detail["type"] == "issue"
    assert detail["issueKey"] == "OPS-7"
    assert detail["issueLink"].startswith("https://")


def test_deployment_without_the_gating_command_has_no_gate(api: EmulatorApi) -> None:
    api.submit("deployments", deployment_item(1, services=("svc-1",)))
    assert _status(api)[0] == 404


def test_gating_command_without_a_service_gives_no_gate(api: EmulatorApi) -> None:
    api.submit("deployments", deployment_item(1, gated=True))
    assert _status(api)[0] == 404


def test_awaiting_polls_come_before_the_decision(api: EmulatorApi) -> None:
    api.emulator.gate("prevented", awaiting_polls=2)
    api.submit("deployments", deployment_item(1, **GATED))
    decisions = [_status(api)[1]["gatingStatus"] for _ in range(4)]
    assert decisions == ["awaiting", "awaiting", "prevented", "prevented"]


def test_decision_set_later_changes_an_existing_gate(api: EmulatorApi) -> None:
    api.emulator.gate("awaiting")
    api.submit("deployments", deployment_item(1, **GATED))
    assert _status(api)[1]["gatingStatus"] == "awaiting"
    api.emulator.gate("allowed")
    assert _status(api)[1]["gatingStatus"] == "allowed"


def test_rule_for_one_environment_leaves_others_alone(api: EmulatorApi) -> None:
    api.emulator.gate("prevented", environment_id="production")
    api.submit("deployments", deployment_item(1, environment="production", **GATED))
    api.submit("deployments", deployment_item(1, environment="staging", **GATED))
    assert _status(api, "production")[1]["gatingStatus"] == "prevented"
    assert _status(api, "staging")[1]["gatingStatus"] == "allowed"


def test_invalid_decision_is_refused(api: EmulatorApi) -> None:
    with pytest.raises(EmulatorError, match="HTTP 400"):
        api.emulator.gate("maybe")


def test_reset_forgets_gate_rules(api: EmulatorApi) -> None:
    api.emulator.gate("prevented")
    api.emulator.reset()
    api.token = api.new_token()
    api.submit("deployments", deployment_item(1, **GATED))
    assert _status(api)[1]["gatingStatus"] == "allowed"


def test_unknown_polls_answer_404_before_the_gate_appears(api: EmulatorApi) -> None:
    api.emulator.gate("allowed", unknown_polls=2, awaiting_polls=1)
    api.submit("deployments", deployment_item(1, **GATED))
    answers = [_status(api) for _ in range(4)]
    assert [status for status, _ in answers] == [404, 404, 200, 200]
    assert [body["gatingStatus"] for status, body in answers if status == 200] == ["awaiting", "allowed"]


def test_an_update_of_a_gated_deployment_keeps_its_gate(api: EmulatorApi) -> None:
    api.emulator.gate("allowed", awaiting_polls=1)
    api.submit("deployments", deployment_item(1, usn=1, state="pending", **GATED))
    assert _status(api)[1]["gatingStatus"] == "awaiting"
    api.submit("deployments", deployment_item(1, usn=2, state="successful"))
    assert _status(api)[1]["gatingStatus"] == "allowed"
