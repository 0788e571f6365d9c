"""Scripted faults: the next N matching requests fail as asked, and the real CLI recovers from them."""

from __future__ import annotations

import time

import httpx
import pytest

from support.emulator import EmulatorError, RunningEmulator
from support.emulator_api import EmulatorApi, build_item


def test_fault_answers_the_next_count_requests_then_stops(api: EmulatorApi) -> None:
    api.emulator.fault("/jira/builds/", 503, count=2)
    statuses = [api.submit("builds", build_item()).status_code for _ in range(3)]
    assert statuses == [503, 503, 202]


def test_429_carries_retry_after(api: EmulatorApi) -> None:
    api.emulator.fault("/jira/builds/", 429, retry_after=7)
    response = api.submit("builds", build_item())
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.json()[0]["message"]


def test_fault_matches_only_its_path_prefix(api: EmulatorApi) -> None:
    api.emulator.fault("/jira/deployments/", 503)
    assert api.submit("builds", build_item()).status_code == 202


def test_delay_holds_the_answer(api: EmulatorApi) -> None:
    api.emulator.fault("/jira/builds/", delay=0.3)
    with pytest.raises(Exception, match="timed out"):
        api.http.post(api.path("builds", "/bulk"), json={"builds": [build_item()]}, timeout=0.05,
                      headers={"Authorization": f"Bearer {api.token}"})


@pytest.mark.parametrize("body", [{"status": 503}, {"path_prefix": "/x", "status": 99},
                                  {"path_prefix": "/x", "status": 503, "count": 0}, {"path_prefix": "/x"}])
def test_malformed_fault_is_refused(emulator: RunningEmulator, body: dict) -> None:
    with pytest.raises(EmulatorError, match="HTTP 400"):
        emulator._call("POST", "faults", body)


def test_request_held_across_a_reset_leaves_no_trace(api: EmulatorApi) -> None:
    api.emulator.fault("/jira/builds/", delay=0.5)
    with pytest.raises(httpx.TimeoutException):
        api.http.post(api.path("builds", "/bulk"), json={"builds": [build_item()]}, timeout=0.1,
                      headers={"Authorization": f"Bearer {api.token}"})
    api.emulator.reset()
    time.sleep(0.7)  # the held request wakes up after the reset
    assert api.emulator.state()["builds"] == []
    assert api.emulator.requests() == []
