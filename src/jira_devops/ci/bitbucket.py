"""Bitbucket Pipelines (Bitbucket Cloud).

The pipeline is the repository (``BITBUCKET_REPO_FULL_NAME``) and the run ``BITBUCKET_BUILD_NUMBER``, unique
across branches; a re-run gets a new number. ``BITBUCKET_EXIT_CODE`` (in ``after-script``) gives the
step's outcome. In a pull request step ``BITBUCKET_PR_DESTINATION_COMMIT`` (the destination branch's
head, possibly a 12-character prefix) starts the range of commits whose keys count.
"""

from __future__ import annotations

from jira_devops.ci.context import CiContext
from jira_devops.ci.environ import Env, exit_status_word

NAME = "bitbucket"
TITLE = "Bitbucket Pipelines"
MARKERS = (("BITBUCKET_BUILD_NUMBER", None), ("BITBUCKET_PIPELINE_UUID", None))
ALIASES = ("bitbucket-pipelines",)


def read(env: Env) -> CiContext:
    """The context of a Bitbucket Pipelines step."""
    full_name = env.get("BITBUCKET_REPO_FULL_NAME")
    number = env.number("BITBUCKET_BUILD_NUMBER")
    origin = env.get("BITBUCKET_GIT_HTTP_ORIGIN")
    if origin and origin.startswith("http://"):
        origin = "https://" + origin[len("http://"):]  # Bitbucket gives http://; the site serves https
    repo_url = origin or (f"https://bitbucket.org/{full_name}" if full_name else None)
    pipelines = f"{repo_url}/pipelines" if repo_url else None
    return CiContext(
        provider=NAME, provider_name=TITLE, pipeline_id=full_name, pipeline_name=full_name,
        pipeline_url=pipelines,
        run_url=f"{pipelines}/results/{number}" if pipelines and number is not None else None,
        run_number=number, branch=env.get("BITBUCKET_BRANCH"), tag=env.get("BITBUCKET_TAG"),
        commit=env.commit("BITBUCKET_COMMIT"),
        pr_base_commit=env.commit("BITBUCKET_PR_DESTINATION_COMMIT") if env.get("BITBUCKET_PR_ID") else None,
        pr_number=env.get("BITBUCKET_PR_ID"),
        repository_url=repo_url, job_status=exit_status_word(env.get("BITBUCKET_EXIT_CODE")),
        environment_name=env.get("BITBUCKET_DEPLOYMENT_ENVIRONMENT"),
    )
