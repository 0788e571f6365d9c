"""The CI's own memory as a deploy history: the previous successful commit of this job.

Jenkins (``GIT_PREVIOUS_SUCCESSFUL_COMMIT``) and some other CIs remember the commit the job last
succeeded with. It is per job rather than per environment, so it is the last resort; it suits pipelines
where one job deploys to one environment.
"""

from __future__ import annotations

import re
from typing import Optional

from jira_devops.ci.context import CiContext

_COMMIT_ID = re.compile(r"^[0-9a-fA-F]{7,64}$")


def previous_successful_commit(ci: CiContext) -> Optional[str]:
    """The commit id the CI says this job last succeeded with, when it says one."""
    value = (ci.previous_commit or "").strip()
    return value.lower() if _COMMIT_ID.match(value) else None


def describe(ci: CiContext) -> str:
    """Where the commit came from, for the summary."""
    if ci.provider == "generic":
        return "the previous successful commit (CI)"
    return f"the previous successful commit ({ci.provider_name})"
