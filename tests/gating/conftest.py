"""Fixtures of the gating tests: a client for a mocked Jira and a clock that sleeps instantly."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import respx

from jira_devops.cli.app import main
from jira_devops.jira.client import DevOpsClient
from jira_devops.jira.connection import Connection
from support.cli import is_ci_variable
from support.gate_fakes import API, CLOUD_ID, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock for the waiting loop."""
    return FakeClock()


@pytest.fixture
def jira() -> Iterator[respx.MockRouter]:
    """A mocked Jira whose token endpoint answers; tests add the gating-status route."""
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{API}/oauth/token").mock(
            return_value=httpx.Response(200, json={"access_token": "tok-abcdef", "expires_in": 3600}))
        yield router


@pytest.fixture
def client(jira: respx.MockRouter, clock: FakeClock) -> Iterator[DevOpsClient]:
    """A real DevOpsClient talking to the mocked Jira (no token cache on disk) whose retries wait on
    ``clock`` (recorded in ``clock.sleeps``), like the waiting loop in the tests."""
    connection = Connection(api_url=API, site_url=None, cloud_id=CLOUD_ID, client_id="client",
                            client_secret="secret-value", timeout=5.0, use_token_cache=False,
                            retry_sleep=clock.sleep)
    with DevOpsClient.open(connection) as opened:
        yield opened


@dataclass
class MainResult:
    """What one in-process run of the CLI returned and printed."""

    code: int
    out: str
    err: str


@pytest.fixture
def run_main(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
             capsys: pytest.CaptureFixture[str]) -> Callable[..., MainResult]:
    """Run ``jira_devops.cli.app.main`` in a clean environment (no CI, no Jira variables) in ``tmp_path``."""
    for name in list(os.environ):
        if is_ci_variable(name):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JIRA_CLIENT_ID", "client")
    monkeypatch.setenv("JIRA_CLIENT_SECRET", "secret-value")
    monkeypatch.setenv("JIRA_CLOUD_ID", CLOUD_ID)
    monkeypatch.setenv("JIRA_DEVOPS_API_URL", API)
    monkeypatch.setenv("JIRA_DEVOPS_TOKEN_CACHE", "false")

    def run(*args: str) -> MainResult:
        code = main(list(args))
        captured = capsys.readouterr()
        return MainResult(code, captured.out, captured.err)

    return run
