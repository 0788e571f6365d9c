"""Fixtures for the reliability tests: a mocked Atlassian API (respx), a connection to it, an outbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import respx

from jira_devops.delivery.outbox import Outbox
from jira_devops.jira.connection import Connection
from jira_devops.redact import forget_secrets
from support.core_http import API, CLOUD_ID, SECRET, TOKEN
from support.gitrepo import make_repo


@pytest.fixture
def slept() -> list[float]:
    """The waits between retries of the ``connection``, recorded instead of slept."""
    return []


@pytest.fixture
def connection(tmp_path: Path, slept: list[float]) -> Connection:
    """A connection with a short deadline, its token cache in this test's temp dir, and retries that record
    their waits in ``slept`` instead of sleeping."""
    return Connection(api_url=API, site_url=None, cloud_id=None, client_id="client-1", client_secret=SECRET,
                      timeout=5.0, use_token_cache=True, cache_dir=tmp_path / "cache", retry_sleep=slept.append)


@pytest.fixture
def box(tmp_path: Path) -> Outbox:
    """An empty outbox in this test's temp dir."""
    return Outbox(tmp_path / "outbox")


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """A respx router for the API with a working token endpoint and tenant_info."""
    with respx.mock(base_url=API, assert_all_called=False) as router:
        router.post("/oauth/token", name="token").respond(
            200, json={"access_token": TOKEN, "expires_in": 3600, "token_type": "Bearer"})
        router.get("/_edge/tenant_info", name="tenant").respond(200, json={"cloudId": CLOUD_ID})
        yield router
    forget_secrets()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository on branch ABC-12-login whose remote names acme/app."""
    return make_repo(tmp_path / "app", ("OPS-7 fix the login form",), branch="ABC-12-login")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the fault suite's table: scenario, requests made, exit code, accepted, in the outbox, lost."""
    from support.fault_table import ROWS, table

    if ROWS:
        terminalreporter.section("fault injection: every report accepted or in the outbox")
        for line in table():
            terminalreporter.write_line(line)
