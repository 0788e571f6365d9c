"""Scripted faults: the next N matching requests fail as asked, and the real CLI recovers from them."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from support.cli import run_cli
from support.emulator import EmulatorError, RunningEmulator
from support.emulator_api import EmulatorApi, build_item
from support.gitrepo import make_repo


def _report(emulator: RunningEmulator, tmp_path: Path) -> int:
    repo = make_repo(tmp_path / "repo", ("ABC-3 change",))
    done = run_cli("report-build", "--ci", "generic", "--state", "successful", "--build-number", "1",
                   "--url", "https://ci.example.com/1", env=emulator.env(tmp_path), cwd=repo)
    return done.returncode


def _bulk_statuses(emulator: RunningEmulator) -> list[int]:
    return [entry["status"] for entry in emulator.requests() if entry["path"].endswith("/bulk")]


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


def test_cli_recovers_from_429_with_retry_after(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.fault("/jira/builds/", 429, retry_after=0)
    assert _report(emulator, tmp_path) == 0
    assert _bulk_statuses(emulator) == [429, 202]


def test_cli_recovers_from_503s(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.fault("/jira/builds/", 503, count=2)
    assert _report(emulator, tmp_path) == 0
    assert _bulk_statuses(emulator) == [503, 503, 202]


def test_cli_recovers_from_a_reset_connection(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.fault("/jira/builds/", reset_connection=True)
    assert _report(emulator, tmp_path) == 0
    assert _bulk_statuses(emulator) == [0, 202]


def test_cli_recovers_from_a_failing_token_endpoint(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.fault("/oauth/token", 503)
    assert _report(emulator, tmp_path) == 0
    assert [e["status"] for e in emulator.requests() if e["path"] == "/oauth/token"] == [503, 200]


def test_cli_gives_up_with_exit_4_when_jira_stays_down(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.fault("/jira/builds/", 503, count=50)
    repo = make_repo(tmp_path / "repo", ("ABC-3 change",))
    done = run_cli("report-build", "--ci", "generic", "--state", "successful", "--build-number", "1",
                   "--url", "https://ci.example.com/1", "--timeout", "2", env=emulator.env(tmp_path), cwd=repo)
    assert done.returncode == 4
    assert "Traceback" not in done.stderr


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
