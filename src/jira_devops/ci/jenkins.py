"""Jenkins (pipeline, multibranch and freestyle jobs with the git plugin).

``GIT_PREVIOUS_SUCCESSFUL_COMMIT`` is the commit of this job's last successful build, so the commits of
a run are ``previous..HEAD``. ``GIT_BRANCH`` carries the remote's name (``origin/main``), which is
stripped; multibranch jobs give ``BRANCH_NAME`` (``PR-12`` for a pull request, whose source branch is
``CHANGE_BRANCH``). A pull request build with no previous successful build reads the commits since the
merge base with ``CHANGE_TARGET``, its target branch.

``JOB_NAME`` holds each folder and job as a URL path segment, so a multibranch job for ``feature/x`` is
``acme/api/feature%2Fx``: that stays the pipeline ID (stable, and what earlier reports used), while the name
shown in Jira is decoded segment by segment (``acme/api/feature/x``).
"""

from __future__ import annotations

from typing import Optional
from urllib.parse import unquote

from jira_devops.ci.context import CiContext
from jira_devops.ci.environ import BaseBranch, Env

NAME = "jenkins"
TITLE = "Jenkins"
MARKERS = (("JENKINS_URL", None), ("HUDSON_URL", None), ("JENKINS_HOME", None))
ALIASES = ("hudson",)


def read(env: Env) -> CiContext:
    """The context of a Jenkins build."""
    job = env.get("JOB_NAME")
    tag = env.get("TAG_NAME")
    branch_name = env.get("BRANCH_NAME")
    if tag and branch_name == tag:
        branch_name = None
    branch = (env.get("CHANGE_BRANCH") or branch_name or env.get("GIT_LOCAL_BRANCH")
              or strip_remote(env.get("GIT_BRANCH")))
    commit = env.commit("GIT_COMMIT")
    previous = env.commit("GIT_PREVIOUS_SUCCESSFUL_COMMIT")
    if previous and previous == commit:
        env.note(f"GIT_PREVIOUS_SUCCESSFUL_COMMIT is this build's commit {commit[:7]} (a rebuild): "
                 "no new commits since the last successful build")
    target = env.base_branch("CHANGE_TARGET") if env.get("CHANGE_ID") else BaseBranch()
    return CiContext(
        provider=NAME, provider_name=TITLE, pipeline_id=job, pipeline_name=display_name(job),
        pipeline_url=env.first("JOB_DISPLAY_URL", "JOB_URL"),
        run_url=env.first("RUN_DISPLAY_URL", "BUILD_URL"), run_number=env.number("BUILD_NUMBER"),
        branch=branch, tag=tag, commit=commit, previous_commit=previous,
        **target,
        pr_number=env.get("CHANGE_ID"), pr_title=env.get("CHANGE_TITLE"),
        repository_url=env.first("GIT_URL", "GIT_URL_1"),
    )


def display_name(job: Optional[str]) -> Optional[str]:
    """``acme/api/feature%2Fx`` -> ``acme/api/feature/x``: each path segment of a job name decoded."""
    if not job:
        return job
    return "/".join(unquote(segment) for segment in job.split("/"))


def strip_remote(git_branch: Optional[str]) -> Optional[str]:
    """``origin/feature/x`` -> ``feature/x``: the git plugin prefixes the remote's name.

    ``refs/remotes/origin/x`` and ``refs/heads/x`` are understood; a name without ``/`` is kept.
    """
    if not git_branch:
        return None
    name = git_branch
    if name.startswith("refs/heads/"):
        return name[len("refs/heads/"):] or None
    if name.startswith("refs/remotes/"):
        name = name[len("refs/remotes/"):]
    if "/" not in name:
        return name
    return name.split("/", 1)[1] or None
