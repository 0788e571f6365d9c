"""The emulator answers the requests behind Atlassian's own plugin fixtures with the same bodies."""

from __future__ import annotations

from support.emulator_api import EmulatorApi, build_item, deployment_item
from support.reference import jira_answer


def test_accepted_build_matches_the_plugin_fixture(api: EmulatorApi) -> None:
    expected = jira_answer("accepted_builds")
    response = api.submit("builds", build_item(35, pipeline="Test Pipeline Build", keys=("ABC-35",)))
    assert response.status_code == 202
    assert response.json() == expected


def test_build_without_url_matches_the_plugin_fixture(api: EmulatorApi) -> None:
    expected = jira_answer("rejected_builds_invalid_url")
    item = build_item(36, pipeline="Test Pipeline Build")
    del item["url"]
    assert api.submit("builds", item).json() == expected


def test_build_with_unknown_keys_matches_the_plugin_fixture(api: EmulatorApi) -> None:
    expected = jira_answer("rejected_builds_unknown_issue_keys")
    item = build_item(36, pipeline="Test Pipeline Build", keys=("TEST-110",))
    assert api.submit("builds", item).json() == expected


def test_unauthorized_matches_the_plugin_fixture(api: EmulatorApi) -> None:
    expected = jira_answer("unauthorized_response")
    response = api.call("POST", "builds", "/bulk", json={"builds": [build_item()]}, token="expired")
    assert response.status_code == 401
    assert response.json() == expected


def test_gate_status_has_the_plugin_fixtures_shape(api: EmulatorApi) -> None:
    expected = jira_answer("gate_check_success")
    api.emulator.gate("awaiting")
    api.submit("deployments", deployment_item(expected["deploymentSequenceNumber"],
                                              pipeline=expected["pipelineId"],
                                              environment=expected["environmentId"],
                                              keys=("OPS-40",), services=("svc",), gated=True))
    path = api.deployment_path(expected["pipelineId"], expected["environmentId"],
                               expected["deploymentSequenceNumber"]) + "/gating-status"
    body = api.call("GET", "deployments", path).json()
    assert set(body) == set(expected)
    assert set(body["details"][0]) == set(expected["details"][0])
    assert body["gatingStatus"] == expected["gatingStatus"]
    for name in ("pipelineId", "environmentId", "deploymentSequenceNumber"):
        assert body[name] == expected[name]
