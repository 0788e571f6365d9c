"""DevOpsClient: the Builds and Deployments APIs over httpx, with auth, retries and request splitting.

One client serves one invocation. Paths are percent-encoded per segment (pipeline IDs often hold ``/``
and spaces). A 401 fetches a new token once; 403 names the missing permission; 413 splits the request;
429/5xx and network errors are retried within the invocation's deadline.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, Optional
from urllib.parse import quote

import httpx

from jira_devops.bounded_http import MisbehavingServerError, fetch, parse_json
from jira_devops.errors import ApiError, AuthError, NotFoundError, UnreachableError
from jira_devops.jira.auth import TokenProvider
from jira_devops.jira.connection import Connection
from jira_devops.jira.http import open_client
from jira_devops.jira.models import BODY_LISTS, DevOpsApi, GateStatus, SubmitResponse
from jira_devops.jira.retry import Deadline, send_with_retries
from jira_devops.redact import redact

log = logging.getLogger("jira_devops.jira.client")

DevinfoEntityType = Literal["commit", "branch", "pull_request"]
_ISSUE_ASSOCIATIONS = ("issueKeys", "issueIdOrKeys")
# Statuses that are Jira's verdict on the request itself (besides 401/403/404/413, handled on their own):
# the request is refused as sent, so keeping it for later would not help.
VERDICT_STATUSES = frozenset({400})
PERMISSIONS = {"builds": "Builds", "deployments": "Deployments", "devinfo": "Development information",
               "featureflags": "Feature flags"}


@dataclass
class SubmitOutcome:
    """What Jira said about everything submitted in one call (possibly several requests)."""

    accepted: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    unknown_issue_keys: list[str] = field(default_factory=list)
    unknown_associations: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0

    def add(self, response: SubmitResponse) -> None:
        """Fold one response into the outcome."""
        self.accepted.extend(response.accepted)
        self.rejected.extend(item.model_dump(exclude_none=True) for item in response.rejected)
        # Keys sent as associations (how deployments carry them) come back in unknownAssociations; they are
        # unknown issue keys like any other, so only the other kinds (services, ...) stay associations.
        associated: list[str] = []
        for association in response.unknownAssociations:
            if association.get("associationType") in _ISSUE_ASSOCIATIONS:
                associated.extend(str(value) for value in association.get("values") or [])
            else:
                self.unknown_associations.append(association)
        self._note_unknown([*response.unknownIssueKeys, *associated])

    def extend(self, other: SubmitOutcome) -> None:
        """Fold another call's outcome into this one (an unknown key is still listed once)."""
        self.accepted.extend(other.accepted)
        self.rejected.extend(other.rejected)
        self.unknown_associations.extend(other.unknown_associations)
        self._note_unknown(other.unknown_issue_keys)
        self.requests += other.requests

    def _note_unknown(self, keys: list[str]) -> None:
        for key in keys:
            if key not in self.unknown_issue_keys:
                self.unknown_issue_keys.append(key)


def segment(value: object) -> str:
    """One percent-encoded path segment (``/`` included)."""
    return quote(str(value), safe="")


