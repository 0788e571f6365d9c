"""CI detection: turn a CI provider's environment into a :class:`CiContext`.

Each supported CI has a module here that reads its variables (and files they name, such as GitHub's
event payload); :mod:`jira_devops.ci.registry` lists them in detection order. ``JIRA_DEVOPS_JOB_STATUS``
(set by the wrappers from the job's outcome) is the job status whatever the CI.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Optional

from jira_devops.ci.context import CiContext
from jira_devops.ci.environ import Env
from jira_devops.errors import UsageError

__all__ = ["JOB_STATUS_VARIABLE", "CiContext", "detect"]

JOB_STATUS_VARIABLE = "JIRA_DEVOPS_JOB_STATUS"


def detect(environ: Optional[Mapping[str, str]] = None, *, force: Optional[str] = None) -> CiContext:
    """Return the context of the CI this process runs in (``generic`` when none is recognised).

    ``force`` names a provider (``--ci``): its variables are read even if its marker is missing, and
    ``generic`` reads none. An unknown name is a :class:`UsageError` listing the known ones.
    """
    from jira_devops.ci import registry  # noqa: PLC0415 - provider modules only when detecting

    env = Env(os.environ if environ is None else environ)
    context = CiContext()
    if force is not None and force.strip():
        provider = registry.find(force)
        if provider is None and force.strip().lower() != registry.GENERIC:
            raise UsageError(f"unknown CI {force!r}", hint=f"use one of {', '.join(registry.names())}")
        if provider is not None:
            marker = provider.matched_by(env)
            if marker is None:
                env.note(f"--ci {provider.name} was given but {provider.markers[0][0]} is not set: "
                         f"reading the {provider.title} variables anyway")
            context = dataclasses.replace(provider.read(env), detected_by=f"--ci {provider.name}")
        else:
            context = dataclasses.replace(context, detected_by=f"--ci {registry.GENERIC}")
    else:
        for provider in registry.PROVIDERS:
            marker = provider.matched_by(env)
            if marker is not None:
                context = dataclasses.replace(provider.read(env), detected_by=marker)
                break
    status = env.get(JOB_STATUS_VARIABLE)
    if status is not None:
        context = dataclasses.replace(context, job_status=status)
    return dataclasses.replace(context, notes=tuple(env.notes))
