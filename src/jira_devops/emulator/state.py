"""What the emulated Jira holds: builds, deployments, repositories, feature flags, gates, tokens, the request
log and scripted faults.

One :class:`EmulatorState` is shared by the server's threads; every method takes its lock. With a state
file, everything Jira would remember (items, gates, tokens, the cloud ID) is written after each change and
read back at start, so a restarted emulator still knows what was reported.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

MAX_LOGGED_REQUESTS = 2000
# The request log keeps bodies up to this many bytes in all (as received); older bodies are dropped first.
MAX_LOGGED_BODY_TOTAL = 32 * 1024 * 1024
TOKEN_LIFETIME_SECONDS = 3600
GATE_DECISIONS = ("allowed", "prevented", "awaiting", "invalid")

BuildKey = tuple[str, int]
DeploymentKey = tuple[str, str, int]
# The entity lists of a repository, by the name the API gives each list.
ENTITY_LISTS = ("commits", "branches", "pullRequests")


def now_iso() -> str:
    """The current time as Jira writes it (ISO-8601, milliseconds, UTC offset)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class GateRule:
    """How gates of new (and existing) gated deployments decide."""

    decision: str = "allowed"
    awaiting_polls: int = 0
    unknown_polls: int = 0  # polls answered 404 ("not known yet") before the gate appears


def parse_gate_decision(text: str) -> GateRule:
    """``allowed``, ``prevented``, ``invalid``, ``awaiting`` (forever) or ``awaiting:N`` (N polls, then allowed)."""
    word, _, count = text.partition(":")
    if word not in GATE_DECISIONS:
        raise ValueError(f"expected allowed, prevented, invalid, awaiting or awaiting:N, got {text!r}")
    if count:
        if word != "awaiting" or not count.isdigit():
            raise ValueError(f"expected awaiting:N with N a whole number, got {text!r}")
        return GateRule("allowed", int(count))
    return GateRule(word, 0)


@dataclass
class Fault:
    """A scripted answer for the next ``count`` requests whose path starts with ``path_prefix``."""

    path_prefix: str
    status: Optional[int] = None
    count: int = 1
    retry_after: Optional[str] = None
    delay: float = 0.0
    reset_connection: bool = False


@dataclass
class StoredItem:
    """A build or deployment as Jira keeps it."""

    item: dict[str, Any]
    properties: dict[str, str]
    issue_keys: list[str]
    gate: Optional[dict[str, Any]] = None

    def describe(self) -> dict[str, Any]:
        """The item as submitted, with what the emulator attached to it."""
        data = dict(self.item)
        data["properties"] = dict(self.properties)
        data["associatedIssueKeys"] = list(self.issue_keys)
        if self.gate is not None:
            data["gatingStatus"] = self.gate["decision"]
        return data


@dataclass
class StoredRepository:
    """A repository of the Development information API, with its commits, branches and pull requests."""

    item: dict[str, Any]  # the repository's own fields (without the entity lists)
    properties: dict[str, str]
    entities: dict[str, dict[str, StoredItem]] = field(
        default_factory=lambda: {name: {} for name in ENTITY_LISTS})

    def describe(self, limit: Optional[int] = None) -> dict[str, Any]:
        """The repository as Jira answers a get: its fields and (the newest ``limit`` of) each entity list."""
        data = dict(self.item)
        for name in ENTITY_LISTS:
            stored = list(self.entities[name].values())
            data[name] = [entity.item for entity in (stored[-limit:] if limit else stored)]
        return data

    def describe_all(self) -> dict[str, Any]:
        """The repository with properties and each entity's associated issue keys (for the control API)."""
        data = dict(self.item)
        data["properties"] = dict(self.properties)
        for name in ENTITY_LISTS:
            data[name] = [{**entity.item, "associatedIssueKeys": list(entity.issue_keys)}
                          for entity in self.entities[name].values()]
        return data


