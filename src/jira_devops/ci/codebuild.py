"""AWS CodeBuild.

The pipeline is ``<region>/<project>`` (from ``CODEBUILD_BUILD_ARN``) and the run ``CODEBUILD_BUILD_NUMBER``.
Webhook builds say what triggered them (``CODEBUILD_WEBHOOK_TRIGGER``: ``branch/x``, ``tag/v1``, ``pr/7``)
and the commit before a push (``CODEBUILD_WEBHOOK_PREV_COMMIT``).
"""

from __future__ import annotations

from jira_devops.ci.context import CiContext
from jira_devops.ci.environ import BaseBranch, Env, split_ref

NAME = "codebuild"
TITLE = "AWS CodeBuild"
MARKERS = (("CODEBUILD_BUILD_ID", None), ("CODEBUILD_BUILD_ARN", None))
ALIASES = ("aws-codebuild",)


def read(env: Env) -> CiContext:
    """The context of an AWS CodeBuild build."""
    arn = env.get("CODEBUILD_BUILD_ARN") or ""
    arn_parts = arn.split(":")
    region = arn_parts[3] if len(arn_parts) > 5 else env.get("AWS_REGION")
    account = arn_parts[4] if len(arn_parts) > 5 else None
    build_id = env.get("CODEBUILD_BUILD_ID") or ""
    project = build_id.split(":", 1)[0] or None
    pipeline_id = f"{region}/{project}" if region and project else project

    branch, tag = split_ref(env.get("CODEBUILD_WEBHOOK_HEAD_REF"))
    trigger = env.get("CODEBUILD_WEBHOOK_TRIGGER") or ""
    kind, _, value = trigger.partition("/")
    pr_number = value if kind == "pr" and value else None
    if kind == "branch" and value:
        branch = branch or value
    if kind == "tag" and value:
        tag = tag or value
    console = (f"https://{region}.console.aws.amazon.com/codesuite/codebuild/{account}/projects/{project}"
               if region and account and project else None)
    return CiContext(
        provider=NAME, provider_name=TITLE, pipeline_id=pipeline_id, pipeline_name=project,
        pipeline_url=console, run_url=env.get("CODEBUILD_BUILD_URL"),
        run_number=env.number("CODEBUILD_BUILD_NUMBER"), branch=branch, tag=tag,
        commit=env.commit("CODEBUILD_RESOLVED_SOURCE_VERSION"),
        previous_commit=env.commit("CODEBUILD_WEBHOOK_PREV_COMMIT"), pr_number=pr_number,
        repository_url=env.get("CODEBUILD_SOURCE_REPO_URL"),
        job_status={"1": "success", "0": "failed"}.get(env.get("CODEBUILD_BUILD_SUCCEEDING") or ""),
        **(env.base_branch("CODEBUILD_WEBHOOK_BASE_REF") if pr_number else BaseBranch()),
    )
