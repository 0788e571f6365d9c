"""Turn settings, the CI context, git facts and issue keys into Build and Deployment models.

This is where precedence finishes: an explicit setting wins, then what the CI says, then git, then a
default. Values longer than Jira accepts are shortened with a warning rather than sent broken.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Optional
from urllib.parse import urlsplit, urlunsplit

from jira_devops._version import __version__
from jira_devops.ci import states as ci_states
from jira_devops.ci.context import CiContext
from jira_devops.environments import infer_environment_type, slugify
from jira_devops.errors import UsageError
from jira_devops.history.hosts import repository_links
from jira_devops.jira.models import (
    ENVIRONMENT_TYPES,
    ISSUE_KEY_PATTERN,
    MAX_ASSOCIATION_VALUES,
    MAX_ISSUE_KEYS,
    MAX_ITEMS_PER_REQUEST,
    MAX_PROPERTIES,
    MAX_TEXT,
    MAX_URL,
)
from jira_devops.settings import Settings

if TYPE_CHECKING:
    from jira_devops.history.git import Repository

GATING_COMMAND = "initiate_deployment_gating"
PRODUCT = f"jira-devops {__version__}"
_API_KEY = re.compile(ISSUE_KEY_PATTERN)

@dataclass
class Prepared:
    """A payload item and what was noticed while building it."""

    item: Any
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class GitFacts:
    """What the local repository says about the run (any of it may be unknown)."""

    commit: Optional[str] = None
    branch: Optional[str] = None
    remote_url: Optional[str] = None
    root_name: Optional[str] = None


def epoch_millis() -> int:
    """The update sequence number: milliseconds since the epoch (later updates win)."""
    return time.time_ns() // 1_000_000


def now_iso() -> str:
    """The current time as ISO-8601 with milliseconds and a UTC offset, as Jira shows it."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def map_state(word: str, kind: str) -> str:
    """Jira's state for a CI word (``success``, ``FAILURE``, ``aborted``, ...); ``UsageError`` if unknown."""
    try:
        return ci_states.map_state(word, kind)
    except ValueError:
        raise UsageError(f"state {word!r} is not a {kind} state",
                         hint=f"use one of {', '.join(ci_states.accepted_words(kind))}") from None


def parse_properties(items: Optional[tuple[str, ...]]) -> Optional[dict[str, str]]:
    """``k=v`` strings to the properties Jira accepts: at most 5, no ``:`` or leading ``_`` in keys."""
    if not items:
        return None
    properties: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"property {item!r} is not k=v", hint="use e.g. --property service=api")
        if ":" in key or key.startswith("_"):
            raise UsageError(f"property key {key!r} is not allowed",
                             hint="keys must not contain ':' or start with '_'")
        if len(key) > MAX_TEXT or len(value) > MAX_TEXT:
            raise UsageError(f"property {key!r} is longer than {MAX_TEXT} characters")
        if key in properties and properties[key] != value:
            raise UsageError(f"property {key!r} is given twice ({properties[key]!r} and {value!r})",
                             hint="give each property key once")
        properties[key] = value
    if len(properties) > MAX_PROPERTIES:
        raise UsageError(f"{len(properties)} properties given; Jira takes at most {MAX_PROPERTIES}")
    return properties


def clean_repository_url(url: Optional[str]) -> Optional[str]:
    """A browsable repository URL: credentials stripped, ``git@host:path`` and ``.git`` made https."""
    if not url:
        return None
    text = url.strip()
    scp = re.match(r"^(?:[\w.-]+@)?([\w.-]+):(?!//)(.+)$", text)
    if scp and "://" not in text:
        text = f"https://{scp.group(1)}/{scp.group(2)}"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https", "ssh", "git") or not parts.hostname:
        return None
    host = parts.hostname + (f":{parts.port}" if parts.port and parts.scheme in ("http", "https") else "")
    path = re.sub(r"\.git/?$", "", parts.path).rstrip("/")
    return urlunsplit(("https" if parts.scheme in ("ssh", "git") else parts.scheme, host, path, "", ""))


def _repository_slug(url: Optional[str]) -> Optional[str]:
    if not url:
        return None
    path = urlsplit(url).path.strip("/")
    return path or None