class DevOpsClient:
    """The Builds and Deployments APIs of one Jira site."""

    def __init__(self, connection: Connection, http: httpx.Client, deadline: Optional[Deadline] = None) -> None:
        self.connection = connection
        self.http = http
        self.deadline = deadline or Deadline(connection.timeout)
        self.tokens = TokenProvider(connection, http, self.deadline)
        self._cloud_id = connection.cloud_id
        self.requests = 0

    @classmethod
    @contextmanager
    def open(cls, connection: Connection) -> Iterator[DevOpsClient]:
        """A client with its own HTTP connection pool, closed on exit."""
        with open_client(connection.ca_bundle) as http:
            yield cls(connection, http)

    @contextmanager
    def budget(self, seconds: float) -> Iterator[None]:
        """Run a block under a deadline of at most ``seconds`` (never beyond the client's own)."""
        outer = self.deadline
        inner = Deadline(min(seconds, outer.remaining()))
        self.deadline = self.tokens.deadline = inner
        try:
            yield
        finally:
            self.deadline = self.tokens.deadline = outer

    def renew_deadline(self, seconds: Optional[float] = None) -> None:
        """Start a fresh deadline (default: the connection's timeout) for the requests that follow.

        A long wait between requests (a deployment gate) must not eat the time budget of the next one.
        """
        self.deadline = Deadline(self.connection.timeout if seconds is None else seconds)
        self.tokens.deadline = self.deadline

    # --- discovery ------------------------------------------------------------------------------------

    def cloud_id(self) -> str:
        """The site's cloud ID: given, cached, or looked up at ``/_edge/tenant_info``."""
        if self._cloud_id:
            return self._cloud_id
        url = self.connection.tenant_info_url
        cached = self.tokens.cached_cloud_id(url)
        if cached:
            self._cloud_id = cached
            return cached
        log.debug("GET %s", url)
        self.requests += 1
        response = send_with_retries(lambda timeout: fetch(self.http, "GET", url, timeout=timeout),
                                     deadline=self.deadline, what="cloud ID lookup",
                                     sleep=self.connection.retry_sleep)
        if response.status_code >= 500 or 300 <= response.status_code < 400:
            raise UnreachableError(f"cloud ID lookup: {url} answered HTTP {response.status_code}",
                                   hint="try again later, or give --cloud-id")
        try:
            cloud_id = str(parse_json(response.content)["cloudId"]) if response.status_code == 200 else ""
        except (ValueError, KeyError, TypeError):
            cloud_id = ""
        if not cloud_id:
            raise ApiError(f"could not read the cloud ID from {url} (HTTP {response.status_code})",
                           hint="check --site, or give --cloud-id")
        self._cloud_id = cloud_id
        self.tokens.remember_cloud_id(url, cloud_id)
        return cloud_id

    def base_url(self, api: DevOpsApi) -> str:
        """The API root of one of the APIs (builds, deployments, devinfo, featureflags) of this site."""
        return f"{self.connection.api_url}/jira/{api}/0.1/cloud/{segment(self.cloud_id())}"

    # --- the one way requests go out ------------------------------------------------------------------

    def request(
        self,
        method: str,
        api: DevOpsApi,
        path: str,
        *,
        json: Any = None,
        params: Optional[Mapping[str, str]] = None,
        allow: Sequence[int] = (),
    ) -> httpx.Response:
        """Send an authenticated request; errors become :mod:`jira_devops.errors` exceptions.

        Statuses in ``allow`` (e.g. 404, 413) are returned to the caller instead of raised.
        """
        url = self.base_url(api) + path
        refreshed = False
        while True:
            token = self.tokens.token()

            def send(timeout: httpx.Timeout, token: str = token) -> httpx.Response:
                self.requests += 1
                log.debug("%s %s %s", method, url, redact(_short(json)))
                response = fetch(self.http, method, url, json=json, params=params, timeout=timeout,
                                 headers={"Authorization": f"Bearer {token}"})
                log.debug("-> HTTP %s %s", response.status_code, redact(response.text[:2000]))
                return response

            response = send_with_retries(send, deadline=self.deadline, what=f"{method} {api}",
                                         sleep=self.connection.retry_sleep)
            if response.status_code == 401 and not refreshed:
                log.debug("401: fetching a new token once")
                refreshed = True
                self.tokens.refresh()
                continue
            break
        status = response.status_code
        if status < 300 or status in allow:
            return response
        if status == 401:
            raise AuthError("Jira refused the access token even after a refresh",
                            hint="check that the OAuth credentials still exist on the site")
        if status == 403:
            raise AuthError(
                f"the OAuth credentials lack the {PERMISSIONS[api]} permission",
                hint=f"create the credentials with the {PERMISSIONS[api]} permission: a site admin can add "
                f"'{PERMISSIONS[api]}' to them under Settings > Apps > OAuth credentials",
            )
        if status == 404:
            raise NotFoundError(f"{method} {api}: not found (HTTP 404)", hint="check the site and the IDs")
        if status == 413:
            raise ApiError("Jira says the request is too large", hint="send fewer or smaller items")
        if status in VERDICT_STATUSES:
            raise ApiError(f"Jira answered HTTP {status}: {error_messages(response)}")
        # Anything else (a redirect, 418, a 5xx from a proxy in front of Jira) is no verdict on the request:
        # unreachable or misbehaving, so the report is kept in the outbox rather than dropped.
        raise MisbehavingServerError(f"{method} {api}: the server answered HTTP {status}: "
                                     f"{error_messages(response)}", hint="try again later, or check --api-url")

    # --- operations -----------------------------------------------------------------------------------

    def submit(self, api: DevOpsApi, body: Mapping[str, Any]) -> SubmitOutcome:
        """Submit one bulk body; a 413 splits its items in halves and submits each half."""
        outcome = SubmitOutcome()
        self._submit_into(api, dict(body), outcome)
        return outcome

    def _submit_into(self, api: DevOpsApi, body: dict[str, Any], outcome: SubmitOutcome) -> None:
        response = self.request("POST", api, "/bulk", json=body, allow=(404, 413))
        outcome.requests += 1
        if response.status_code == 404:
            # Not a verdict on the items: the site, cloud ID or API URL is wrong, or Jira is misrouted.
            raise MisbehavingServerError(f"POST {api}: the server answered HTTP 404",
                                         hint="check --site, --cloud-id and --api-url")
        if response.status_code == 413:
            listed = BODY_LISTS[api]
            items = body[listed]
            if len(items) <= 1:
                raise ApiError(f"Jira says even a single {listed[:-1]} is too large (HTTP 413)",
                               hint="shorten descriptions or send fewer issue keys")
            half = len(items) // 2
            log.debug("413: splitting %d %s into %d + %d", len(items), listed, half, len(items) - half)
            self._submit_into(api, {**body, listed: items[:half]}, outcome)
            self._submit_into(api, {**body, listed: items[half:]}, outcome)
            return
        if response.status_code not in (200, 201, 202):
            raise MisbehavingServerError(f"Jira answered the {api} submission with HTTP {response.status_code}",
                                         hint="try again later, or check --api-url")
        try:
            outcome.add(SubmitResponse.from_api(parse_json(response.content), api))
        except (ValueError, TypeError, RecursionError):
            raise MisbehavingServerError(f"Jira answered the {api} submission with an unreadable body",
                                   hint="try again later") from None

    def get_build(self, pipeline_id: str, build_number: int) -> Optional[dict[str, Any]]:
        """The stored build, or ``None`` when Jira has none."""
        path = f"/pipelines/{segment(pipeline_id)}/builds/{segment(build_number)}"
        return _json_or_none(self.request("GET", "builds", path, allow=(404,)))

    def delete_build(self, pipeline_id: str, build_number: int) -> bool:
        """Delete one build; ``False`` when there was none."""
        path = f"/pipelines/{segment(pipeline_id)}/builds/{segment(build_number)}"
        return self.request("DELETE", "builds", path, allow=(404,)).status_code != 404

    def deployment_path(self, pipeline_id: str, environment_id: str, number: int) -> str:
        """The path of one deployment under the deployments root."""
        return (f"/pipelines/{segment(pipeline_id)}/environments/{segment(environment_id)}"
                f"/deployments/{segment(number)}")

    def get_deployment(self, pipeline_id: str, environment_id: str, number: int) -> Optional[dict[str, Any]]:
        """The stored deployment, or ``None`` when Jira has none."""
        path = self.deployment_path(pipeline_id, environment_id, number)
        return _json_or_none(self.request("GET", "deployments", path, allow=(404,)))

    def delete_deployment(self, pipeline_id: str, environment_id: str, number: int) -> bool:
        """Delete one deployment; ``False`` when there was none."""
        path = self.deployment_path(pipeline_id, environment_id, number)
        return self.request("DELETE", "deployments", path, allow=(404,)).status_code != 404

    def delete_by_properties(self, api: DevOpsApi, properties: Mapping[str, str]) -> None:
        """Delete every build or deployment submitted with all of these properties."""
        self.request("DELETE", api, "/bulkByProperties", params=dict(properties))

    # --- development information and feature flags -----------------------------------------------------

    def get_repository(self, repository_id: str) -> Optional[dict[str, Any]]:
        """The stored repository with its newest entities, or ``None`` when Jira has none."""
        return _json_or_none(self.request("GET", "devinfo", f"/repository/{segment(repository_id)}",
                                          allow=(404,)))

    def delete_repository(self, repository_id: str) -> None:
        """Delete a repository and everything in it (Jira answers 202 whether or not it had one)."""
        self.request("DELETE", "devinfo", f"/repository/{segment(repository_id)}")

    def delete_devinfo_entity(self, repository_id: str, entity_type: DevinfoEntityType, entity_id: str) -> None:
        """Delete one commit, branch or pull request of a repository."""
        path = f"/repository/{segment(repository_id)}/{segment(entity_type)}/{segment(entity_id)}"
        self.request("DELETE", "devinfo", path)

    def get_flag(self, flag_id: str) -> Optional[dict[str, Any]]:
        """The stored feature flag, or ``None`` when Jira has none."""
        return _json_or_none(self.request("GET", "featureflags", f"/flag/{segment(flag_id)}", allow=(404,)))

    def delete_flag(self, flag_id: str) -> None:
        """Delete one feature flag (Jira answers 202 whether or not it had it)."""
        self.request("DELETE", "featureflags", f"/flag/{segment(flag_id)}")

    def gating_status(self, pipeline_id: str, environment_id: str, number: int) -> Optional[GateStatus]:
        """The gate of a deployment, or ``None`` while Jira does not know it yet (404)."""
        path = self.deployment_path(pipeline_id, environment_id, number) + "/gating-status"
        body = _json_or_none(self.request("GET", "deployments", path, allow=(404,)))
        if body is None:
            return None
        try:
            return GateStatus.model_validate(body)
        except ValueError:
            raise ApiError("Jira answered the gating status with an unexpected body") from None


