"""Fixtures of the gating tests: a client for a mocked Jira and a clock that sleeps instantly."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import respx

from jira_devops.client import DevOpsClient
from jira_devops.connection import Connection
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
def client(jira: respx.MockRouter) -> Iterator[DevOpsClient]:
    """A real DevOpsClient talking to the mocked Jira (no token cache on disk)."""
    connection = Connection(api_url=API, site_url=None, cloud_id=CLOUD_ID, client_id="client",
                            client_secret="secret-value", timeout=5.0, use_token_cache=False)
    with DevOpsClient.open(connection) as opened:
        yield opened