class _Fitter:
    """Shortens values to Jira's limits, remembering a warning for each."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def text(self, value: Optional[str], name: str, limit: int = MAX_TEXT) -> Optional[str]:
        if value is None:
            return None
        if len(value) <= limit:
            return value
        self.warnings.append(f"{name} is {len(value)} characters; Jira takes {limit}, so it was shortened")
        return value[: limit - 1] + "\u2026"

    def url(self, value: Optional[str], name: str) -> Optional[str]:
        if value is None:
            return None
        if len(value) > MAX_URL:
            raise UsageError(f"{name} is {len(value)} characters; Jira takes at most {MAX_URL}")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"{name} {value!r} is not an http(s) URL")
        return value


@dataclass(frozen=True)
class RunIdentity:
    """The pipeline and run a report belongs to, resolved from settings, CI, git and defaults."""

    pipeline_id: str
    pipeline_name: str
    pipeline_url: str
    number: int
    url: str
    commit: Optional[str]
    branch: Optional[str]
    repository_url: Optional[str]
    tag: Optional[str] = None
    remote_url: Optional[str] = None
    ci_provider: Optional[str] = None


def git_facts(repository: Optional[Repository]) -> GitFacts:
    """HEAD, branch, remote URL and folder name of the repository, as far as they can be read."""
    top = repository.top_level() if repository is not None else None
    if repository is None or top is None:
        return GitFacts()
    return GitFacts(commit=repository.head(), branch=repository.branch(), remote_url=repository.remote_url("origin"),
                    root_name=top.name)


def default_pipeline_id(settings: Settings, ci: CiContext, git: GitFacts) -> Optional[str]:
    """The pipeline ID: given, from the CI, else the repository's path (``acme/api``) or folder name."""
    repository_url = clean_repository_url(settings.repository_url or ci.repository_url or git.remote_url)
    return settings.pipeline_id or ci.pipeline_id or _repository_slug(repository_url) or git.root_name


def resolve_identity(settings: Settings, ci: CiContext, git: GitFacts, *, number: Optional[int],
                     number_flag: str) -> RunIdentity:
    """Work out pipeline, run number and links; a :class:`UsageError` names what is missing."""
    repository_url = clean_repository_url(settings.repository_url or ci.repository_url or git.remote_url)
    pipeline_id = default_pipeline_id(settings, ci, git)
    if not pipeline_id:
        raise UsageError("no pipeline ID: not in a recognised CI and no git remote to name it after",
                         hint="pass --pipeline-id (a stable name, e.g. acme/api)")
    run_number = number if number is not None else ci.run_number
    if run_number is None:
        raise UsageError("no run number: not in a recognised CI", hint=f"pass {number_flag}")
    if run_number < 0:
        raise UsageError(f"{number_flag} must not be negative")
    url = settings.url or ci.run_url or ci.pipeline_url
    if not url:
        raise UsageError("no link to this run: not in a recognised CI", hint="pass --url")
    pipeline_name = settings.pipeline_name or ci.pipeline_name or pipeline_id
    return RunIdentity(
        pipeline_id=pipeline_id,
        pipeline_name=pipeline_name,
        pipeline_url=ci.pipeline_url or url,
        number=run_number,
        url=url,
        commit=settings.commit or ci.commit or git.commit,
        branch=settings.branch or ci.branch or git.branch,
        repository_url=repository_url,
        tag=settings.tag or ci.tag,
        remote_url=settings.repository_url or ci.repository_url or git.remote_url,
        ci_provider=ci.provider,
    )


def explicit_state(settings: Settings) -> Optional[str]:
    """``--state`` when it names a state; ``None`` when it is absent or ``auto`` (work it out)."""
    if settings.state and settings.state.strip().lower() != "auto":
        return settings.state
    return None


def resolve_state(settings: Settings, ci: CiContext, kind: str, default: str) -> tuple[str, Optional[str]]:
    """The state to report and a note when it was not given explicitly."""
    given = explicit_state(settings)
    if given:
        return map_state(given, kind), None
    if ci.job_status:
        return map_state(ci.job_status, kind), f"state from the CI's job status {ci.job_status!r}"
    return default, f"no --state given and the CI reports no job status: reporting {default!r}"


def _deployment_state(settings: Settings, ci: CiContext) -> tuple[str, Optional[str]]:
    if settings.gate and not explicit_state(settings):
        # A gated deployment has not happened yet, whatever the job status says so far.
        ignored = f" (the CI's job status {ci.job_status!r} is not used)" if ci.job_status else ""
        return "pending", f"reporting state 'pending' while the gate decides{ignored}"
    return resolve_state(settings, ci, "deploy", "successful")


def valid_keys(keys: list[str], warnings: list[str]) -> list[str]:
    """Keys Jira's pattern accepts; the others are dropped with a warning."""
    good = [key for key in keys if _API_KEY.match(key)]
    for key in keys:
        if key not in good:
            warnings.append(f"issue key {key!r} does not look like a Jira key and was not sent")
    return good


