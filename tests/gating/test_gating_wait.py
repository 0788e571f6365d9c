"""The waiting loop against a mocked Jira: every way a gate can end, and how the polls are spaced."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
import respx

from jira_devops.delivery.gating import GateEvent, check_gate, wait_for_gate
from jira_devops.errors import (
    ExitCode,
    UnreachableError,
)
from jira_devops.jira.client import DevOpsClient
from support.gate_fakes import GATE_URL, KEY, FakeClock, gate_body


def _answers(jira: respx.MockRouter, *responses: httpx.Response) -> respx.Route:
    return jira.get(GATE_URL).mock(side_effect=list(responses))


def _ok(status: str, **extra: object) -> httpx.Response:
    return httpx.Response(200, json=gate_body(status, **extra))


def _not_found() -> httpx.Response:
    return httpx.Response(404, json=[{"message": "No gating status found"}])


def test_allowed_at_once_ends_the_wait_with_exit_0(jira: respx.MockRouter, client: DevOpsClient,
                                                   clock: FakeClock) -> None:
    route = _answers(jira, _ok("allowed"))
    outcome = wait_for_gate(client, KEY, timeout=60, poll=5, clock=clock, sleep=clock.sleep)
    assert (outcome.status, outcome.exit_code, outcome.polls) == ("allowed", ExitCode.OK, 1)
    assert route.call_count == 1
    assert clock.sleeps == []
    assert outcome.change_requests()[0].key == "OPS-7"


def test_awaiting_is_polled_at_the_poll_interval_until_allowed(jira: respx.MockRouter, client: DevOpsClient,
                                                               clock: FakeClock) -> None:
    _answers(jira, _ok("awaiting"), _ok("awaiting"), _ok("awaiting"), _ok("allowed"))
    events: list[GateEvent] = []
    outcome = wait_for_gate(client, KEY, timeout=600, poll=7, clock=clock, sleep=clock.sleep,
                            progress=events.append)
    assert outcome.status == "allowed"
    assert outcome.polls == 4
    assert clock.sleeps == [7, 7, 7]
    assert outcome.waited == 21
    kinds = [event.event for event in events]
    assert kinds.count("change-request") == 1, "the change request link is shown once"
    assert [event.status for event in events if event.event == "status"] == ["awaiting", "allowed"]


def test_not_found_at_first_is_polled_sooner_then_known(jira: respx.MockRouter, client: DevOpsClient,
                                                        clock: FakeClock) -> None:
    _answers(jira, _not_found(), _not_found(), _not_found(), _ok("awaiting"), _ok("allowed"))
    outcome = wait_for_gate(client, KEY, timeout=600, poll=10, clock=clock, sleep=clock.sleep)
    assert outcome.status == "allowed"
    assert clock.sleeps == [1, 2, 4, 10], "404s back off from 1s towards the poll interval"


def test_not_found_beyond_the_grace_means_jira_knows_no_gate(jira: respx.MockRouter, client: DevOpsClient,
                                                             clock: FakeClock) -> None:
    jira.get(GATE_URL).mock(return_value=_not_found())
    outcome = wait_for_gate(client, KEY, timeout=3600, poll=10, not_found_grace=60, clock=clock,
                            sleep=clock.sleep)
    assert outcome.status == "unknown"
    assert outcome.exit_code == ExitCode.REJECTED
    assert 60 <= outcome.waited < 70
    assert "Jira knows no gate for deployment acme/api #42 to production" in outcome.message()


def test_prevented_exits_5_and_names_the_change_request(jira: respx.MockRouter, client: DevOpsClient,
                                                        clock: FakeClock) -> None:
    _answers(jira, _ok("awaiting"), _ok("prevented"))
    outcome = wait_for_gate(client, KEY, timeout=600, poll=5, clock=clock, sleep=clock.sleep)
    assert (outcome.status, outcome.exit_code) == ("prevented", ExitCode.GATE_BLOCKED)
    assert "prevented deployment acme/api #42 to production" in outcome.message()
    assert "OPS-7" in outcome.message()


def test_expired_counts_as_prevented(jira: respx.MockRouter, client: DevOpsClient, clock: FakeClock) -> None:
    _answers(jira, _ok("expired"))
    outcome = wait_for_gate(client, KEY, timeout=600, poll=5, clock=clock, sleep=clock.sleep)
    assert (outcome.status, outcome.last_seen, outcome.exit_code) == ("prevented", "expired", 5)
    assert "expired" in outcome.message()


def test_invalid_exits_5_with_jiras_reason(jira: respx.MockRouter, client: DevOpsClient,
                                           clock: FakeClock) -> None:
    _answers(jira, _ok("invalid", reason="Service b:abc has no change management"))
    outcome = wait_for_gate(client, KEY, timeout=600, poll=5, clock=clock, sleep=clock.sleep)
    assert (outcome.status, outcome.exit_code) == ("invalid", ExitCode.GATE_BLOCKED)
    assert outcome.message().endswith("is invalid: Service b:abc has no change management")


def test_invalid_without_a_reason_uses_what_the_submission_said(jira: respx.MockRouter, client: DevOpsClient,
                                                                clock: FakeClock) -> None:
    _answers(jira, _ok("invalid"))
    outcome = wait_for_gate(client, KEY, timeout=600, poll=5, clock=clock, sleep=clock.sleep,
                            reason_hint="Jira does not know the service svc-1")
    assert outcome.reason == "Jira does not know the service svc-1"


def test_a_status_this_tool_does_not_know_stops_as_invalid(jira: respx.MockRouter, client: DevOpsClient,
                                                           clock: FakeClock) -> None:
    _answers(jira, _ok("pondering"))
    outcome = wait_for_gate(client, KEY, timeout=600, poll=5, clock=clock, sleep=clock.sleep)
    assert outcome.status == "invalid"
    assert "'pondering'" in outcome.message()


def test_timeout_exits_6_after_a_last_look_at_the_deadline(jira: respx.MockRouter, client: DevOpsClient,
                                                            clock: FakeClock) -> None:
    route = jira.get(GATE_URL).mock(return_value=_ok("awaiting"))
    outcome = wait_for_gate(client, KEY, timeout=25, poll=10, clock=clock, sleep=clock.sleep)
    assert (outcome.status, outcome.exit_code) == ("timeout", ExitCode.GATE_TIMEOUT)
    assert clock.sleeps == [10, 10, 5], "the last sleep is cut to the deadline"
    assert route.call_count == 4
    assert "still awaiting" in outcome.message()
    assert "jira-devops gate-status --pipeline-id acme/api --environment-id production" in outcome.message()


def test_the_timeout_message_is_one_flat_line_naming_the_change_request(
        jira: respx.MockRouter, client: DevOpsClient, clock: FakeClock) -> None:
    jira.get(GATE_URL).mock(return_value=_ok("awaiting"))
    message = wait_for_gate(client, KEY, timeout=25, poll=10, clock=clock, sleep=clock.sleep).message()
    assert message.startswith("no gate decision for deployment acme/api #42 to production after 25s, "
                              "still awaiting; change request OPS-7: https://")
    assert "; check later with: jira-devops gate-status" in message
    assert ") (" not in message and "(still" not in message


def test_a_gate_timeout_of_0_looks_once_and_reports_what_jira_said(
        jira: respx.MockRouter, client: DevOpsClient, clock: FakeClock) -> None:
    route = jira.get(GATE_URL).mock(return_value=_ok("awaiting"))
    outcome = wait_for_gate(client, KEY, timeout=0, poll=10, clock=clock, sleep=clock.sleep)
    assert (outcome.status, outcome.exit_code) == ("awaiting", ExitCode.GATE_TIMEOUT)
    assert route.call_count == 1 and clock.sleeps == []
    assert outcome.message().startswith("the gate of deployment acme/api #42 to production has not decided "
                                        "yet; change request OPS-7")
    assert "check later with: jira-devops gate-status" in outcome.message()


def test_timeout_while_jira_does_not_know_the_gate_yet(jira: respx.MockRouter, client: DevOpsClient,
                                                        clock: FakeClock) -> None:
    jira.get(GATE_URL).mock(return_value=_not_found())
    outcome = wait_for_gate(client, KEY, timeout=5, poll=10, clock=clock, sleep=clock.sleep)
    assert (outcome.status, outcome.exit_code) == ("timeout", ExitCode.GATE_TIMEOUT)
    assert "Jira still did not know the gate" in outcome.message()


def test_ctrl_c_reports_stopped_and_propagates(jira: respx.MockRouter, client: DevOpsClient,
                                               clock: FakeClock) -> None:
    jira.get(GATE_URL).mock(return_value=_ok("awaiting"))
    events: list[GateEvent] = []

    def interrupted_sleep(seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        wait_for_gate(client, KEY, timeout=600, poll=5, clock=clock, sleep=interrupted_sleep,
                      progress=events.append)
    assert events[-1].event == "stopped"
    assert events[-1].status == "awaiting"


def test_a_failed_poll_is_tried_again(jira: respx.MockRouter, client: DevOpsClient, clock: FakeClock) -> None:
    client.connection = replace(client.connection, timeout=0.2)
    _answers(jira, httpx.ConnectError("refused"), _ok("allowed"))
    events: list[GateEvent] = []
    outcome = wait_for_gate(client, KEY, timeout=0.2, poll=5, clock=clock, sleep=clock.sleep,
                            progress=events.append)
    assert outcome.status == "allowed"
    retry = [event for event in events if event.event == "retry"]
    assert len(retry) == 1
    assert "connection failed" in (retry[0].text or "")


def test_polls_that_keep_failing_end_as_unreachable(jira: respx.MockRouter, client: DevOpsClient,
                                                    clock: FakeClock) -> None:
    client.connection = replace(client.connection, timeout=0.2)
    jira.get(GATE_URL).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(UnreachableError):
        wait_for_gate(client, KEY, timeout=0.2, poll=5, clock=clock, sleep=clock.sleep)


def test_retry_after_on_a_poll_is_honoured(jira: respx.MockRouter, client: DevOpsClient,
                                           clock: FakeClock) -> None:
    _answers(jira, httpx.Response(429, headers={"Retry-After": "1"}), _ok("allowed"))
    outcome = wait_for_gate(client, KEY, timeout=60, poll=5, clock=clock, sleep=clock.sleep)
    assert outcome.status == "allowed"
    assert clock.sleeps == [1.0], "the poll's retry waited what Retry-After said, and nothing else"


def test_each_poll_gets_a_fresh_request_deadline(jira: respx.MockRouter, client: DevOpsClient) -> None:
    client.connection = replace(client.connection, timeout=0.3)
    client.renew_deadline()
    _answers(jira, _ok("awaiting"), httpx.Response(503), _ok("allowed"))
    # Real time: the first sleep outlives the 0.3s request deadline the client was opened with; the 503
    # after it can be retried only because the poll started a new deadline.
    events: list[GateEvent] = []
    outcome = wait_for_gate(client, KEY, timeout=30, poll=0.4, progress=events.append)
    assert outcome.status == "allowed"
    assert [event.event for event in events if event.event == "retry"] == []


def test_check_gate_looks_once(jira: respx.MockRouter, client: DevOpsClient) -> None:
    route = _answers(jira, _ok("awaiting"))
    outcome = check_gate(client, KEY)
    assert (outcome.status, outcome.exit_code, route.call_count) == ("awaiting", ExitCode.GATE_TIMEOUT, 1)


def test_check_gate_on_an_unknown_deployment(jira: respx.MockRouter, client: DevOpsClient) -> None:
    _answers(jira, _not_found())
    outcome = check_gate(client, KEY)
    assert (outcome.status, outcome.exit_code) == ("unknown", ExitCode.REJECTED)


