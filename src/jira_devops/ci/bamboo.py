"""Bamboo (Atlassian's self-hosted CI): its variables reach scripts as ``bamboo_<name>`` with ``.`` as ``_``.

The pipeline is the plan key (``PROJ-PLAN``; a plan branch has its own key), the run the plan result
``PROJ-PLAN-<buildNumber>``. ``planRepository.previousRevision`` is the revision of the previous build.
"""

from __future__ import annotations

from jira_devops.ci.context import CiContext
from jira_devops.ci.environ import BaseBranch, Env

NAME = "bamboo"
TITLE = "Bamboo"
MARKERS = (("bamboo_planKey", None), ("bamboo_buildKey", None))
ALIASES = ("atlassian-bamboo",)


def read(env: Env) -> CiContext:
    """The context of a Bamboo job (or deployment, which adds the environment's name)."""
    plan_key = env.get("bamboo_planKey")
    number = env.number("bamboo_buildNumber")
    results_url = env.first("bamboo_buildResultsUrl", "bamboo_resultsUrl")
    base = results_url.split("/browse/", 1)[0] if results_url and "/browse/" in results_url else None
    run_url = f"{base}/browse/{plan_key}-{number}" if base and plan_key and number is not None else results_url
    return CiContext(
        provider=NAME, provider_name=TITLE, pipeline_id=plan_key,
        pipeline_name=env.first("bamboo_planName", "bamboo_shortPlanName") or plan_key,
        pipeline_url=f"{base}/browse/{plan_key}" if base and plan_key else None,
        run_url=run_url, run_number=number,
        branch=env.first("bamboo_repository_pr_sourceBranch", "bamboo_planRepository_branchName"),
        commit=env.commit("bamboo_planRepository_revision"),
        previous_commit=env.commit("bamboo_planRepository_previousRevision"),
        pr_number=env.get("bamboo_repository_pr_key"),
        repository_url=env.get("bamboo_planRepository_repositoryUrl"),
        environment_name=env.get("bamboo_deploy_environment"),
        **(env.base_branch("bamboo_repository_pr_targetBranch") if env.get("bamboo_repository_pr_key")
           else BaseBranch()),
    )