@dataclass
class EmulatorState:
    """The shared, lock-protected state of one emulator."""

    default_gate: GateRule = field(default_factory=GateRule)
    state_file: Optional[Path] = None
    cloud_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    builds: dict[BuildKey, StoredItem] = field(default_factory=dict)
    deployments: dict[DeploymentKey, StoredItem] = field(default_factory=dict)
    repositories: dict[str, StoredRepository] = field(default_factory=dict)
    flags: dict[str, StoredItem] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)
    tokens_issued: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    gate_rules: dict[Optional[str], GateRule] = field(default_factory=dict)
    generation: int = 0  # counts resets, so that a request delayed across one is dropped
    revision: int = 0  # counts changes, so that the page knows when to show them
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def table(self, kind: str) -> dict[Any, StoredItem]:
        """The builds or the deployments, by key."""
        if kind == "builds":
            return self.builds
        return self.deployments

    # --- tokens ---------------------------------------------------------------------------------------

    def issue_token(self, lifetime: float = TOKEN_LIFETIME_SECONDS) -> str:
        """A new access token valid for ``lifetime`` seconds (an hour, as Atlassian's)."""
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = time.time() + lifetime
            self.tokens_issued += 1
            self.save()
        return token

    def token_is_valid(self, token: str) -> bool:
        """True for a token this emulator issued that has neither expired nor been revoked."""
        with self.lock:
            expiry = self.tokens.get(token)
        return expiry is not None and expiry > time.time()

    def revoke_tokens(self) -> int:
        """Forget every token (their holders now get 401); returns how many there were."""
        with self.lock:
            count = len(self.tokens)
            self.tokens.clear()
            self.save()
        return count

    # --- request log and faults -----------------------------------------------------------------------

    def log_request(self, entry: dict[str, Any]) -> None:
        """Remember one API request (bounded in count and body bytes; the oldest go first)."""
        with self.lock:
            self.requests.append(entry)
            del self.requests[:-MAX_LOGGED_REQUESTS]
            kept = sum(int(old.get("bodyBytes", 0)) for old in self.requests if old.get("body") is not None)
            for old in self.requests:
                if kept <= MAX_LOGGED_BODY_TOTAL:
                    break
                if old.get("body") is not None:
                    old["body"] = None
                    kept -= int(old.get("bodyBytes", 0))

    def add_fault(self, fault: Fault) -> None:
        """Script a fault for the next matching requests."""
        with self.lock:
            self.faults.append(fault)

    def take_fault(self, path: str) -> Optional[Fault]:
        """The first scripted fault matching ``path``, used up by one."""
        with self.lock:
            for fault in self.faults:
                if path.startswith(fault.path_prefix) and fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    # --- gates ----------------------------------------------------------------------------------------

    def gate_rule(self, environment_id: str) -> GateRule:
        """The rule for gates in ``environment_id``: its own, the emulator-wide one, or the default."""
        with self.lock:
            return self.gate_rules.get(environment_id) or self.gate_rules.get(None) or self.default_gate

    def set_gate_rule(self, environment_id: Optional[str], rule: GateRule) -> int:
        """Set the rule for one environment (or all) and apply it to existing gates; returns how many."""
        with self.lock:
            self.gate_rules[environment_id] = rule
            changed = 0
            for key, stored in self.deployments.items():
                if stored.gate is None or (environment_id is not None and key[1] != environment_id):
                    continue
                stored.gate = new_gate(rule)
                changed += 1
            self.save()
            return changed

    def poll_gate(self, key: DeploymentKey) -> Optional[dict[str, Any]]:
        """The gate of a deployment as one poll sees it (an awaiting poll is used up), or ``None``."""
        with self.lock:
            stored = self.deployments.get(key)
            if stored is None or stored.gate is None:
                return None
            gate = stored.gate
            if gate.get("unknown_polls", 0) > 0:
                gate["unknown_polls"] -= 1
                self.save()
                return None
            if gate["awaiting_polls"] > 0:
                gate["awaiting_polls"] -= 1
                self.save()
                return {**gate, "decision": "awaiting"}
            return dict(gate)

    # --- everything -----------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything: items, gates, tokens, requests, faults and gate rules."""
        with self.lock:
            self.generation += 1
            self.builds.clear()
            self.deployments.clear()
            self.repositories.clear()
            self.flags.clear()
            self.tokens.clear()
            self.tokens_issued = 0
            self.requests.clear()
            self.faults.clear()
            self.gate_rules.clear()
            self.save()

    def snapshot(self) -> dict[str, Any]:
        """What ``GET /_emulator/state`` answers."""
        with self.lock:
            return {
                "builds": [stored.describe() for stored in self.builds.values()],
                "deployments": [stored.describe() for stored in self.deployments.values()],
                "repositories": [stored.describe_all() for stored in self.repositories.values()],
                "flags": [stored.describe() for stored in self.flags.values()],
                "tokens_issued": self.tokens_issued,
            }

    def save(self) -> None:
        """Note a change, and write the state file atomically (when there is one)."""
        with self.lock:
            self.revision += 1
            if self.state_file is None:
                return
            data = {
                "version": 1,
                "cloudId": self.cloud_id,
                "builds": [_stored_json(stored) for stored in self.builds.values()],
                "deployments": [_stored_json(stored) for stored in self.deployments.values()],
                "repositories": [_repository_json(stored) for stored in self.repositories.values()],
                "flags": [_stored_json(stored) for stored in self.flags.values()],
                "tokens": self.tokens,
                "tokensIssued": self.tokens_issued,
            }
            directory = self.state_file.parent
            directory.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=directory, prefix=".emulator-", suffix=".tmp")
            try:
                os.fchmod(fd, 0o600)  # it holds access tokens
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle)
                os.replace(temp, self.state_file)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise

    def load(self) -> None:
        """Read the state file, when there is one; ``ValueError`` when it is not one of ours."""
        if self.state_file is None or not self.state_file.exists():
            return
        try:
            self._load(json.loads(self.state_file.read_text(encoding="utf-8")))
        except OSError as error:
            raise ValueError(error.strerror or str(error)) from None
        except (KeyError, TypeError, AttributeError, UnicodeDecodeError) as error:
            raise ValueError(f"not an emulator state file ({type(error).__name__}: {error})") from None

    def _load(self, data: Any) -> None:
        with self.lock:
            self.cloud_id = str(data.get("cloudId") or self.cloud_id)
            for entry in data.get("builds", []):
                stored = _stored_from_json(entry)
                self.builds[build_key(stored.item)] = stored
            for entry in data.get("deployments", []):
                stored = _stored_from_json(entry)
                self.deployments[deployment_key(stored.item)] = stored
            for entry in data.get("repositories", []):
                repository = _repository_from_json(entry)
                self.repositories[str(repository.item["id"])] = repository
            for entry in data.get("flags", []):
                stored = _stored_from_json(entry)
                self.flags[str(stored.item["id"])] = stored
            self.tokens = {str(k): float(v) for k, v in data.get("tokens", {}).items()}
            self.tokens_issued = int(data.get("tokensIssued", 0))


