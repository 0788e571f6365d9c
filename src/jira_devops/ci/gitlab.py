"""GitLab CI/CD.

The pipeline is the project (``CI_PROJECT_PATH``) and the run number its per-project pipeline IID. In a
merged results pipeline ``CI_COMMIT_SHA`` is a merge commit GitLab made; the merge request's source
head (``CI_MERGE_REQUEST_SOURCE_BRANCH_SHA``) is reported instead. ``CI_COMMIT_BEFORE_SHA`` is all
zeros for merge request, scheduled and first pipelines, meaning "unknown"; a merge request pipeline's
range starts at ``CI_MERGE_REQUEST_DIFF_BASE_SHA`` (the merge base of the request) instead.
"""

from __future__ import annotations

from jira_devops.ci.context import CiContext
from jira_devops.ci.environ import BaseBranch, Env, url_join

NAME = "gitlab"
TITLE = "GitLab CI"
MARKERS = (("GITLAB_CI", None),)
ALIASES = ("gitlab-ci",)


def read(env: Env) -> CiContext:
    """The context of a GitLab CI job."""
    project = env.get("CI_PROJECT_PATH")
    project_url = env.get("CI_PROJECT_URL")
    tag = env.get("CI_COMMIT_TAG")
    branch = (env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") or env.get("CI_COMMIT_BRANCH")
              or (None if tag else env.get("CI_COMMIT_REF_NAME")))
    commit = env.source_head("CI_COMMIT_SHA", "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", run="merged results pipeline",
                             merge="a merge commit GitLab made", head="the merge request's source head")
    status = env.get("CI_JOB_STATUS")
    if status == "running":
        status = None  # the job's own script is still running: its outcome is not known yet
    new_branch = BaseBranch()
    if env.get("CI_COMMIT_BRANCH") and not env.commit("CI_COMMIT_BEFORE_SHA") \
            and not env.get("CI_MERGE_REQUEST_IID"):  # zeros: the branch's first pipeline (or a scheduled one)
        new_branch = env.base_branch("CI_DEFAULT_BRANCH", current=branch)
    return CiContext(
        provider=NAME, provider_name=TITLE, pipeline_id=project, pipeline_name=project,
        pipeline_url=url_join(project_url, "-", "pipelines"), run_url=env.get("CI_PIPELINE_URL"),
        run_number=env.number("CI_PIPELINE_IID"), branch=branch, tag=tag, commit=commit,
        previous_commit=env.commit("CI_COMMIT_BEFORE_SHA"),
        pr_base_commit=env.commit("CI_MERGE_REQUEST_DIFF_BASE_SHA"), pr_number=env.get("CI_MERGE_REQUEST_IID"),
        pr_title=env.get("CI_MERGE_REQUEST_TITLE"), repository_url=project_url, job_status=status,
        environment_name=env.get("CI_ENVIRONMENT_NAME"), **new_branch,
    )
