"""``check``: can these credentials report to this Jira site from here? Asked before the first real report.

Exchanges the credentials for a token, looks up the cloud ID, and probes each DevOps API with a harmless
read (a GET of an item that does not exist: 404 means the API is open to the credentials, 403 that its
permission is missing). It also says which proxy and CAs are in use, how far the local clock is from the
server's ``Date`` header, and whether the checkout is shallow. Nothing is written to Jira.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Callable, Optional

import httpx

from jira_devops.errors import AuthError, ExitCode, JiraDevopsError, UnreachableError
from jira_devops.jira.client import DevOpsClient, segment
from jira_devops.jira.connection import Connection
from jira_devops.jira.http import proxy_for, trust_store
from jira_devops.jira.retry import send_with_retries

# The DevOps APIs, the permission a site admin ticks for each, and a path that names no stored item.
APIS: dict[str, tuple[str, str]] = {
    "builds": ("Builds", "/pipelines/jira-devops-check/builds/0"),
    "deployments": ("Deployments", "/pipelines/jira-devops-check/environments/jira-devops-check/deployments/0"),
    "devinfo": ("Development information", "/repository/jira-devops-check"),
    "featureflags": ("Feature flags", "/flag/jira-devops-check"),
}
# What the commands that report need: report-build the Builds API, report-deploy (and gating) Deployments.
DEFAULT_NEEDS = ("builds", "deployments")
CLOCK_WARNING_SECONDS = 60.0


@dataclass
class CheckResult:
    """What the check found; ``exit_code`` 0 when every needed API is open to the credentials."""

    api_url: str
    site_url: Optional[str]
    needs: tuple[str, ...]
    credentials: str = "not checked"  # "accepted", "refused: <reason>", "not checked"
    cloud_id: Optional[str] = None
    permissions: dict[str, Optional[bool]] = field(default_factory=dict)  # None: could not tell
    proxy: Optional[str] = None
    trust: str = ""
    ca_bundle: Optional[str] = None
    clock_offset: Optional[float] = None
    shallow: Optional[bool] = None
    problem: Optional[JiraDevopsError] = None
    warnings: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """The needed APIs the credentials cannot use (or that could not be checked)."""
        return [api for api in self.needs if self.permissions.get(api) is not True]

    @property
    def exit_code(self) -> int:
        """0 all needed is there; 4 Jira could not be reached; 3 otherwise (credentials, permissions)."""
        if isinstance(self.problem, UnreachableError):
            return ExitCode.UNREACHABLE
        if self.problem is not None or self.missing:
            return ExitCode.AUTH
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        """The result as ``--json`` prints it."""
        return {
            "ok": self.exit_code == ExitCode.OK,
            "apiUrl": self.api_url,
            "site": self.site_url,
            "credentials": self.credentials,
            "cloudId": self.cloud_id,
            "permissions": {api: self.permissions.get(api) for api in APIS},
            "needed": list(self.needs),
            "missing": self.missing,
            "proxy": self.proxy,
            "caBundle": self.ca_bundle,
            "trustedCAs": self.trust,
            "clockOffsetSeconds": self.clock_offset,
            "shallow": self.shallow,
            "problem": self.problem.one_line() if self.problem else None,
            "warnings": self.warnings,
        }


def run_check(connection: Connection, *, needs: Sequence[str] = DEFAULT_NEEDS, repo: Optional[Path] = None,
              clock: Callable[[], float] = time.time) -> CheckResult:
    """Check the connection, the credentials and each API's permission; never raises for what it checks."""
    result = CheckResult(api_url=connection.api_url, site_url=connection.site_url, needs=tuple(needs))
    result.proxy = proxy_for(connection.api_url)
    result.ca_bundle = str(connection.ca_bundle) if connection.ca_bundle else None
    result.trust = trust_store(connection.ca_bundle)
    result.shallow = _shallow(repo)
    try:
        with DevOpsClient.open(connection) as client:
            client.tokens.refresh()  # always a real exchange: a cached token says nothing of the credentials
            result.credentials = "accepted"
            result.cloud_id = client.cloud_id()
            for api in APIS:
                result.permissions[api] = _probe(client, api, result, clock)
    except AuthError as error:
        result.problem = error
        if result.credentials != "accepted":
            result.credentials = f"refused: {error.message}"
    except JiraDevopsError as error:
        result.problem = error
    if result.clock_offset is not None and abs(result.clock_offset) >= CLOCK_WARNING_SECONDS:
        side = "behind" if result.clock_offset > 0 else "ahead of"
        result.warnings.append(f"this machine's clock is {abs(result.clock_offset):.0f}s {side} the server's; "
                               "tokens and deployment times may look wrong (set the clock with NTP)")
    if result.shallow:
        result.warnings.append("the checkout is shallow: reports fetch the history their commit range needs "
                               "(needs access to the remote; --no-deepen reads only what is there)")
    return result


def _probe(client: DevOpsClient, api: str, result: CheckResult, clock: Callable[[], float]) -> Optional[bool]:
    """Whether the credentials may use ``api``: a GET of an item that does not exist."""
    token = client.tokens.token()
    url = f"{client.connection.api_url}/jira/{api}/0.1/cloud/{segment(client.cloud_id())}{APIS[api][1]}"

    def send(timeout: httpx.Timeout) -> httpx.Response:
        client.requests += 1
        return client.http.get(url, timeout=timeout, headers={"Authorization": f"Bearer {token}"})

    response = send_with_retries(send, deadline=client.deadline, what=f"{APIS[api][0]} check")
    if result.clock_offset is None:
        result.clock_offset = _clock_offset(response, clock)
    if response.status_code == 401:
        raise AuthError("Jira refused the access token it had just issued",
                        hint="check that the OAuth credentials still exist on the site")
    if response.status_code == 403:
        return False
    if response.status_code in (200, 404):
        return True
    result.warnings.append(f"{APIS[api][0]}: Jira answered HTTP {response.status_code}, so the permission is unknown")
    return None


def _clock_offset(response: httpx.Response, clock: Callable[[], float]) -> Optional[float]:
    """The server's ``Date`` minus the local clock, in seconds (the header has whole seconds)."""
    header = response.headers.get("Date")
    if not header:
        return None
    try:
        server = parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError):
        return None
    return round(server - clock(), 1)


def _shallow(repo: Optional[Path]) -> Optional[bool]:
    from jira_devops.history.git import Repository  # noqa: PLC0415

    repository = Repository.find(repo or ".")
    if repository is None or repository.top_level() is None:
        return None
    return repository.is_shallow()
