"""Woodpecker CI (``CI=woodpecker``).

The pipeline is ``<repo>/<workflow name>``: one pipeline runs several workflows that share its number.
``CI_PREV_COMMIT_SHA`` is the commit of the repository's previous pipeline; it is used as the previous
successful commit only when that pipeline succeeded on the same branch.
"""

from __future__ import annotations

from jira_devops.ci.context import CiContext
from jira_devops.ci.environ import BaseBranch, Env

NAME = "woodpecker"
TITLE = "Woodpecker CI"
MARKERS = (("CI", "woodpecker"),)
ALIASES = ()


def read(env: Env) -> CiContext:
    """The context of a Woodpecker step."""
    repo = env.get("CI_REPO")
    workflow = env.get("CI_WORKFLOW_NAME")
    pipeline_id = f"{repo}/{workflow}" if repo and workflow else repo
    is_pr = env.get("CI_PIPELINE_EVENT") == "pull_request"
    tag = env.get("CI_COMMIT_TAG")
    branch = env.get("CI_COMMIT_SOURCE_BRANCH") if is_pr else (None if tag else env.get("CI_COMMIT_BRANCH"))
    previous = None
    if (env.get("CI_PREV_PIPELINE_STATUS") == "success"
            and env.get("CI_PREV_COMMIT_BRANCH") == env.get("CI_COMMIT_BRANCH")):
        previous = env.commit("CI_PREV_COMMIT_SHA")
    return CiContext(
        provider=NAME, provider_name=TITLE, pipeline_id=pipeline_id, pipeline_name=pipeline_id,
        pipeline_url=env.get("CI_REPO_URL"), run_url=env.get("CI_PIPELINE_URL"),
        run_number=env.number("CI_PIPELINE_NUMBER"), branch=branch, tag=tag,
        commit=env.commit("CI_COMMIT_SHA"), previous_commit=previous,
        pr_number=env.get("CI_COMMIT_PULL_REQUEST"), repository_url=env.get("CI_REPO_URL"),
        job_status=env.get("CI_PIPELINE_STATUS"), environment_name=env.get("CI_PIPELINE_DEPLOY_TARGET"),
        **(env.base_branch("CI_COMMIT_TARGET_BRANCH") if is_pr
           else BaseBranch() if tag or previous else env.base_branch("CI_REPO_DEFAULT_BRANCH", current=branch)),
    )
