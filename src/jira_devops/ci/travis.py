"""Travis CI.

For pull request builds ``TRAVIS_COMMIT`` is the merge commit Travis tests; the pull request's head
(``TRAVIS_PULL_REQUEST_SHA``) is reported instead. ``TRAVIS_COMMIT_RANGE`` (``a...b``) gives the commit
before a push.
"""

from __future__ import annotations

from jira_devops.ci.context import CiContext
from jira_devops.ci.environ import BaseBranch, Env, exit_status_word, is_zero_sha

NAME = "travis"
TITLE = "Travis CI"
MARKERS = (("TRAVIS", "true"),)
ALIASES = ("travis-ci",)


def read(env: Env) -> CiContext:
    """The context of a Travis CI job."""
    slug = env.get("TRAVIS_REPO_SLUG")
    build_url = env.get("TRAVIS_BUILD_WEB_URL")
    pipeline_url = build_url.split("/builds/", 1)[0] if build_url and "/builds/" in build_url else None
    pull_request = env.get("TRAVIS_PULL_REQUEST")
    is_pr = bool(pull_request and pull_request != "false")
    tag = env.get("TRAVIS_TAG")
    commit = env.commit("TRAVIS_COMMIT")
    previous = None
    if is_pr:
        commit = env.source_head("TRAVIS_COMMIT", "TRAVIS_PULL_REQUEST_SHA")
    else:
        commit_range = env.get("TRAVIS_COMMIT_RANGE") or ""
        start = commit_range.split("...", 1)[0] if "..." in commit_range else ""
        previous = start if start and not is_zero_sha(start) else None
    return CiContext(
        provider=NAME, provider_name=TITLE, pipeline_id=slug, pipeline_name=slug, pipeline_url=pipeline_url,
        run_url=build_url, run_number=env.number("TRAVIS_BUILD_NUMBER"),
        branch=env.get("TRAVIS_PULL_REQUEST_BRANCH") if is_pr else (None if tag else env.get("TRAVIS_BRANCH")),
        tag=tag, commit=commit, previous_commit=previous, pr_number=pull_request if is_pr else None,
        repository_url=None, job_status=exit_status_word(env.get("TRAVIS_TEST_RESULT")),
        **(env.base_branch("TRAVIS_BRANCH") if is_pr else BaseBranch()),  # a pull request's TRAVIS_BRANCH is its target
    )
