"""Talk to the emulator's API directly (below the CLI), for tests of the emulator's own behaviour."""

from __future__ import annotations

from typing import Any, Optional
from urllib.parse import quote

import httpx

from support.emulator import RunningEmulator


def build_item(number: int = 1, *, pipeline: str = "acme/app", keys: tuple[str, ...] = ("ABC-1",),
               usn: int = 1, state: str = "successful", **extra: Any) -> dict[str, Any]:
    """A valid build item."""
    item: dict[str, Any] = {
        "schemaVersion": "1.0", "pipelineId": pipeline, "buildNumber": number, "updateSequenceNumber": usn,
        "displayName": f"app #{number}", "url": f"https://ci.example.com/{number}", "state": state,
        "lastUpdated": "2026-01-02T03:04:05.000Z", "issueKeys": list(keys),
    }
    item.update(extra)
    return item


def deployment_item(number: int = 1, *, pipeline: str = "acme/app", environment: str = "production",
                    keys: tuple[str, ...] = ("ABC-1",), services: tuple[str, ...] = (), usn: int = 1,
                    gated: bool = False, state: str = "successful", **extra: Any) -> dict[str, Any]:
    """A valid deployment item (with issue keys as an association, as Jira's 2026 API prefers)."""
    associations: list[dict[str, Any]] = []
    if keys:
        associations.append({"associationType": "issueIdOrKeys", "values": list(keys)})
    if services:
        associations.append({"associationType": "serviceIdOrKeys", "values": list(services)})
    item: dict[str, Any] = {
        "schemaVersion": "1.0", "deploymentSequenceNumber": number, "updateSequenceNumber": usn,
        "associations": associations, "displayName": f"deploy #{number}",
        "url": f"https://ci.example.com/d/{number}", "description": "a deployment",
        "lastUpdated": "2026-01-02T03:04:05.000Z", "state": state,
        "pipeline": {"id": pipeline, "displayName": pipeline, "url": "https://ci.example.com"},
        "environment": {"id": environment, "displayName": environment, "type": "production"},
    }
    if gated:
        item["commands"] = [{"command": "initiate_deployment_gating"}]
    item.update(extra)
    return item


def commit_entity(sha: str = "a7727ee6350c33cdf90826dc21abaa26a5704370", *, keys: tuple[str, ...] = ("ABC-1",),
                  usn: int = 1, message: str = "ABC-1 Add the sign-in page", **extra: Any) -> dict[str, Any]:
    """A valid commit of the Development information API."""
    commit: dict[str, Any] = {
        "id": sha, "displayId": sha[:7], "message": message, "author": {"name": "Dev", "email": "dev@example.com"},
        "authorTimestamp": "2026-01-02T03:04:05+00:00", "fileCount": 2, "url": f"https://git.example.com/c/{sha}",
        "updateSequenceId": usn, "issueKeys": list(keys),
    }
    commit.update(extra)
    return commit


def branch_entity(name: str = "feature/ABC-1-sign-in", *, keys: tuple[str, ...] = ("ABC-1",), usn: int = 1,
                  **extra: Any) -> dict[str, Any]:
    """A valid branch (its last commit carries the keys too, as the spec requires)."""
    branch: dict[str, Any] = {
        "id": name, "name": name, "lastCommit": commit_entity(keys=keys or ("ABC-1",), usn=usn),
        "url": f"https://git.example.com/b/{name}", "updateSequenceId": usn, "issueKeys": list(keys),
        "createPullRequestUrl": f"https://git.example.com/pr/new?source={name}",
    }
    branch.update(extra)
    return branch


def pull_request_entity(number: int = 7, *, keys: tuple[str, ...] = ("ABC-1",), usn: int = 1,
                        status: str = "OPEN", **extra: Any) -> dict[str, Any]:
    """A valid pull request."""
    pull: dict[str, Any] = {
        "id": str(number), "displayId": f"#{number}", "title": "ABC-1 Sign-in page", "status": status,
        "author": {"name": "Dev"}, "commentCount": 3, "sourceBranch": "feature/ABC-1-sign-in",
        "destinationBranch": "main", "lastUpdate": "2026-01-02T03:04:05+00:00",
        "url": f"https://git.example.com/pr/{number}", "updateSequenceId": usn, "issueKeys": list(keys),
    }
    pull.update(extra)
    return pull


