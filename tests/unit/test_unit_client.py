"""The DevOps client against a mocked Atlassian API: tokens, cloud ID, splitting, retries, answers."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import httpx
import pytest
import respx

from jira_devops.errors import ApiError, AuthError, ExitCode, UnreachableError
from jira_devops.jira.client import DevOpsClient
from jira_devops.jira.connection import Connection
from jira_devops.jira.payloads import MAX_ITEMS_PER_REQUEST, request_bodies
from jira_devops.jira.retry import Deadline
from support.core_http import API, CLOUD_ID, SECRET, TOKEN, builds_url, deployments_url


def _build(number: int) -> dict[str, object]:
    return {"schemaVersion": "1.0", "pipelineId": "p", "buildNumber": number, "updateSequenceNumber": number,
            "displayName": f"p #{number}", "url": f"https://ci.example.test/{number}", "state": "successful",
            "lastUpdated": "2026-01-01T00:00:00Z", "issueKeys": ["ABC-1"]}


def _accepted(body: dict[str, list[dict[str, object]]]) -> dict[str, object]:
    return {"acceptedBuilds": [{"pipelineId": b["pipelineId"], "buildNumber": b["buildNumber"]}
                               for b in body["builds"]],
            "rejectedBuilds": [], "unknownIssueKeys": []}


def _echo_accept(request: httpx.Request) -> httpx.Response:
    return httpx.Response(202, json=_accepted(json.loads(request.content)))


def _client(connection: Connection) -> DevOpsClient:
    return DevOpsClient(connection, httpx.Client(), Deadline(connection.timeout))


def test_token_request_is_the_documented_json_client_credentials_body(connection: Connection,
                                                                       api: respx.MockRouter) -> None:
    api.post(builds_url()).mock(side_effect=_echo_accept)
    _client(connection).submit("builds", {"builds": [_build(1)]})
    token_call = api.routes[0].calls.last.request
    assert token_call.headers["content-type"] == "application/json"
    assert json.loads(token_call.content) == {"audience": "api.atlassian.com", "grant_type": "client_credentials",
                                              "client_id": "client-1", "client_secret": SECRET}
    submit = api.calls.last.request
    assert submit.headers["authorization"] == f"Bearer {TOKEN}"
    assert submit.url.path == f"/jira/builds/0.1/cloud/{CLOUD_ID}/bulk"


def test_token_and_cloud_id_are_cached_between_clients_in_a_private_file(connection: Connection,
                                                                         api: respx.MockRouter) -> None:
    api.post(builds_url()).mock(side_effect=_echo_accept)
    for number in (1, 2, 3):
        _client(connection).submit("builds", {"builds": [_build(number)]})
    assert api.routes[0].call_count == 1, "credentials exchanged once for three invocations"
    assert api.routes[1].call_count == 1, "tenant_info asked once"
    assert connection.cache_dir is not None
    files = [p for p in connection.cache_dir.rglob("*") if p.is_file()]
    assert files, "a cache file was written"
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert SECRET not in path.read_text()
    assert stat.S_IMODE(connection.cache_dir.stat().st_mode) == 0o700


def test_a_cached_token_is_used_until_shortly_before_it_expires(connection: Connection, api: respx.MockRouter,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    api.routes[0].respond(200, json={"access_token": TOKEN, "expires_in": 60})
    api.post(builds_url()).mock(side_effect=_echo_accept)
    clock = [1_000_000.0]
    monkeypatch.setattr("jira_devops.jira.auth.time.time", lambda: clock[0])
    _client(connection).submit("builds", {"builds": [_build(1)]})
    clock[0] += 40  # a short-lived token keeps a quarter of its life as margin: still fresh
    _client(connection).submit("builds", {"builds": [_build(2)]})
    assert api.routes[0].call_count == 1
    clock[0] += 6  # now inside the margin
    _client(connection).submit("builds", {"builds": [_build(3)]})
    assert api.routes[0].call_count == 2


def test_a_401_from_the_api_fetches_a_new_token_once(connection: Connection, api: respx.MockRouter) -> None:
    route = api.post(builds_url())
    route.side_effect = [httpx.Response(401, json={"code": 401, "message": "Unauthorized"}),
                         httpx.Response(202, json=_accepted({"builds": [_build(1)]}))]
    outcome = _client(connection).submit("builds", {"builds": [_build(1)]})
    assert len(outcome.accepted) == 1
    assert api.routes[0].call_count == 2
    assert route.call_count == 2


def test_a_second_401_is_an_auth_error(connection: Connection, api: respx.MockRouter) -> None:
    api.post(builds_url()).respond(401, json={"code": 401, "message": "Unauthorized"})
    with pytest.raises(AuthError) as caught:
        _client(connection).submit("builds", {"builds": [_build(1)]})
    assert caught.value.exit_code == ExitCode.AUTH
    assert api.routes[0].call_count == 2


def test_refused_credentials_are_an_auth_error_that_does_not_echo_the_secret(connection: Connection,
                                                                              api: respx.MockRouter) -> None:
    api.routes[0].respond(401, json={"error": "access_denied", "error_description": "Unauthorized"})
    with pytest.raises(AuthError) as caught:
        _client(connection).submit("builds", {"builds": [_build(1)]})
    assert "access_denied" in str(caught.value) or "Unauthorized" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_cloud_id_comes_from_tenant_info_unless_given(connection: Connection, api: respx.MockRouter) -> None:
    assert _client(connection).cloud_id() == CLOUD_ID
    given = Connection(api_url=API, site_url=None, cloud_id="given-id", client_id="c", client_secret=SECRET,
                       use_token_cache=False)
    assert _client(given).cloud_id() == "given-id"
    assert api.routes[1].call_count == 1


def test_a_site_is_asked_for_its_cloud_id_when_the_api_is_atlassians(tmp_path: Path) -> None:
    connection = Connection(api_url="https://api.atlassian.com", site_url="https://acme.atlassian.net",
                            cloud_id=None, client_id="c", client_secret=SECRET, use_token_cache=False)
    with respx.mock(assert_all_called=True) as router:
        router.get("https://acme.atlassian.net/_edge/tenant_info").respond(200, json={"cloudId": "site-cloud"})
        assert _client(connection).cloud_id() == "site-cloud"


def test_bodies_are_chunked_to_the_item_cap() -> None:
    from jira_devops.jira.models import Build

    items = [Build.model_validate(_build(n)) for n in range(1, 251)]
    bodies = request_bodies("builds", items, None)
    assert [len(body["builds"]) for body in bodies] == [MAX_ITEMS_PER_REQUEST, MAX_ITEMS_PER_REQUEST, 50]
    assert MAX_ITEMS_PER_REQUEST == 100
    assert all(body["providerMetadata"]["product"].startswith("jira-devops ") for body in bodies)


def test_a_413_splits_the_request_in_halves(connection: Connection, api: respx.MockRouter) -> None:
    sizes: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        sizes.append(len(body["builds"]))
        if len(body["builds"]) > 2:
            return httpx.Response(413, json={"message": "Request entity too large"})
        return httpx.Response(202, json=_accepted(body))

    api.post(builds_url()).mock(side_effect=answer)
    outcome = _client(connection).submit("builds", {"builds": [_build(n) for n in range(1, 6)]})
    assert sorted(item["buildNumber"] for item in outcome.accepted) == [1, 2, 3, 4, 5]
    assert sizes == [5, 2, 3, 1, 2]


def test_a_single_item_too_large_is_a_clear_error(connection: Connection, api: respx.MockRouter) -> None:
    api.post(builds_url()).respond(413)
    with pytest.raises(ApiError, match="too large"):
        _client(connection).submit("builds", {"builds": [_build(1)]})


def test_429_waits_as_long_as_retry_after_says(connection: Connection, api: respx.MockRouter,
                                                slept: list[float]) -> None:
    route = api.post(builds_url())
    route.side_effect = [httpx.Response(429, headers={"Retry-After": "3"}),
                         httpx.Response(202, json=_accepted({"builds": [_build(1)]}))]
    outcome = _client(connection).submit("builds", {"builds": [_build(1)]})
    assert len(outcome.accepted) == 1
    assert slept == [3.0]


def test_503_and_connection_errors_are_retried_with_backoff(connection: Connection, api: respx.MockRouter,
                                                            slept: list[float]) -> None:
    route = api.post(builds_url())
    route.side_effect = [httpx.Response(503), httpx.ConnectError("refused"),
                         httpx.Response(202, json=_accepted({"builds": [_build(1)]}))]
    outcome = _client(connection).submit("builds", {"builds": [_build(1)]})
    assert len(outcome.accepted) == 1
    assert route.call_count == 3
    assert len(slept) == 2 and all(0 < wait <= 9 for wait in slept)


def test_retries_end_at_the_deadline_as_unreachable(connection: Connection, api: respx.MockRouter) -> None:
    api.post(builds_url()).respond(503)
    with pytest.raises(UnreachableError) as caught:
        _client(connection).submit("builds", {"builds": [_build(1)]})
    assert caught.value.exit_code == ExitCode.UNREACHABLE
    assert "HTTP 503" in str(caught.value)


@pytest.mark.parametrize("status", [400, 403])
def test_400_and_403_are_not_retried(connection: Connection, api: respx.MockRouter, status: int) -> None:
    route = api.post(deployments_url())
    route.respond(status, json={"errors": [{"message": "Invalid request"}]})
    expected = ApiError if status == 400 else AuthError
    with pytest.raises(expected) as caught:
        _client(connection).submit("deployments", {"deployments": [{}]})
    assert route.call_count == 1
    if status == 403:
        assert "Deployments permission" in str(caught.value)
    else:
        assert "Invalid request" in str(caught.value)


def test_rejected_items_and_unknown_keys_are_reported(connection: Connection, api: respx.MockRouter) -> None:
    api.post(builds_url()).respond(202, json={
        "acceptedBuilds": [{"pipelineId": "p", "buildNumber": 1}],
        "rejectedBuilds": [{"key": {"pipelineId": "p", "buildNumber": 2},
                            "errors": [{"message": "No valid issues found for build"}]}],
        "unknownIssueKeys": ["NOPE-1"]})
    outcome = _client(connection).submit("builds", {"builds": [_build(1), _build(2)]})
    assert outcome.accepted == [{"pipelineId": "p", "buildNumber": 1}]
    assert outcome.rejected[0]["errors"][0]["message"] == "No valid issues found for build"
    assert outcome.unknown_issue_keys == ["NOPE-1"]


def test_unknown_keys_sent_as_associations_are_unknown_issue_keys_once(connection: Connection,
                                                                      api: respx.MockRouter) -> None:
    service = {"associationType": "serviceIdOrKeys", "values": ["svc-9"]}
    api.post(deployments_url()).respond(202, json={
        "acceptedDeployments": [{"pipelineId": "p", "environmentId": "prod", "deploymentSequenceNumber": 1}],
        "rejectedDeployments": [], "unknownIssueKeys": [],
        "unknownAssociations": [{"associationType": "issueIdOrKeys", "values": ["XYZ-9"]}, service]})
    outcome = _client(connection).submit("deployments", {"deployments": [{}]})
    assert outcome.unknown_issue_keys == ["XYZ-9"]
    assert outcome.unknown_associations == [service]


def test_paths_are_percent_encoded_per_segment(connection: Connection, api: respx.MockRouter) -> None:
    route = api.get(url__regex=r".*/pipelines/.*").respond(404)
    assert _client(connection).get_build("team/app build", 7) is None
    assert route.calls.last.request.url.raw_path.decode().endswith("/pipelines/team%2Fapp%20build/builds/7")
