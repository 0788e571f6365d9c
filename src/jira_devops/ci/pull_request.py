"""The pull (merge) request of a CI run, as far as the CI tells: for the development panel's pull request entity.

- GitHub Actions: the ``pull_request`` object of the event payload (``GITHUB_EVENT_PATH``): number, title,
  ``state`` and ``merged`` (OPEN, MERGED, DECLINED), author, ``comments`` + ``review_comments``, head and
  base branches, ``html_url``, ``updated_at`` and the requested reviewers.
- GitLab CI merge request pipelines: ``CI_MERGE_REQUEST_IID``, ``_TITLE``, ``_SOURCE_BRANCH_NAME``,
  ``_TARGET_BRANCH_NAME``, ``_PROJECT_URL``; such pipelines run for open merge requests. GitLab names no
  author of the request (``GITLAB_USER_NAME`` is who started the pipeline) and no comment count.
- Bitbucket Pipelines: ``BITBUCKET_PR_ID``, ``BITBUCKET_BRANCH``, ``BITBUCKET_PR_DESTINATION_BRANCH``.
- Any other CI: the number and title the CI context carries, status OPEN.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from jira_devops.ci.context import CiContext


@dataclass(frozen=True)
class PullRequestFacts:
    """What a run knows about its pull request; ``None`` fields are unknown."""

    number: str
    title: str
    status: str  # OPEN, MERGED, DECLINED or UNKNOWN
    source_branch: Optional[str] = None
    destination_branch: Optional[str] = None
    author: Optional[str] = None
    comment_count: Optional[int] = None
    url: Optional[str] = None
    last_update: Optional[str] = None
    reviewers: tuple[str, ...] = ()


def pull_request_facts(ci: CiContext, environ: Mapping[str, str]) -> Optional[PullRequestFacts]:
    """The run's pull request, or ``None`` when the run is not for one."""
    if ci.provider == "github":
        found = _github(environ)
        if found is not None:
            return found
    if ci.provider == "gitlab" and environ.get("CI_MERGE_REQUEST_IID"):
        iid = environ["CI_MERGE_REQUEST_IID"]
        project = environ.get("CI_MERGE_REQUEST_PROJECT_URL") or environ.get("CI_PROJECT_URL")
        return PullRequestFacts(
            number=iid, title=environ.get("CI_MERGE_REQUEST_TITLE") or ci.pr_title or f"Merge request !{iid}",
            status="OPEN", source_branch=environ.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") or ci.branch,
            destination_branch=environ.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"),
            url=f"{project}/-/merge_requests/{iid}" if project else None)
    if ci.provider == "bitbucket" and environ.get("BITBUCKET_PR_ID"):
        number = environ["BITBUCKET_PR_ID"]
        return PullRequestFacts(number=number, title=ci.pr_title or f"Pull request #{number}", status="OPEN",
                                source_branch=environ.get("BITBUCKET_BRANCH") or ci.branch,
                                destination_branch=environ.get("BITBUCKET_PR_DESTINATION_BRANCH"))
    if ci.pr_number:
        return PullRequestFacts(number=ci.pr_number, title=ci.pr_title or f"Pull request #{ci.pr_number}",
                                status="OPEN", source_branch=ci.branch)
    return None


def _github(environ: Mapping[str, str]) -> Optional[PullRequestFacts]:
    path = environ.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    pull = event.get("pull_request") if isinstance(event, dict) else None
    if not isinstance(pull, dict) or pull.get("number") is None:
        return None
    if pull.get("merged"):
        status = "MERGED"
    elif pull.get("state") == "closed":
        status = "DECLINED"
    elif pull.get("state") == "open":
        status = "OPEN"
    else:
        status = "UNKNOWN"
    comments = [value for value in (pull.get("comments"), pull.get("review_comments")) if isinstance(value, int)]
    return PullRequestFacts(
        number=str(pull["number"]), title=str(pull.get("title") or f"Pull request #{pull['number']}"),
        status=status, source_branch=_text(_get(pull, "head", "ref")),
        destination_branch=_text(_get(pull, "base", "ref")), author=_text(_get(pull, "user", "login")),
        comment_count=sum(comments) if comments else None, url=_text(pull.get("html_url")),
        last_update=_text(pull.get("updated_at")),
        reviewers=tuple(str(reviewer["login"]) for reviewer in pull.get("requested_reviewers") or []
                        if isinstance(reviewer, dict) and reviewer.get("login")))


def _get(data: dict[str, Any], *path: str) -> Any:
    value: Any = data
    for name in path:
        value = value.get(name) if isinstance(value, dict) else None
    return value


def _text(value: Any) -> Optional[str]:
    return str(value) if isinstance(value, (str, int)) and str(value) else None