def repository_item(repository_id: str = "git.example.com~acme~shop", *, usn: int = 1,
                    commits: tuple[dict[str, Any], ...] = (), branches: tuple[dict[str, Any], ...] = (),
                    pull_requests: tuple[dict[str, Any], ...] = (), **extra: Any) -> dict[str, Any]:
    """A valid repository with the given entities."""
    repository: dict[str, Any] = {
        "id": repository_id, "name": "acme/shop", "url": "https://git.example.com/acme/shop",
        "updateSequenceId": usn, "commits": list(commits), "branches": list(branches),
        "pullRequests": list(pull_requests),
    }
    repository.update(extra)
    return repository


def flag_item(flag_id: str = "sign-in", *, keys: tuple[str, ...] = ("ABC-1",), usn: int = 1, enabled: bool = True,
              **extra: Any) -> dict[str, Any]:
    """A valid feature flag with a production environment."""
    status = {"enabled": enabled, "defaultValue": "off", "rollout": {"percentage": 25}}
    flag: dict[str, Any] = {
        "schemaVersion": "1.0", "id": flag_id, "key": flag_id, "displayName": f"Flag {flag_id}",
        "updateSequenceId": usn, "issueKeys": list(keys),
        "summary": {"status": status, "lastUpdated": "2026-01-02T03:04:05.000Z",
                    "url": f"https://flags.example.com/{flag_id}"},
        "details": [{"environment": {"name": "production", "type": "production"}, "status": status,
                     "lastUpdated": "2026-01-02T03:04:05.000Z", "url": f"https://flags.example.com/{flag_id}/prod"}],
    }
    flag.update(extra)
    return flag


class EmulatorApi:
    """An httpx client holding a token of the emulator, with the paths of the DevOps APIs."""

    def __init__(self, emulator: RunningEmulator) -> None:
        self.emulator = emulator
        self.http = httpx.Client(base_url=emulator.url, timeout=10)
        self.cloud_id = self.http.get("/_edge/tenant_info").json()["cloudId"]
        self.token = self.new_token()

    def new_token(self) -> str:
        """Exchange the emulator's credentials for a token."""
        response = self.http.post("/oauth/token", json={
            "audience": "api.atlassian.com", "grant_type": "client_credentials",
            "client_id": self.emulator.client_id,
            "client_secret": self.emulator.secret_file.read_text(encoding="utf-8").strip()})
        response.raise_for_status()
        return str(response.json()["access_token"])

    def path(self, kind: str, rest: str = "") -> str:
        """The path of a resource of one API (builds, deployments, devinfo, featureflags)."""
        return f"/jira/{kind}/0.1/cloud/{self.cloud_id}{rest}"

    def call(self, method: str, kind: str, rest: str = "", *, json: Any = None,
             params: Optional[dict[str, str]] = None, token: Optional[str] = None) -> httpx.Response:
        """An authenticated request."""
        headers = {"Authorization": f"Bearer {token if token is not None else self.token}"}
        return self.http.request(method, self.path(kind, rest), json=json, params=params, headers=headers)

    def submit(self, kind: str, *items: dict[str, Any], **body: Any) -> httpx.Response:
        """``POST /bulk`` with ``items`` (and other top-level fields)."""
        field = {"devinfo": "repositories", "featureflags": "flags"}.get(kind, kind)
        return self.call("POST", kind, "/bulk", json={field: list(items), **body})

    def build_path(self, pipeline: str, number: int) -> str:
        """The path of one build under the builds root."""
        return f"/pipelines/{quote(pipeline, safe='')}/builds/{number}"

    def deployment_path(self, pipeline: str, environment: str, number: int) -> str:
        """The path of one deployment under the deployments root."""
        return (f"/pipelines/{quote(pipeline, safe='')}/environments/{quote(environment, safe='')}"
                f"/deployments/{number}")

    def close(self) -> None:
        """Close the HTTP client."""
        self.http.close()
