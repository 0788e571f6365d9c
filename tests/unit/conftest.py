"""Fixtures for unit tests of the HTTP client: a connection to a mocked Atlassian API (respx)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import respx

from jira_devops.jira.connection import Connection
from jira_devops.redact import forget_secrets
from support.core_http import API, CLOUD_ID, SECRET, TOKEN


@pytest.fixture
def slept() -> list[float]:
    """The waits between retries of the ``connection``, recorded instead of slept."""
    return []


@pytest.fixture
def connection(tmp_path: Path, slept: list[float]) -> Connection:
    """A connection whose token cache lives in this test's temp dir (the cloud ID must be looked up) and
    whose retries record their waits in ``slept`` instead of sleeping."""
    return Connection(api_url=API, site_url=None, cloud_id=None, client_id="client-1", client_secret=SECRET,
                      timeout=10.0, use_token_cache=True, cache_dir=tmp_path / "cache", retry_sleep=slept.append)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """A respx router for the API with a working token endpoint and tenant_info."""
    with respx.mock(base_url=API, assert_all_called=False) as router:
        router.post("/oauth/token").respond(200, json={"access_token": TOKEN, "expires_in": 3600,
                                                       "token_type": "Bearer"})
        router.get("/_edge/tenant_info").respond(200, json={"cloudId": CLOUD_ID})
        yield router
    forget_secrets()
