"""CircleCI: job-level variables only (pipeline values such as ``pipeline.number`` are not in the environment).

The pipeline is the project (``CIRCLE_PROJECT_USERNAME/CIRCLE_PROJECT_REPONAME``) and the run number the
job number ``CIRCLE_BUILD_NUM``, which increases across the project.
"""

from __future__ import annotations

from jira_devops.ci.context import CiContext
from jira_devops.ci.environ import Env

NAME = "circleci"
TITLE = "CircleCI"
MARKERS = (("CIRCLECI", "true"),)
ALIASES = ("circle",)


def read(env: Env) -> CiContext:
    """The context of a CircleCI job."""
    owner = env.get("CIRCLE_PROJECT_USERNAME")
    repo = env.get("CIRCLE_PROJECT_REPONAME")
    project = f"{owner}/{repo}" if owner and repo else None
    pull_request = env.get("CIRCLE_PULL_REQUEST")
    pr_number = env.get("CIRCLE_PR_NUMBER")
    if not pr_number and pull_request:
        last = pull_request.rstrip("/").rsplit("/", 1)[-1]
        pr_number = last if last.isdigit() else None
    tag = env.get("CIRCLE_TAG")
    return CiContext(
        provider=NAME, provider_name=TITLE, pipeline_id=project, pipeline_name=project,
        run_url=env.get("CIRCLE_BUILD_URL"), run_number=env.number("CIRCLE_BUILD_NUM"),
        branch=None if tag else env.get("CIRCLE_BRANCH"), tag=tag, commit=env.commit("CIRCLE_SHA1"),
        pr_number=pr_number, repository_url=env.get("CIRCLE_REPOSITORY_URL"),
    )
