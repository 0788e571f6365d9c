"""Delivery around the outbox, against a mocked API: what is kept, what goes first, what is retried."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
import respx

from jira_devops.delivery.outbox import REJECTED, Outbox
from jira_devops.delivery.redelivery import destination_of, flush_outbox
from jira_devops.delivery.sending import Delivery, send
from jira_devops.errors import ApiError, ExitCode, UnreachableError
from jira_devops.jira.client import DevOpsClient
from jira_devops.jira.connection import Connection
from jira_devops.jira.retry import is_retryable_status, retry_after_seconds
from support.core_http import builds_url


def _body(number: int) -> dict[str, object]:
    return {"builds": [{"schemaVersion": "1.0", "pipelineId": "acme/app", "buildNumber": number,
                        "updateSequenceNumber": 1_700_000_000_000 + number, "displayName": f"app #{number}",
                        "url": f"https://ci.example.test/{number}", "state": "successful",
                        "lastUpdated": "2026-01-01T00:00:00Z", "issueKeys": ["ABC-1"]}],
            "providerMetadata": {"product": "jira-devops"}}


def _accept(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    return httpx.Response(202, json={"acceptedBuilds": [{"pipelineId": b["pipelineId"], "buildNumber": b["buildNumber"]}
                                                        for b in body["builds"]],
                                     "rejectedBuilds": [], "unknownIssueKeys": []})


def _report(box: Outbox, connection: Connection, *numbers: int) -> Delivery:
    return send(connection, "builds", [_body(n) for n in numbers], outbox=str(box.directory))


def _sent_numbers(route: respx.Route) -> list[int]:
    return [json.loads(call.request.content)["builds"][0]["buildNumber"] for call in route.calls]


def test_a_report_jira_keeps_failing_is_kept_exactly_and_exits_4(connection: Connection, box: Outbox,
                                                                 api: respx.MockRouter, slept: list[float]) -> None:
    route = api.post(builds_url()).respond(503)
    result = _report(box, connection, 1)
    assert result.exit_code == ExitCode.UNREACHABLE
    assert result.outboxed == 1 and result.accepted == []
    assert route.call_count > 1, "retried before giving up"
    message = result.undelivered.one_line() if result.undelivered else ""
    assert "HTTP 503" in message and str(box.directory) in message and "jira-devops flush" in message
    pending, _ = box.pending()
    assert [entry.body for entry in pending] == [_body(1)], "the exact body, sequence number included"


def test_the_next_report_delivers_older_ones_first_and_empties_the_outbox(connection: Connection, box: Outbox,
                                                                          api: respx.MockRouter,
                                                                          slept: list[float]) -> None:
    route = api.post(builds_url()).respond(503)
    _report(box, connection, 1)
    _report(box, connection, 2)
    route.side_effect = _accept
    before = route.call_count
    result = _report(box, connection, 3)
    assert result.exit_code == ExitCode.OK
    assert _sent_numbers(route)[before:] == [1, 2, 3]
    assert [item["buildNumber"] for item in result.accepted] == [3]
    assert "delivered 2 earlier request(s) from the outbox first" in result.notes
    assert box.pending()[0] == []


def test_when_older_ones_cannot_be_delivered_the_new_one_waits_behind_them(connection: Connection, box: Outbox,
                                                                           api: respx.MockRouter,
                                                                           slept: list[float]) -> None:
    route = api.post(builds_url()).respond(503)
    _report(box, connection, 1)
    before = route.call_count
    result = _report(box, connection, 2)
    assert result.exit_code == ExitCode.UNREACHABLE
    assert route.call_count > before
    assert set(_sent_numbers(route)[before:]) == {1}, "the new report is not tried while older ones wait"
    pending, _ = box.pending()
    assert [entry.body["builds"][0]["buildNumber"] for entry in pending] == [1, 2]  # type: ignore[index]
    assert pending[0].attempts == 2


def test_refused_credentials_keep_the_report_with_exit_3(connection: Connection, box: Outbox,
                                                         api: respx.MockRouter) -> None:
    api.routes["token"].respond(401, json={"error": "access_denied"})
    result = _report(box, connection, 1)
    assert result.exit_code == ExitCode.AUTH
    assert len(box.pending()[0]) == 1
    assert result.undelivered is not None and "fix the credentials" in result.undelivered.one_line()


def test_the_token_endpoint_down_keeps_the_report(connection: Connection, box: Outbox, api: respx.MockRouter,
                                                  slept: list[float]) -> None:
    api.routes["token"].respond(502)
    result = _report(box, connection, 1)
    assert result.exit_code == ExitCode.UNREACHABLE
    assert len(box.pending()[0]) == 1


def test_a_501_is_not_retried_but_the_report_is_kept(connection: Connection, box: Outbox,
                                                     api: respx.MockRouter) -> None:
    route = api.post(builds_url()).respond(501)
    result = _report(box, connection, 1)
    assert route.call_count == 1
    assert result.exit_code == ExitCode.UNREACHABLE
    assert len(box.pending()[0]) == 1


def test_a_retry_after_longer_than_the_deadline_gives_up_at_once(connection: Connection, box: Outbox,
                                                                 api: respx.MockRouter, slept: list[float]) -> None:
    route = api.post(builds_url()).respond(429, headers={"Retry-After": "3600"})
    result = _report(box, connection, 1)
    assert route.call_count == 1 and slept == []
    assert result.exit_code == ExitCode.UNREACHABLE
    assert len(box.pending()[0]) == 1


def test_a_rejected_request_is_not_kept(connection: Connection, box: Outbox, api: respx.MockRouter) -> None:
    api.post(builds_url()).respond(400, json=[{"message": "'url' is required"}])
    with pytest.raises(ApiError, match="'url' is required"):
        _report(box, connection, 1)
    assert box.pending()[0] == []


def test_with_the_outbox_off_an_undelivered_report_is_an_error_saying_so(connection: Connection, tmp_path: object,
                                                                          api: respx.MockRouter,
                                                                          slept: list[float]) -> None:
    api.post(builds_url()).respond(503)
    with pytest.raises(UnreachableError, match="not kept: the outbox is off"):
        send(connection, "builds", [_body(1)], outbox="off")


def test_connection_resets_and_timeouts_are_retried(connection: Connection, box: Outbox, api: respx.MockRouter,
                                                     slept: list[float]) -> None:
    route = api.post(builds_url())
    route.side_effect = [httpx.RemoteProtocolError("peer closed connection"), httpx.ReadTimeout("slow"),
                         _accept]
    result = _report(box, connection, 1)
    assert result.exit_code == ExitCode.OK
    assert route.call_count == 3 and len(slept) == 2


def test_flush_removes_delivered_entries_and_moves_rejected_ones_aside(connection: Connection, box: Outbox,
                                                                       api: respx.MockRouter) -> None:
    here = destination_of(connection)
    box.keep("builds", _body(1), here, "down")
    box.keep("builds", _body(2), here, "down")

    def answer(request: httpx.Request) -> httpx.Response:
        number = json.loads(request.content)["builds"][0]["buildNumber"]
        if number == 2:
            return httpx.Response(202, json={"acceptedBuilds": [], "unknownIssueKeys": ["ABC-1"], "rejectedBuilds": [
                {"key": {"pipelineId": "acme/app", "buildNumber": 2},
                 "errors": [{"message": "No valid issues found for build"}]}]})
        return _accept(request)

    api.post(builds_url()).mock(side_effect=answer)
    with DevOpsClient.open(connection) as client:
        result = flush_outbox(client, box, here, lock_wait=0)
    assert [entry.body for entry in result.delivered] == [_body(1)]
    assert result.exit_code == ExitCode.REJECTED
    assert box.pending()[0] == []
    rejected, _ = box.settled(REJECTED)
    assert rejected[0].body == _body(2)
    assert rejected[0].reasons == ["build acme/app #2: No valid issues found for build"]


def test_flush_leaves_entries_for_another_site_alone(connection: Connection, box: Outbox,
                                                     api: respx.MockRouter) -> None:
    other = destination_of(connection).__class__(api_url="https://api.other.test")
    box.keep("builds", _body(1), other, "down")
    route = api.post(builds_url()).mock(side_effect=_accept)
    with DevOpsClient.open(connection) as client:
        result = flush_outbox(client, box, destination_of(connection), lock_wait=0)
    assert route.call_count == 0
    assert result.other_destinations == 1 and len(box.pending()[0]) == 1


def test_a_flush_that_cannot_get_the_lock_sends_nothing(connection: Connection, box: Outbox,
                                                        api: respx.MockRouter) -> None:
    box.keep("builds", _body(1), destination_of(connection), "down")
    route = api.post(builds_url()).mock(side_effect=_accept)
    with box.lock(0), DevOpsClient.open(connection) as client:
        result = flush_outbox(client, box, destination_of(connection), lock_wait=0.1)
    assert result.busy and route.call_count == 0 and result.waiting == 1


@pytest.mark.parametrize(("status", "retried"), [
    (408, True), (429, True), (500, True), (502, True), (503, True), (504, True), (507, True), (599, True),
    (501, False), (505, False), (400, False), (401, False), (403, False), (404, False), (413, False),
])
def test_which_statuses_are_retried(status: int, retried: bool) -> None:
    assert is_retryable_status(status) is retried


def test_rate_limit_headers_give_the_wait() -> None:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    seconds = httpx.Response(429, headers={"Retry-After": "7"})
    date = httpx.Response(503, headers={"Retry-After": "Thu, 01 Jan 2026 00:00:30 GMT"})
    reset = httpx.Response(429, headers={"X-RateLimit-Reset": (now + timedelta(seconds=12)).isoformat()})
    assert retry_after_seconds(seconds, now) == 7.0
    assert retry_after_seconds(date, now) == 30.0
    assert retry_after_seconds(reset, now) == 12.0
    assert retry_after_seconds(httpx.Response(429), now) is None


def test_a_flush_short_of_time_stops_cleanly_between_entries(connection: Connection, box: Outbox,
                                                             api: respx.MockRouter) -> None:
    here = destination_of(connection)
    for number in range(1, 11):
        box.keep("builds", _body(number), here, "down")

    def slow_accept(request: httpx.Request) -> httpx.Response:
        time.sleep(0.1)
        return _accept(request)

    route = api.post(builds_url()).mock(side_effect=slow_accept)
    with DevOpsClient.open(connection) as client, client.budget(1.0):
        result = flush_outbox(client, box, here, lock_wait=0)
    assert result.out_of_time and result.stopped_by is None
    assert 3 <= len(result.delivered) < 10
    assert len(result.delivered) + result.waiting == 10 == route.call_count + result.waiting
    assert [entry.body for entry in box.pending()[0]] == [_body(n) for n in range(len(result.delivered) + 1, 11)]


def test_a_cloud_id_lookup_failing_on_the_server_side_keeps_the_report(connection: Connection, box: Outbox,
                                                                       api: respx.MockRouter) -> None:
    api.routes["tenant"].respond(501)
    result = _report(box, connection, 1)
    assert result.exit_code == ExitCode.UNREACHABLE
    assert len(box.pending()[0]) == 1


def test_an_unusable_outbox_still_lets_the_report_through_and_says_why_nothing_was_kept(
        connection: Connection, tmp_path: Path, api: respx.MockRouter, slept: list[float]) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    route = api.post(builds_url()).mock(side_effect=_accept)
    result = send(connection, "builds", [_body(1)], outbox=str(tmp_path / "link"))
    assert result.exit_code == ExitCode.OK and route.call_count == 1
    route.mock(side_effect=None, return_value=httpx.Response(503))
    with pytest.raises(UnreachableError, match=r"could not be kept: outbox .* is not a plain folder"):
        send(connection, "builds", [_body(2)], outbox=str(tmp_path / "link"))


def test_a_site_that_cannot_be_found_leaves_every_entry_waiting(connection: Connection, box: Outbox,
                                                                api: respx.MockRouter) -> None:
    here = destination_of(connection)
    box.keep("builds", _body(1), here, "down")
    box.keep("builds", _body(2), here, "down")
    api.routes["tenant"].respond(200, json={"unexpected": True})
    route = api.post(builds_url()).mock(side_effect=_accept)
    with DevOpsClient.open(connection) as client:
        result = flush_outbox(client, box, here, lock_wait=0)
    assert route.call_count == 0
    assert result.stopped_by is not None and "cloud ID" in result.stopped_by.one_line()
    assert result.waiting == 2 and len(box.pending()[0]) == 2 and box.settled(REJECTED)[0] == []