def _json_or_none(response: httpx.Response) -> Optional[dict[str, Any]]:
    if response.status_code == 404:
        return None
    if response.status_code in (202, 204) or not response.content:
        return {}
    try:
        data = parse_json(response.content)
    except ValueError:
        raise MisbehavingServerError(f"Jira answered HTTP {response.status_code} with a body that is not JSON",
                                     hint="try again later, or check --api-url") from None
    return data if isinstance(data, dict) else {"value": data}


def error_messages(response: httpx.Response) -> str:
    """Jira's error messages in a response body, joined; the status text when there are none."""
    try:
        data = parse_json(response.content)
    except ValueError:
        return response.reason_phrase or "no details"
    messages: list[str] = []
    items = data if isinstance(data, list) else (data.get("errorMessages") or data.get("errors") or [data]
                                                 if isinstance(data, dict) else [])
    for item in items if isinstance(items, list) else [items]:
        if isinstance(item, dict) and item.get("message"):
            messages.append(str(item["message"]))
        elif isinstance(item, str):
            messages.append(item)
    return "; ".join(messages)[:500] or (response.reason_phrase or "no details")


def _short(body: Any) -> str:
    if body is None:
        return ""
    import json as _json  # noqa: PLC0415

    text = _json.dumps(body)
    return text if len(text) <= 2000 else text[:2000] + "..."
