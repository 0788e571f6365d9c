"""Managing what was sent: read back or delete a stored build or deployment, or delete by properties.

Jira deletes asynchronously: a delete is accepted (202) and the data disappears a little later. Properties
are never returned by Jira; they exist so that everything sent with them can be deleted in one call.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Optional

from jira_devops.errors import NotFoundError, UsageError
from jira_devops.jira.lookup import BuildKey, DeploymentKey
from jira_devops.jira.models import DEVOPS_APIS, DevOpsApi
from jira_devops.settings import Settings

if TYPE_CHECKING:
    from jira_devops.jira.client import DevOpsClient

# What each API keeps, as the confirmation of a deletion by properties names it.
API_NAMES: dict[DevOpsApi, str] = {"builds": "build", "deployments": "deployment",
                                   "devinfo": "repository (with its commits, branches and pull requests)",
                                   "featureflags": "feature flag"}


@contextmanager
def _client(settings: Settings) -> Iterator[DevOpsClient]:
    from jira_devops.jira.client import DevOpsClient  # noqa: PLC0415
    from jira_devops.jira.connection import connection_from_settings  # noqa: PLC0415

    with DevOpsClient.open(connection_from_settings(settings)) as client:
        yield client


def get_build(settings: Settings, key: BuildKey) -> dict[str, Any]:
    """The build Jira stores under ``key``; :class:`NotFoundError` when there is none."""
    with _client(settings) as client:
        build = client.get_build(key.pipeline_id, key.build_number)
    if build is None:
        raise NotFoundError(f"Jira has no {key.describe()}", hint=key.check_hint)
    return build


def get_deployment(settings: Settings, key: DeploymentKey) -> dict[str, Any]:
    """The deployment Jira stores under ``key``; :class:`NotFoundError` when there is none."""
    with _client(settings) as client:
        deployment = client.get_deployment(key.pipeline_id, key.environment_id, key.deployment_number)
    if deployment is None:
        raise NotFoundError(f"Jira has no {key.describe()}", hint=key.check_hint)
    return deployment


def delete_build(settings: Settings, key: BuildKey) -> None:
    """Delete one build; :class:`NotFoundError` when Jira has none."""
    with _client(settings) as client:
        found = client.delete_build(key.pipeline_id, key.build_number)
    if not found:
        raise NotFoundError(f"nothing deleted: Jira has no {key.describe()}", hint=key.check_hint)


def delete_deployment(settings: Settings, key: DeploymentKey) -> None:
    """Delete one deployment; :class:`NotFoundError` when Jira has none."""
    with _client(settings) as client:
        found = client.delete_deployment(key.pipeline_id, key.environment_id, key.deployment_number)
    if not found:
        raise NotFoundError(f"nothing deleted: Jira has no {key.describe()}", hint=key.check_hint)


def get_repository(settings: Settings, repository_id: str) -> dict[str, Any]:
    """The repository Jira stores under ``repository_id``; :class:`NotFoundError` when there is none."""
    with _client(settings) as client:
        repository = client.get_repository(repository_id)
    if repository is None:
        raise NotFoundError(f"Jira has no repository {repository_id}",
                            hint="check --repository-id or --repository-url (get-repository names the ID it used)")
    return repository


def delete_repository(settings: Settings, repository_id: str) -> None:
    """Delete a repository and everything Jira stores in it (asynchronously)."""
    with _client(settings) as client:
        client.delete_repository(repository_id)


def delete_devinfo_entity(settings: Settings, repository_id: str, entity_type: str, entity_id: str) -> None:
    """Delete one commit, branch or pull request of a repository (asynchronously)."""
    with _client(settings) as client:
        client.delete_devinfo_entity(repository_id, entity_type, entity_id)  # type: ignore[arg-type]


def get_flag(settings: Settings, flag_id: str) -> dict[str, Any]:
    """The feature flag Jira stores under ``flag_id``; :class:`NotFoundError` when there is none."""
    with _client(settings) as client:
        flag = client.get_flag(flag_id)
    if flag is None:
        raise NotFoundError(f"Jira has no feature flag {flag_id}", hint="check --flag-id (default: --flag-key)")
    return flag


def delete_flag(settings: Settings, flag_id: str) -> None:
    """Delete one feature flag (asynchronously)."""
    with _client(settings) as client:
        client.delete_flag(flag_id)


def properties_to_delete(items: Optional[Sequence[str]]) -> dict[str, str]:
    """The ``k=v`` properties to delete by, validated as for reporting; at least one is needed."""
    from jira_devops.jira.payloads import parse_properties  # noqa: PLC0415

    properties = parse_properties(tuple(items) if items else None)
    if not properties:
        raise UsageError("no property given: deleting by properties needs at least one",
                         hint="pass --property k=v (the same properties the reports were sent with)")
    return properties


def delete_by_properties(settings: Settings, properties: dict[str, str],
                         apis: Sequence[DevOpsApi] = DEVOPS_APIS) -> None:
    """Ask Jira's ``apis`` (builds, deployments, devinfo, featureflags) to delete everything sent with all
    of ``properties``."""
    with _client(settings) as client:
        for api in apis:
            client.delete_by_properties(api, properties)
