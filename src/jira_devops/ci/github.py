"""GitHub Actions: default variables plus the event payload that GITHUB_EVENT_PATH names.

The pipeline is the workflow file (``GITHUB_WORKFLOW_REF`` without ``@ref``), stable across runs and
renames of the workflow's display name. For ``pull_request`` events GitHub checks out a merge commit it
made (``GITHUB_SHA``); the commit reported is the pull request's head, read from the event payload, and
the pull request's base (``pull_request.base.sha``) starts the range of commits whose keys count. A push
that creates a branch (``before`` all zeros) reads the commits since the merge base with the repository's
default branch.
"""

from __future__ import annotations

from typing import Any, Optional

from jira_devops.ci.context import CiContext
from jira_devops.ci.environ import Env, is_zero_sha, split_ref

NAME = "github"
TITLE = "GitHub Actions"
MARKERS = (("GITHUB_ACTIONS", "true"),)
ALIASES = ("github-actions", "gha")

_PR_EVENTS = ("pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment")


def read(env: Env) -> CiContext:
    """The context of a GitHub Actions run."""
    server = (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
    repo = env.get("GITHUB_REPOSITORY")
    workflow = env.get("GITHUB_WORKFLOW")
    repo_url = f"{server}/{repo}" if repo else None
    pipeline_id, workflow_file = _pipeline(env, repo, workflow)

    attempt = env.number("GITHUB_RUN_ATTEMPT")
    run_id = env.get("GITHUB_RUN_ID")
    run_url = None
    if repo_url and run_id:
        run_url = f"{repo_url}/actions/runs/{run_id}"
        if attempt and attempt > 1:
            run_url += f"/attempts/{attempt}"
    pipeline_url = None
    if repo_url:
        pipeline_url = f"{repo_url}/actions/workflows/{workflow_file}" if workflow_file else f"{repo_url}/actions"

    ref_branch, tag = split_ref(env.get("GITHUB_REF"))
    if env.get("GITHUB_REF_TYPE") == "tag":
        tag = tag or env.get("GITHUB_REF_NAME")
    branch = env.get("GITHUB_HEAD_REF") or ref_branch

    event_name = env.get("GITHUB_EVENT_NAME")
    event = env.json_file("GITHUB_EVENT_PATH") or {}
    commit = env.commit("GITHUB_SHA")
    pull_request = event.get("pull_request")
    pr_number = _pr_number_from_ref(env.get("GITHUB_REF"))
    pr_title = None
    pr_base = None
    if isinstance(pull_request, dict):
        pr_title = _text(pull_request.get("title"))
        number = pull_request.get("number")
        pr_number = str(number) if isinstance(number, int) else pr_number
        head = pull_request.get("head")
        head_sha = _text(head.get("sha")) if isinstance(head, dict) else None
        if head_sha and head_sha != commit:
            what = ("a merge commit GitHub made" if event_name == "pull_request"
                    else "not the pull request's head")
            env.note(f"{event_name or 'pull request'} event: GITHUB_SHA {(commit or '?')[:7]} is {what}; "
                     f"reporting the pull request head {head_sha[:7]} instead")
            commit = head_sha
        base = pull_request.get("base")
        pr_base = _text(base.get("sha")) if isinstance(base, dict) else None
    elif event_name in _PR_EVENTS and env.get("GITHUB_EVENT_PATH") is None:
        env.note(f"{event_name} event but GITHUB_EVENT_PATH is not set: the pull request title and head "
                 f"commit are unknown, GITHUB_SHA {(commit or '?')[:7]} is reported")

    previous = None
    base_branch = None
    before = _text(event.get("before"))
    if event_name == "push" and before and not is_zero_sha(before):
        previous = before
    elif event_name == "push" and before and not tag:  # a push that created the branch
        repository = event.get("repository")
        default = _text(repository.get("default_branch")) if isinstance(repository, dict) else None
        base_branch = default if default != branch else None

    return CiContext(
        provider=NAME, provider_name=TITLE, pipeline_id=pipeline_id, pipeline_name=workflow or pipeline_id,
        pipeline_url=pipeline_url, run_url=run_url, run_number=env.number("GITHUB_RUN_NUMBER"),
        attempt=attempt, branch=branch, tag=tag, commit=commit, previous_commit=previous,
        pr_base_commit=pr_base, base_branch=base_branch,
        base_branch_source="the push event's repository.default_branch (a new branch)" if base_branch else None,
        pr_number=pr_number, pr_title=pr_title, repository_url=repo_url,
    )


def _pipeline(env: Env, repo: Optional[str], workflow: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """The pipeline ID (``owner/repo/.github/workflows/ci.yml``) and the workflow file's name."""
    workflow_ref = env.get("GITHUB_WORKFLOW_REF")
    if workflow_ref:
        path = workflow_ref.split("@", 1)[0]
        return path, path.rsplit("/", 1)[-1]
    if repo and workflow:
        env.note("GITHUB_WORKFLOW_REF is not set (an older GitHub Enterprise Server?): the pipeline ID comes "
                 "from the workflow's name and changes if the workflow is renamed")
        return f"{repo}/{workflow}", None
    return repo, None


def _pr_number_from_ref(ref: Optional[str]) -> Optional[str]:
    if ref and ref.startswith("refs/pull/"):
        number = ref.split("/")[2]
        return number if number.isdigit() else None
    return None


def _text(value: Any) -> Optional[str]:
    return value.strip() or None if isinstance(value, str) else None