def build_item(settings: Settings, ci: CiContext, git: GitFacts, keys: list[str],
               *, test_info: Optional[dict[str, int]] = None) -> Prepared:
    """The Build to report, from everything known about the run."""
    from jira_devops.jira.models import Build  # noqa: PLC0415 - pydantic only when a payload is built

    fit = _Fitter()
    identity = resolve_identity(settings, ci, git, number=settings.build_number, number_flag="--build-number")
    state, state_note = resolve_state(settings, ci, "build", "successful")
    keys = valid_keys(keys, fit.warnings)
    issue_fields = _build_issue_fields(keys, fit.warnings)
    references = _build_references(identity, fit)
    display_name = settings.display_name or f"{identity.pipeline_name} #{identity.number}"
    build = Build(
        pipelineId=fit.text(identity.pipeline_id, "pipeline ID") or "",
        buildNumber=identity.number,
        updateSequenceNumber=epoch_millis(),
        displayName=fit.text(display_name, "display name") or "",
        description=fit.text(settings.description or default_build_description(display_name, state, identity),
                             "description"),
        label=fit.text(settings.label or identity.tag, "label"),
        url=fit.url(identity.url, "url") or "",
        state=state,
        lastUpdated=now_iso(),
        testInfo=test_info,
        references=references,
        **issue_fields,
    )
    notes = [state_note] if state_note else []
    return Prepared(build, fit.warnings, notes)


def default_build_description(display_name: str, state: str, identity: RunIdentity) -> str:
    """What the issue page says about a build nobody described: run, state, and the ref and commit it built.

    ``acme/api #16: Failed on feature/ABC-1 at 1a2b3c4``, ``... : Successful for tag v1.2 at 1a2b3c4``.
    """
    text = f"{display_name}: {state.replace('_', ' ').capitalize()}"
    if identity.tag and not identity.branch:
        text += f" for tag {identity.tag}"
    elif identity.branch:
        text += f" on {identity.branch}"
    if identity.commit:
        text += f" at {identity.commit[:7]}"
    return text


def _build_references(identity: RunIdentity, fit: _Fitter) -> Optional[list[dict[str, Any]]]:
    """One reference holding the commit and the branch (or tag) it was built on, as Jira ties them together.

    The ref's ``uri`` is the branch's or tag's own page on the repository's host, so two branches of one
    repository do not look alike (see :mod:`jira_devops.history.hosts`).
    """
    links = repository_links(identity.remote_url, ci=identity.ci_provider)
    if links is None or not identity.repository_url:
        return None
    reference: dict[str, Any] = {}
    if identity.commit:
        reference["commit"] = {"id": identity.commit, "repositoryUri": identity.repository_url}
    if identity.branch:
        reference["ref"] = {"name": fit.text(identity.branch, "branch"),
                            "uri": _fitting_page(links.branch(identity.branch), identity.repository_url)}
    elif identity.tag:
        reference["ref"] = {"name": fit.text(identity.tag, "tag"),
                            "uri": _fitting_page(links.tag(identity.tag), identity.repository_url)}
    return [reference] if reference else None


def _fitting_page(page: str, repository_url: str) -> str:
    """``page``, or the repository's URL when a very long ref name makes the page longer than Jira takes."""
    return page if len(page) <= MAX_URL else repository_url


def _build_issue_fields(keys: list[str], warnings: list[str]) -> dict[str, Any]:
    if not keys:
        return {}
    if len(keys) <= MAX_ISSUE_KEYS:
        return {"issueKeys": keys}
    if len(keys) > MAX_ASSOCIATION_VALUES:
        warnings.append(f"{len(keys)} issue keys found; Jira takes {MAX_ASSOCIATION_VALUES}, so the "
                        f"{len(keys) - MAX_ASSOCIATION_VALUES} oldest were not sent: "
                        + ", ".join(keys[MAX_ASSOCIATION_VALUES:MAX_ASSOCIATION_VALUES + 10])
                        + (" ..." if len(keys) > MAX_ASSOCIATION_VALUES + 10 else ""))
    return {"associations": [{"associationType": "issueIdOrKeys", "values": keys[:MAX_ASSOCIATION_VALUES]}]}


