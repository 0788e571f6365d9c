"""Drone (and Harness Open Source, which sets the same ``DRONE_*`` variables).

The pipeline is ``<repo>/<stage name>``: one build runs several named pipelines that share its number.
``DRONE_COMMIT_BEFORE`` is the commit before a push.
"""

from __future__ import annotations

from jira_devops.ci.context import CiContext
from jira_devops.ci.environ import BaseBranch, Env

NAME = "drone"
TITLE = "Drone"
MARKERS = (("DRONE", "true"),)
ALIASES = ("harness",)


def read(env: Env) -> CiContext:
    """The context of a Drone pipeline step."""
    repo = env.get("DRONE_REPO")
    stage = env.get("DRONE_STAGE_NAME")
    pipeline_id = f"{repo}/{stage}" if repo and stage else repo
    proto = env.get("DRONE_SYSTEM_PROTO") or "https"
    host = env.get("DRONE_SYSTEM_HOST")
    is_pr = env.get("DRONE_BUILD_EVENT") == "pull_request"
    tag = env.get("DRONE_TAG")
    branch = env.get("DRONE_SOURCE_BRANCH") if is_pr else (None if tag else env.get("DRONE_BRANCH"))
    return CiContext(
        provider=NAME, provider_name=TITLE, pipeline_id=pipeline_id, pipeline_name=pipeline_id,
        pipeline_url=f"{proto}://{host}/{repo}" if host and repo else None,
        run_url=env.get("DRONE_BUILD_LINK"), run_number=env.number("DRONE_BUILD_NUMBER"),
        branch=branch or env.get("DRONE_COMMIT_BRANCH"), tag=tag, commit=env.commit("DRONE_COMMIT_SHA"),
        previous_commit=env.commit("DRONE_COMMIT_BEFORE"), pr_number=env.get("DRONE_PULL_REQUEST"),
        pr_title=env.get("DRONE_PULL_REQUEST_TITLE"),
        repository_url=env.first("DRONE_REPO_LINK", "DRONE_GIT_HTTP_URL"),
        job_status=env.get("DRONE_BUILD_STATUS"), environment_name=env.get("DRONE_DEPLOY_TO"),
        **(env.base_branch("DRONE_TARGET_BRANCH") if is_pr
           else BaseBranch() if tag or env.commit("DRONE_COMMIT_BEFORE")
           else env.base_branch("DRONE_REPO_BRANCH", current=branch)),
    )
