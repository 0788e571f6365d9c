"""Buildkite.

The pipeline is ``<organisation slug>/<pipeline slug>``. ``BUILDKITE_COMMIT`` can be a symbolic name such as
``HEAD`` for builds started by hand; then the commit is left to git. ``BUILDKITE_PULL_REQUEST`` is
``false`` outside pull requests.
"""

from __future__ import annotations

from jira_devops.ci.context import CiContext
from jira_devops.ci.environ import BaseBranch, Env, exit_status_word

NAME = "buildkite"
TITLE = "Buildkite"
MARKERS = (("BUILDKITE", "true"),)
ALIASES = ()


def read(env: Env) -> CiContext:
    """The context of a Buildkite job."""
    org = env.get("BUILDKITE_ORGANIZATION_SLUG")
    slug = env.get("BUILDKITE_PIPELINE_SLUG")
    pipeline_id = f"{org}/{slug}" if org and slug else slug
    pull_request = env.get("BUILDKITE_PULL_REQUEST")
    retries = env.number("BUILDKITE_RETRY_COUNT")
    commit_text = env.get("BUILDKITE_COMMIT")
    commit = None
    if commit_text and commit_text.upper() == "HEAD":
        env.note("BUILDKITE_COMMIT is 'HEAD' (a build started by hand): the commit comes from git")
    else:
        commit = env.commit("BUILDKITE_COMMIT")
    tag = env.get("BUILDKITE_TAG")
    return CiContext(
        provider=NAME, provider_name=TITLE, pipeline_id=pipeline_id,
        pipeline_name=env.get("BUILDKITE_PIPELINE_NAME") or pipeline_id,
        pipeline_url=f"https://buildkite.com/{org}/{slug}" if org and slug else None,
        run_url=env.get("BUILDKITE_BUILD_URL"), run_number=env.number("BUILDKITE_BUILD_NUMBER"),
        attempt=retries + 1 if retries is not None else None,
        branch=None if tag else env.get("BUILDKITE_BRANCH"), tag=tag, commit=commit,
        pr_number=pull_request if pull_request and pull_request != "false" else None,
        repository_url=env.get("BUILDKITE_REPO"),
        job_status=exit_status_word(env.get("BUILDKITE_COMMAND_EXIT_STATUS")),
        **(env.base_branch("BUILDKITE_PULL_REQUEST_BASE_BRANCH")
           if pull_request and pull_request != "false" else BaseBranch()),
    )