def new_gate(rule: GateRule) -> dict[str, Any]:
    """A fresh gate following ``rule``."""
    return {"decision": rule.decision, "awaiting_polls": rule.awaiting_polls, "unknown_polls": rule.unknown_polls,
            "updated": now_iso()}


def build_key(item: dict[str, Any]) -> BuildKey:
    """The key of a build item."""
    return (str(item["pipelineId"]), int(item["buildNumber"]))


def deployment_key(item: dict[str, Any]) -> DeploymentKey:
    """The key of a deployment item."""
    return (str(item["pipeline"]["id"]), str(item["environment"]["id"]), int(item["deploymentSequenceNumber"]))


def _stored_json(stored: StoredItem) -> dict[str, Any]:
    return {"item": stored.item, "properties": stored.properties, "issueKeys": stored.issue_keys,
            "gate": stored.gate}


def _stored_from_json(entry: dict[str, Any]) -> StoredItem:
    return StoredItem(item=dict(entry["item"]), properties=dict(entry.get("properties") or {}),
                      issue_keys=list(entry.get("issueKeys") or []), gate=entry.get("gate"))


def _repository_json(stored: StoredRepository) -> dict[str, Any]:
    return {"item": stored.item, "properties": stored.properties,
            "entities": {name: [_stored_json(entity) for entity in stored.entities[name].values()]
                         for name in ENTITY_LISTS}}


def _repository_from_json(entry: dict[str, Any]) -> StoredRepository:
    repository = StoredRepository(item=dict(entry["item"]), properties=dict(entry.get("properties") or {}))
    for name in ENTITY_LISTS:
        for stored in (entry.get("entities") or {}).get(name, []):
            entity = _stored_from_json(stored)
            repository.entities[name][str(entity.item["id"])] = entity
    return repository
