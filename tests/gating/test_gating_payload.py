"""A gated deployment's payload: pending unless told otherwise, the gating command and the service."""

from __future__ import annotations

import pytest

from jira_devops.ci.context import CiContext
from jira_devops.errors import UsageError
from jira_devops.jira.payloads import GitFacts, deployment_item
from jira_devops.settings import Settings

CI = CiContext(provider="jenkins", pipeline_id="acme/api", run_number=42, run_url="https://ci.example.com/42",
               job_status="SUCCESS")


def _gated(**overrides: object) -> Settings:
    values: dict[str, object] = {"environment": "production", "gate": True, "service_id": ("svc-1",)}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def test_gated_deployment_is_pending_even_when_the_job_says_success() -> None:
    prepared = deployment_item(_gated(), CI, GitFacts(), ["ABC-1"])
    body = prepared.item.to_json_dict()
    assert body["state"] == "pending"
    assert "'SUCCESS' is not used" in prepared.notes[0]


def test_an_explicit_state_wins_over_pending() -> None:
    body = deployment_item(_gated(state="in_progress"), CI, GitFacts(), ["ABC-1"]).item.to_json_dict()
    assert body["state"] == "in_progress"


def test_auto_state_with_a_gate_is_pending() -> None:
    body = deployment_item(_gated(state="auto"), CI, GitFacts(), ["ABC-1"]).item.to_json_dict()
    assert body["state"] == "pending"


def test_gated_deployment_asks_for_gating_and_names_the_services() -> None:
    body = deployment_item(_gated(service_id=("svc-1", "svc-2", "svc-1")), CI, GitFacts(),
                           ["ABC-1"]).item.to_json_dict()
    assert body["commands"] == [{"command": "initiate_deployment_gating"}]
    assert {"associationType": "serviceIdOrKeys", "values": ["svc-1", "svc-2"]} in body["associations"]
    assert {"associationType": "issueIdOrKeys", "values": ["ABC-1"]} in body["associations"]


def test_without_a_gate_the_job_status_decides_and_no_command_is_sent() -> None:
    body = deployment_item(_gated(gate=None), CI, GitFacts(), ["ABC-1"]).item.to_json_dict()
    assert body["state"] == "successful"
    assert "commands" not in body


def test_a_gate_needs_a_service() -> None:
    with pytest.raises(UsageError, match="--gate needs the service"):
        deployment_item(_gated(service_id=None), CI, GitFacts(), ["ABC-1"])
