"""Pydantic models of the Builds and Deployments API requests and responses, with the published limits.

Field names are the API's own (camelCase) so that a model dumps to exactly the JSON Jira expects.
Limits come from Atlassian's OpenAPI spec (see the project's reference notes): strings 255 characters,
URLs 2000, at most 100 items per request, 5 properties, 5 build references, 3 deployment associations,
500 association values.
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

MAX_TEXT = 255
MAX_URL = 2000
MAX_ITEMS_PER_REQUEST = 100
MAX_ISSUE_KEYS = 100
MAX_ASSOCIATION_VALUES = 500
MAX_PROPERTIES = 5
MAX_REFERENCES = 5
ISSUE_KEY_PATTERN = r"^\w{1,255}-\d{1,255}$"  # what the API accepts as an issue key (its spec's pattern)

# Which of Jira's APIs: the URL segment (``/jira/<api>/0.1/...``); :data:`BODY_LISTS` names each body's list.
DevOpsApi = Literal["builds", "deployments", "devinfo", "featureflags"]
DEVOPS_APIS: tuple[DevOpsApi, ...] = ("builds", "deployments", "devinfo", "featureflags")
BODY_LISTS: dict[str, str] = {"builds": "builds", "deployments": "deployments", "devinfo": "repositories",
                              "featureflags": "flags"}
BuildState = Literal["pending", "in_progress", "successful", "failed", "cancelled", "unknown"]
DeploymentState = Literal["unknown", "pending", "in_progress", "cancelled", "failed", "rolled_back", "successful"]
EnvironmentType = Literal["unmapped", "development", "testing", "staging", "production"]

BUILD_STATES: tuple[str, ...] = ("pending", "in_progress", "successful", "failed", "cancelled", "unknown")
DEPLOYMENT_STATES: tuple[str, ...] = (
    "unknown", "pending", "in_progress", "cancelled", "failed", "rolled_back", "successful",
)
ENVIRONMENT_TYPES: tuple[str, ...] = ("unmapped", "development", "testing", "staging", "production")

Text = Field(max_length=MAX_TEXT)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON body Jira expects: API names, no unset optional fields."""
        return self.model_dump(mode="json", exclude_none=True)


class ProviderMetadata(_Model):
    product: str = Field(max_length=MAX_TEXT)


class IssueKeysAssociation(_Model):
    associationType: Literal["issueKeys", "issueIdOrKeys"] = "issueIdOrKeys"
    values: List[str] = Field(min_length=1, max_length=MAX_ASSOCIATION_VALUES)


class ServiceAssociation(_Model):
    associationType: Literal["serviceIdOrKeys"] = "serviceIdOrKeys"
    values: List[str] = Field(min_length=1, max_length=MAX_ASSOCIATION_VALUES)


class TestInfo(_Model):
    __test__ = False  # not a pytest test class

    totalNumber: int = Field(ge=0)
    numberPassed: int = Field(ge=0)
    numberFailed: int = Field(ge=0)
    numberSkipped: int = Field(default=0, ge=0)


class CommitReference(_Model):
    id: str = Field(max_length=MAX_TEXT)
    repositoryUri: str = Field(max_length=MAX_URL)


class RefReference(_Model):
    name: str = Field(max_length=MAX_TEXT)
    uri: str = Field(max_length=MAX_URL)


class BuildReference(_Model):
    commit: Optional[CommitReference] = None
    ref: Optional[RefReference] = None


class Build(_Model):
    """One build, as the Builds API takes it."""

    schemaVersion: Literal["1.0"] = "1.0"
    pipelineId: str = Field(min_length=1, max_length=MAX_TEXT)
    buildNumber: int = Field(ge=0)
    updateSequenceNumber: int = Field(ge=0)
    displayName: str = Field(min_length=1, max_length=MAX_TEXT)
    description: Optional[str] = Field(default=None, max_length=MAX_TEXT)
    label: Optional[str] = Field(default=None, max_length=MAX_TEXT)
    url: str = Field(min_length=1, max_length=MAX_URL)
    state: BuildState
    lastUpdated: str
    issueKeys: Optional[List[str]] = Field(default=None, min_length=1, max_length=MAX_ISSUE_KEYS)
    associations: Optional[List[IssueKeysAssociation]] = Field(default=None, min_length=1, max_length=1)
    testInfo: Optional[TestInfo] = None
    references: Optional[List[BuildReference]] = Field(default=None, min_length=1, max_length=MAX_REFERENCES)


class Pipeline(_Model):
    id: str = Field(min_length=1, max_length=MAX_TEXT)
    displayName: str = Field(min_length=1, max_length=MAX_TEXT)
    url: str = Field(min_length=1, max_length=MAX_URL)


class Environment(_Model):
    id: str = Field(min_length=1, max_length=MAX_TEXT)
    displayName: str = Field(min_length=1, max_length=MAX_TEXT)
    type: EnvironmentType


class Command(_Model):
    command: str


DeploymentAssociation = Union[IssueKeysAssociation, ServiceAssociation]


