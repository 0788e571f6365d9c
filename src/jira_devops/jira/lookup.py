"""Which stored build or deployment a command means: from the flags, the CI and the repository.

The pipeline ID and the environment ID default exactly as they do when reporting (so that a command run
in the same job finds what the report sent); the numbers default to the CI's run number only where a
command allows it (``gate-status``, ``get-*``), never for deleting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional, Union

from jira_devops.ci.context import CiContext
from jira_devops.errors import UsageError
from jira_devops.settings import Settings


@dataclass(frozen=True)
class BuildKey:
    """One build: pipeline and build number."""

    pipeline_id: str
    build_number: int

    check_hint = "check --pipeline-id and --build-number"

    def describe(self) -> str:
        """``build acme/api #42``."""
        return f"build {self.pipeline_id} #{self.build_number}"

    def to_json(self) -> dict[str, Any]:
        """The key as the API spells it."""
        return {"pipelineId": self.pipeline_id, "buildNumber": self.build_number}


@dataclass(frozen=True)
class DeploymentKey:
    """One deployment: pipeline, environment and deployment sequence number."""

    pipeline_id: str
    environment_id: str
    deployment_number: int

    check_hint = "check --pipeline-id, --environment-id and --deployment-number"

    @classmethod
    def from_api(cls, key: dict[str, Any]) -> DeploymentKey:
        """The key of an accepted deployment as Jira echoes it."""
        return cls(str(key["pipelineId"]), str(key["environmentId"]), int(key["deploymentSequenceNumber"]))

    def describe(self) -> str:
        """``deployment acme/api #42 to production``."""
        return f"deployment {self.pipeline_id} #{self.deployment_number} to {self.environment_id}"

    def to_json(self) -> dict[str, Any]:
        """The key as the API spells it."""
        return {"pipelineId": self.pipeline_id, "environmentId": self.environment_id,
                "deploymentSequenceNumber": self.deployment_number}

    def gate_status_command(self) -> str:
        """The command that checks this deployment's gate later."""
        import shlex  # noqa: PLC0415

        return (f"jira-devops gate-status --pipeline-id {shlex.quote(self.pipeline_id)} "
                f"--environment-id {shlex.quote(self.environment_id)} "
                f"--deployment-number {self.deployment_number}")


ItemKey = Union[BuildKey, DeploymentKey]


def item_key(api: str, item: Mapping[str, Any]) -> ItemKey:
    """The key of one build or deployment, from a request body's item (``pipeline.id``, ``environment.id``)
    or from Jira's echo of it (``pipelineId``, ``environmentId``); the one place an item is identified."""
    pipeline = item.get("pipelineId") or _id_of(item.get("pipeline"))
    if api == "builds":
        return BuildKey(str(pipeline), _as_number(item.get("buildNumber")))
    environment = item.get("environmentId") or _id_of(item.get("environment"))
    return DeploymentKey(str(pipeline), str(environment), _as_number(item.get("deploymentSequenceNumber")))


def describe_item(api: str, item: Mapping[str, Any]) -> str:
    """``build acme/api #42`` or ``deployment acme/api #42 to production``, for a body item or Jira's key;
    ``repository github.com~acme~shop (commits: 3)`` and ``flag new-checkout`` for the other two APIs."""
    if api == "devinfo":
        entity = f" {item['type']} {item['id']}" if item.get("type") and item.get("id") else ""
        counts = ", ".join(f"{name}: {len(item[name])}" for name in ("commits", "branches", "pullRequests")
                           if isinstance(item.get(name), list) and item[name])
        name = item.get("repositoryId") or item.get("id")
        return f"repository {name}{entity}" + (f" ({counts})" if counts else "")
    if api == "featureflags":
        return f"flag {item.get('flagId') or item.get('key') or item.get('id')}"
    return item_key(api, item).describe()


def _id_of(value: Any) -> Any:
    return value.get("id") if isinstance(value, Mapping) else None


def _as_number(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # a malformed item (an outbox file edited by hand): still named, never matched


def _pipeline_id(settings: Settings, ci: CiContext) -> str:
    pipeline_id = settings.pipeline_id or ci.pipeline_id
    if not pipeline_id:
        from jira_devops.history.git import Repository  # noqa: PLC0415
        from jira_devops.jira.payloads import default_pipeline_id, git_facts  # noqa: PLC0415

        pipeline_id = default_pipeline_id(settings, ci, git_facts(Repository.find(settings.repo or ".")))
    if not pipeline_id:
        raise UsageError("no pipeline ID: not in a recognised CI and no git repository to name it after",
                         hint="pass --pipeline-id")
    return pipeline_id


def _number(given: Optional[int], ci: CiContext, flag: str, *, from_ci: bool) -> int:
    number = given if given is not None else (ci.run_number if from_ci else None)
    if number is None:
        hint = f"pass {flag}" + ("" if from_ci else " (deleting never guesses which one)")
        raise UsageError(f"no {flag[2:].replace('-', ' ')} given", hint=hint)
    if number < 0:
        raise UsageError(f"{flag} must not be negative")
    return number


def build_key(settings: Settings, ci: CiContext, *, number_from_ci: bool = True) -> BuildKey:
    """The build the settings name; a :class:`UsageError` says which flag is missing."""
    number = _number(settings.build_number, ci, "--build-number", from_ci=number_from_ci)
    return BuildKey(_pipeline_id(settings, ci), number)


def deployment_key(settings: Settings, ci: CiContext, *, number_from_ci: bool = True) -> DeploymentKey:
    """The deployment the settings name; a :class:`UsageError` says which flag is missing."""
    from jira_devops.environments import slugify  # noqa: PLC0415

    environment_id = settings.environment_id
    if not environment_id:
        name = settings.environment or ci.environment_name
        if not name:
            raise UsageError("no environment given", hint="pass --environment-id ID or --environment NAME")
        environment_id = slugify(name)
    number = _number(settings.deployment_number, ci, "--deployment-number", from_ci=number_from_ci)
    return DeploymentKey(_pipeline_id(settings, ci), environment_id, number)
