"""The GitHub deployments API as a deploy history: the commit of the latest successful deployment.

Workflows that use GitHub environments get a deployment per run. The newest deployment to the
environment with a ``success`` status is the last thing that environment received. The deployment of
the current run is still ``in_progress`` when this runs, so it is never mistaken for the previous one.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional
from urllib.parse import quote

from jira_devops.errors import UnreachableError

DEFAULT_API_URL = "https://api.github.com"
DEPLOYMENTS_PER_PAGE = 30
MAX_DEPLOYMENTS_INSPECTED = 30


class GitHubHistoryError(Exception):
    """The deployments API could not answer; the message says why, without the token."""


@dataclass(frozen=True)
class GitHubTarget:
    """Where to ask: API base URL, ``owner/name`` of the repository, and the token."""

    api_url: str
    repository: str
    token: str = ""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], token: Optional[str]) -> Optional[GitHubTarget]:
        """The target GitHub Actions describes (``GITHUB_API_URL``, ``GITHUB_REPOSITORY``), if any."""
        repository = environ.get("GITHUB_REPOSITORY", "").strip()
        if not repository or not token:
            return None
        api_url = environ.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL
        return cls(api_url.rstrip("/"), repository, token)


@dataclass(frozen=True)
class GitHubDeployment:
    """The latest successful deployment: its id and the commit it deployed."""

    id: int
    sha: str


def latest_successful_deployment(target: GitHubTarget, environment: str, *,
                                 timeout: float = 30.0) -> Optional[GitHubDeployment]:
    """The newest deployment to ``environment`` that reached ``success``, or ``None`` if there is none.

    Deployments come newest first; each one's statuses are read until one has succeeded. At most
    :data:`MAX_DEPLOYMENTS_INSPECTED` deployments are looked at, and the whole look-up (every request and
    every answer, bounded in size) ends within ``timeout`` seconds, like every request to Jira.
    """
    import httpx  # noqa: PLC0415 - only when GitHub is asked

    headers = {
        "Accept": "application/vnd.github+json",
        "Authorization": f"Bearer {target.token}",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    repo_path = "/".join(quote(part, safe="") for part in target.repository.split("/", 1))
    try:
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=target.api_url, headers=headers, follow_redirects=False) as client:
            deployments = _get_list(client, deadline, f"/repos/{repo_path}/deployments",
                                    {"environment": environment, "per_page": DEPLOYMENTS_PER_PAGE})
            for deployment in deployments[:MAX_DEPLOYMENTS_INSPECTED]:
                deployment_id = deployment.get("id")
                sha = deployment.get("sha")
                if not isinstance(deployment_id, int) or not isinstance(sha, str):
                    continue
                statuses = _get_list(client, deadline, f"/repos/{repo_path}/deployments/{deployment_id}/statuses",
                                     {"per_page": 100})
                if any(status.get("state") == "success" for status in statuses):
                    return GitHubDeployment(deployment_id, sha)
    except httpx.TimeoutException:
        raise GitHubHistoryError(f"GitHub at {target.api_url} did not answer within {timeout:g}s") from None
    except httpx.HTTPError as error:
        raise GitHubHistoryError(f"GitHub at {target.api_url} could not be reached ({type(error).__name__})") \
            from None
    except UnreachableError as error:
        raise GitHubHistoryError(f"GitHub at {target.api_url} misbehaved ({error.message})") from None
    return None


def _get_list(client: Any, deadline: float, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """One page from the API, within what is left of the look-up's ``deadline`` (a ``time.monotonic``)."""
    import httpx  # noqa: PLC0415

    from jira_devops.bounded_http import fetch, parse_json, within  # noqa: PLC0415 - httpx only when asked

    left = deadline - time.monotonic()
    if left <= 0:
        raise GitHubHistoryError("GitHub did not answer in time (the look-up is bounded by --timeout)")
    timeout = httpx.Timeout(min(left, 30.0), connect=min(left, 10.0))
    response = within(left, lambda: fetch(client, "GET", path, params=params, timeout=timeout),
                      what="GitHub deployments")
    if response.status_code in (401, 403):
        raise GitHubHistoryError(f"GitHub refused to list deployments (HTTP {response.status_code}): "
                                 "the token needs the `deployments: read` permission")
    if response.status_code == 404:
        raise GitHubHistoryError("GitHub does not know the repository, or the token cannot see it (HTTP 404)")
    if response.status_code != 200:
        raise GitHubHistoryError(f"GitHub answered HTTP {response.status_code} when listing deployments")
    try:
        data = parse_json(response.content)
    except ValueError:
        raise GitHubHistoryError("GitHub answered with something that is not JSON") from None
    if not isinstance(data, list):
        raise GitHubHistoryError("GitHub answered with an unexpected shape (expected a list)")
    return [item for item in data if isinstance(item, dict)]
