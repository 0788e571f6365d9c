"""Development information bodies: a repository with its commits, branches and pull requests, within the limits.

The entities are plain JSON dicts in the API's own names. Limits come from the published 2026-01 spec
(see the project's reference notes): at most 400 commits, branches and pull requests per repository list,
1000 entities and 100 repositories per request, messages and titles 1024 characters, names 255, URLs 2000,
500 issue keys per entity, 10 files per commit. A repository ID may hold only letters, digits and
``~ . - _``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional
from urllib.parse import urlsplit

from jira_devops.jira.payloads import PRODUCT

MAX_ENTITY_LIST = 400
MAX_ENTITIES_PER_REQUEST = 1000
MAX_REQUEST_BYTES = 1_000_000  # well below what any proxy in front of Jira refuses
MAX_MESSAGE = 1024
MAX_NAME = 255
MAX_URL = 2000
MAX_ENTITY_KEYS = 500
ENTITY_LISTS = ("commits", "branches", "pullRequests")
_REPOSITORY_ID_REFUSED = re.compile(r"[^A-Za-z0-9~._-]")


def repository_id(web_url: str) -> str:
    """A stable repository ID from the host and path of its web URL: every clone and every CI agrees.

    ``https://github.com/Acme/Shop`` -> ``github.com~acme~shop``; a port becomes ``_PORT`` after the host.
    """
    parts = urlsplit(web_url)
    host = (parts.hostname or "unknown").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port:
        host += f"_{port}"
    segments = [segment for segment in parts.path.split("/") if segment]
    text = "~".join([host, *segments]).lower()
    return _REPOSITORY_ID_REFUSED.sub("_", text)[:1024]


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def issue_keys(keys: Iterable[str]) -> list[str]:
    """Each key once, in order, at most :data:`MAX_ENTITY_KEYS`."""
    return list(dict.fromkeys(keys))[:MAX_ENTITY_KEYS]


@dataclass(frozen=True)
class RepositoryFields:
    """The repository's own fields, repeated in every request that carries its entities."""

    id: str
    name: str
    url: str
    update_sequence_id: int
    fork_of: Optional[str] = None

    def to_json(self) -> dict[str, Any]:
        """The repository object without its entity lists."""
        data: dict[str, Any] = {"id": self.id, "name": clip(self.name, MAX_NAME), "url": self.url[:MAX_URL],
                                "updateSequenceId": self.update_sequence_id}
        if self.fork_of:
            data["forkOf"] = clip(self.fork_of, 1024)
        return data


def commit_entity(*, sha: str, message: str, author_name: str, author_email: str, author_time: str,
                  file_count: int, merge: bool, url: str, keys: Sequence[str], sequence: int) -> dict[str, Any]:
    """One commit as the API takes it."""
    author: dict[str, str] = {"name": clip(author_name or "unknown", MAX_NAME)}
    if author_email:
        author["email"] = clip(author_email, MAX_NAME)
    entity: dict[str, Any] = {
        "id": sha, "hash": sha, "displayId": sha[:7], "message": clip(message or "(no message)", MAX_MESSAGE),
        "author": author, "authorTimestamp": author_time, "fileCount": max(0, file_count),
        "url": url[:MAX_URL], "updateSequenceId": sequence,
    }
    if merge:
        entity["flags"] = ["MERGE_COMMIT"]
    if keys:
        entity["issueKeys"] = issue_keys(keys)
    return entity


def branch_entity(*, name: str, last_commit: dict[str, Any], url: str, create_pull_request_url: Optional[str],
                  keys: Sequence[str], sequence: int) -> dict[str, Any]:
    """One branch; its ``lastCommit`` carries the branch's keys (the spec requires keys there)."""
    entity: dict[str, Any] = {
        "id": clip(name, 1024), "name": clip(name, 512), "issueKeys": issue_keys(keys),
        "lastCommit": {**last_commit, "issueKeys": issue_keys([*(last_commit.get("issueKeys") or []), *keys])},
        "url": url[:MAX_URL], "updateSequenceId": sequence,
    }
    if create_pull_request_url:
        entity["createPullRequestUrl"] = create_pull_request_url[:MAX_URL]
    return entity


@dataclass
class DevinfoBatch:
    """The entities to send for one repository, and what was left out."""

    repository: RepositoryFields
    commits: list[dict[str, Any]] = field(default_factory=list)
    branches: list[dict[str, Any]] = field(default_factory=list)
    pull_requests: list[dict[str, Any]] = field(default_factory=list)

    def entity_count(self) -> int:
        """How many entities there are to send."""
        return len(self.commits) + len(self.branches) + len(self.pull_requests)


def devinfo_bodies(batch: DevinfoBatch, properties: Optional[dict[str, str]] = None) -> list[dict[str, Any]]:
    """The bulk request bodies for ``batch``: one repository per body, at most 400 of each list, 1000
    entities and :data:`MAX_REQUEST_BYTES` per body; pull requests and branches go first, commits after."""
    bodies: list[dict[str, Any]] = []
    pending = [("pullRequests", entity) for entity in batch.pull_requests] + \
        [("branches", entity) for entity in batch.branches] + [("commits", entity) for entity in batch.commits]
    envelope_size = len(json.dumps(batch.repository.to_json())) + 200 + len(json.dumps(properties or {}))
    lists: dict[str, list[dict[str, Any]]] = {name: [] for name in ENTITY_LISTS}
    count, size = 0, envelope_size

    def close() -> None:
        nonlocal lists, count, size
        if count:
            bodies.append(_body(batch.repository, lists, properties))
        lists = {name: [] for name in ENTITY_LISTS}
        count, size = 0, envelope_size

    for name, entity in pending:
        entity_size = len(json.dumps(entity)) + 1
        if count and (len(lists[name]) >= MAX_ENTITY_LIST or count >= MAX_ENTITIES_PER_REQUEST
                      or size + entity_size > MAX_REQUEST_BYTES):
            close()
        lists[name].append(entity)
        count += 1
        size += entity_size
    close()
    return bodies


def _body(repository: RepositoryFields, lists: dict[str, list[dict[str, Any]]],
          properties: Optional[dict[str, str]]) -> dict[str, Any]:
    item = repository.to_json()
    item.update({name: entities for name, entities in lists.items() if entities})
    body: dict[str, Any] = {"repositories": [item], "providerMetadata": {"product": PRODUCT}}
    if properties:
        body["properties"] = properties
    return body