def deployment_item(settings: Settings, ci: CiContext, git: GitFacts, keys: list[str],
                    *, duration: Optional[int] = None, rollback: bool = False) -> Prepared:
    """The Deployment to report, from everything known about the run.

    ``rollback`` (the deploy history found HEAD older than what the environment ran) turns a successful
    state nobody chose explicitly into ``rolled_back``.
    """
    from jira_devops.jira.models import Deployment  # noqa: PLC0415 - pydantic only when a payload is built

    fit = _Fitter()
    environment_name = settings.environment or ci.environment_name
    if not environment_name:
        raise UsageError("no environment given", hint="pass --environment, e.g. --environment production")
    environment_type = settings.environment_type or infer_environment_type(environment_name)
    if environment_type not in ENVIRONMENT_TYPES:
        raise UsageError(f"environment type {environment_type!r} is not one of {', '.join(ENVIRONMENT_TYPES)}")
    environment_id = settings.environment_id or slugify(environment_name)
    identity = resolve_identity(settings, ci, git, number=settings.deployment_number,
                                number_flag="--deployment-number")
    state, state_note = _deployment_state(settings, ci)
    if rollback and state == "successful" and not explicit_state(settings):
        state, state_note = "rolled_back", (f"HEAD is older than what {environment_name} ran before: reporting "
                                            "'rolled_back' (pass --state to say otherwise)")
    keys = valid_keys(keys, fit.warnings)
    services = list(dict.fromkeys(settings.service_id or ()))
    if settings.gate and not services:
        raise UsageError("--gate needs the service the change is for", hint="pass --service-id")
    room = MAX_ASSOCIATION_VALUES - len(services)
    if len(keys) > room:
        fit.warnings.append(f"{len(keys)} issue keys found; Jira takes {room} here, so the "
                            f"{len(keys) - room} oldest were not sent")
        keys = keys[:room]
    associations: list[dict[str, Any]] = []
    if keys:
        associations.append({"associationType": "issueIdOrKeys", "values": keys})
    if services:
        associations.append({"associationType": "serviceIdOrKeys", "values": services})
    commit_note = f" ({identity.commit[:7]})" if identity.commit else ""
    display_name = settings.display_name or f"{identity.pipeline_name} #{identity.number}"
    description = settings.description or (
        f"{settings.label or display_name}{commit_note} to {environment_name}"
    )
    deployment = Deployment(
        deploymentSequenceNumber=identity.number,
        updateSequenceNumber=epoch_millis(),
        associations=associations or None,
        displayName=fit.text(display_name, "display name") or "",
        url=fit.url(identity.url, "url") or "",
        description=fit.text(description, "description") or "",
        lastUpdated=now_iso(),
        label=fit.text(settings.label, "label"),
        duration=duration,
        state=state,
        pipeline={
            "id": fit.text(identity.pipeline_id, "pipeline ID"),
            "displayName": fit.text(identity.pipeline_name, "pipeline name"),
            "url": fit.url(identity.pipeline_url, "pipeline url"),
        },
        environment={
            "id": fit.text(environment_id, "environment ID"),
            "displayName": fit.text(environment_name, "environment name"),
            "type": environment_type,
        },
        commands=[{"command": GATING_COMMAND}] if settings.gate else None,
    )
    notes = [state_note] if state_note else []
    return Prepared(deployment, fit.warnings, notes)


DEFAULT_PROPERTY_SOURCE = ("source", "jira-devops")


def with_default_properties(given: Optional[dict[str, str]], items: list[Any]) -> dict[str, str]:
    """The properties to send with ``items``: the given ones, then ``source: jira-devops`` and the pipeline.

    The defaults let ``delete --property source=jira-devops`` (or ``pipeline=<id>``) find every item this
    tool reported without anyone having set a property. A given property of the same key wins, and the
    defaults only fill the room Jira leaves (at most 5); the pipeline is set when all items share one.
    """
    properties = dict(given or {})
    pipelines = {_pipeline_id(item) for item in items}
    defaults = [DEFAULT_PROPERTY_SOURCE]
    if len(pipelines) == 1 and None not in pipelines:
        defaults.append(("pipeline", str(next(iter(pipelines)))[:MAX_TEXT]))
    for key, value in defaults:
        if key not in properties and len(properties) < MAX_PROPERTIES:
            properties[key] = value
    return properties


def _pipeline_id(item: Any) -> Optional[str]:
    pipeline = getattr(item, "pipeline", None)
    return getattr(pipeline, "id", None) if pipeline is not None else getattr(item, "pipelineId", None)


def request_bodies(kind: str, items: list[Any], properties: Optional[dict[str, str]]) -> list[dict[str, Any]]:
    """The bulk request bodies for ``items``: at most 100 per request, each with the provider and properties."""
    from jira_devops.jira.models import SubmitBuildsRequest, SubmitDeploymentsRequest  # noqa: PLC0415

    bodies: list[dict[str, Any]] = []
    for start in range(0, len(items), MAX_ITEMS_PER_REQUEST):
        chunk = items[start:start + MAX_ITEMS_PER_REQUEST]
        chunk_properties = with_default_properties(properties, chunk)
        request: Any
        if kind == "builds":
            request = SubmitBuildsRequest(builds=chunk, properties=chunk_properties,
                                          providerMetadata={"product": PRODUCT})
        else:
            request = SubmitDeploymentsRequest(deployments=chunk, properties=chunk_properties,
                                               providerMetadata={"product": PRODUCT})
        bodies.append(request.to_json_dict())
    return bodies