class Deployment(_Model):
    """One deployment, as the Deployments API takes it."""

    schemaVersion: Literal["1.0"] = "1.0"
    deploymentSequenceNumber: int = Field(ge=0)
    updateSequenceNumber: int = Field(ge=0)
    associations: Optional[List[DeploymentAssociation]] = Field(default=None, min_length=1, max_length=3)
    displayName: str = Field(min_length=1, max_length=MAX_TEXT)
    url: str = Field(min_length=1, max_length=MAX_URL)
    description: str = Field(min_length=1, max_length=MAX_TEXT)
    lastUpdated: str
    label: Optional[str] = Field(default=None, max_length=MAX_TEXT)
    duration: Optional[int] = Field(default=None, ge=0)
    state: DeploymentState
    pipeline: Pipeline
    environment: Environment
    commands: Optional[List[Command]] = None


class SubmitBuildsRequest(_Model):
    builds: List[Build] = Field(min_length=1, max_length=MAX_ITEMS_PER_REQUEST)
    properties: Optional[Dict[str, str]] = Field(default=None, max_length=MAX_PROPERTIES)
    providerMetadata: Optional[ProviderMetadata] = None


class SubmitDeploymentsRequest(_Model):
    deployments: List[Deployment] = Field(min_length=1, max_length=MAX_ITEMS_PER_REQUEST)
    properties: Optional[Dict[str, str]] = Field(default=None, max_length=MAX_PROPERTIES)
    providerMetadata: Optional[ProviderMetadata] = None


# --- responses ---------------------------------------------------------------------------------------


class _Response(BaseModel):
    """Responses tolerate fields we do not know: Jira may add some."""

    model_config = ConfigDict(extra="ignore", defer_build=True)


class ErrorMessage(_Response):
    message: str
    errorTraceId: Optional[str] = None


class RejectedItem(_Response):
    key: Dict[str, Any]
    errors: List[ErrorMessage] = Field(default_factory=list)


class SubmitResponse(_Response):
    """The 202 body of a bulk submission, for builds or deployments alike."""

    accepted: List[Dict[str, Any]] = Field(default_factory=list)
    rejected: List[RejectedItem] = Field(default_factory=list)
    unknownIssueKeys: List[str] = Field(default_factory=list)
    unknownAssociations: List[Dict[str, Any]] = Field(default_factory=list)

    @classmethod
    def from_api(cls, body: Any, kind: str) -> SubmitResponse:
        """Read a builds, deployments, development information or feature flags response into the common shape."""
        if not isinstance(body, dict):
            raise ValueError("expected a JSON object")
        if kind == "devinfo":
            return cls._from_devinfo(body)
        if kind == "featureflags":
            failed = body.get("failedFeatureFlags") or {}
            return cls.model_validate({
                "accepted": [{"flagId": str(flag_id)} for flag_id in body.get("acceptedFeatureFlags") or []],
                "rejected": [{"key": {"flagId": str(flag_id)}, "errors": errors if isinstance(errors, list) else []}
                             for flag_id, errors in (failed.items() if isinstance(failed, dict) else [])],
                "unknownIssueKeys": body.get("unknownIssueKeys") or [],
                "unknownAssociations": body.get("unknownAssociations") or [],
            })
        noun = "Builds" if kind == "builds" else "Deployments"
        return cls.model_validate({
            "accepted": body.get(f"accepted{noun}") or [],
            "rejected": body.get(f"rejected{noun}") or [],
            "unknownIssueKeys": body.get("unknownIssueKeys") or [],
            "unknownAssociations": body.get("unknownAssociations") or [],
        })

    @classmethod
    def _from_devinfo(cls, body: dict[str, Any]) -> SubmitResponse:
        accepted = body.get("acceptedDevinfoEntities") or {}
        failed = body.get("failedDevinfoEntities") or {}
        return cls.model_validate({
            "accepted": [{"repositoryId": str(repository_id), **(ids if isinstance(ids, dict) else {})}
                         for repository_id, ids in (accepted.items() if isinstance(accepted, dict) else [])],
            "rejected": [item for repository_id, errors in (failed.items() if isinstance(failed, dict) else [])
                         for item in _devinfo_rejections(str(repository_id), errors)],
            "unknownIssueKeys": body.get("unknownIssueKeys") or [],
            "unknownAssociations": body.get("unknownAssociations") or [],
        })


def _devinfo_rejections(repository_id: str, failed: Any) -> list[dict[str, Any]]:
    """``failedDevinfoEntities[<repository>]``: the repository's own errors and each failed entity's."""
    if not isinstance(failed, dict):
        return []
    rejected: list[dict[str, Any]] = []
    if failed.get("errorMessages"):
        rejected.append({"key": {"repositoryId": repository_id}, "errors": failed["errorMessages"]})
    for entity_list in ("commits", "branches", "pullRequests"):
        for entity in failed.get(entity_list) or []:
            if isinstance(entity, dict):
                rejected.append({"key": {"repositoryId": repository_id, "type": entity_list,
                                         "id": str(entity.get("id", ""))},
                                 "errors": entity.get("errorMessages") or []})
    return rejected


class GateDetail(_Response):
    model_config = ConfigDict(extra="allow")  # kept: an "invalid" gate may explain itself in extra fields

    type: str = "issue"
    issueKey: Optional[str] = None
    issueLink: Optional[str] = None


class GateStatus(_Response):
    """The gating-status body of a deployment."""

    model_config = ConfigDict(extra="allow")

    gatingStatus: str
    details: List[GateDetail] = Field(default_factory=list)
    updatedTimestamp: Optional[str] = None
    pipelineId: Optional[str] = None
    environmentId: Optional[str] = None
    deploymentSequenceNumber: Optional[int] = None
