"""Azure Pipelines: predefined variables reach scripts upper-cased with ``.`` as ``_``.

The pipeline is ``<organisation>/<project>/<definition id>`` (the ID survives renames) and the run number
``Build.BuildId``, because ``Build.BuildNumber`` follows a format (``20240101.3``) and need not be a
number. For pull request builds ``Build.SourceVersion`` is a merge commit; the pull request's head
(``System.PullRequest.SourceCommitId``) is reported instead.
"""

from __future__ import annotations

from typing import Optional
from urllib.parse import quote, urlsplit

from jira_devops.ci.context import CiContext
from jira_devops.ci.environ import BaseBranch, Env, split_ref

NAME = "azure"
TITLE = "Azure Pipelines"
MARKERS = (("TF_BUILD", "true"),)
ALIASES = ("azure-pipelines", "azure-devops", "vsts")


def read(env: Env) -> CiContext:
    """The context of an Azure Pipelines job."""
    collection = env.first("SYSTEM_COLLECTIONURI", "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI")
    project = env.get("SYSTEM_TEAMPROJECT")
    definition = env.get("SYSTEM_DEFINITIONID")
    build_id = env.number("BUILD_BUILDID")
    organisation = _organisation(collection)
    pipeline_id = "/".join(part for part in (organisation, project, definition) if part) if definition else None
    project_url = f"{collection.rstrip('/')}/{quote(project)}" if collection and project else None

    pr_branch = env.get("SYSTEM_PULLREQUEST_SOURCEBRANCH")
    source_branch, tag = split_ref(env.get("BUILD_SOURCEBRANCH"))
    branch = split_ref(pr_branch)[0] if pr_branch else source_branch
    commit = env.commit("BUILD_SOURCEVERSION")
    pr_number = env.first("SYSTEM_PULLREQUEST_PULLREQUESTNUMBER", "SYSTEM_PULLREQUEST_PULLREQUESTID")
    if pr_number:
        commit = env.source_head("BUILD_SOURCEVERSION", "SYSTEM_PULLREQUEST_SOURCECOMMITID")
        if env.commit("SYSTEM_PULLREQUEST_SOURCECOMMITID") is None:
            env.note(f"pull request build without SYSTEM_PULLREQUEST_SOURCECOMMITID: reporting "
                     f"BUILD_SOURCEVERSION {(commit or '?')[:7]}, which may be a merge commit")
    return CiContext(
        provider=NAME, provider_name=TITLE, pipeline_id=pipeline_id,
        pipeline_name=env.get("BUILD_DEFINITIONNAME") or pipeline_id,
        pipeline_url=f"{project_url}/_build?definitionId={definition}" if project_url and definition else None,
        run_url=(f"{project_url}/_build/results?buildId={build_id}"
                 if project_url and build_id is not None else None),
        run_number=build_id, attempt=env.number("SYSTEM_JOBATTEMPT"), branch=branch, tag=tag, commit=commit,
        pr_number=pr_number, repository_url=env.get("BUILD_REPOSITORY_URI"),
        **(env.base_branch("SYSTEM_PULLREQUEST_TARGETBRANCH") if pr_number else BaseBranch()),
        job_status=env.get("AGENT_JOBSTATUS"), environment_name=env.get("ENVIRONMENT_NAME"),
    )


def _organisation(collection: Optional[str]) -> Optional[str]:
    """``fabrikam`` from ``https://dev.azure.com/fabrikam/`` or ``https://fabrikam.visualstudio.com/``."""
    if not collection:
        return None
    parts = urlsplit(collection)
    host = parts.hostname or ""
    segments = [segment for segment in parts.path.split("/") if segment]
    if host.endswith(".visualstudio.com"):
        return host.split(".", 1)[0]
    return segments[-1] if segments else host or None
