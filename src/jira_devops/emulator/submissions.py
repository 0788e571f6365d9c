"""Bulk submissions as Jira judges them: request checks, then each item on its own.

Request-level flaws answer 400 (or 413 for more than 100 items) with Jira's error array; a flawed item is
listed in ``rejected...`` of a 202. An item whose issue keys all belong to unknown projects is rejected with
"No valid issues found for build"; an item with some known keys is stored against those. An item whose
``updateSequenceNumber`` is not higher than the stored one is ignored (and still counted as accepted, as
Jira does: an out-of-order update is not an error).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Optional, Union

from jira_devops.emulator.state import EmulatorState, StoredItem, build_key, deployment_key, new_gate
from jira_devops.emulator.validation import RequestValidator

MAX_ITEMS = 100
MAX_PROPERTIES = 5
MAX_PROPERTY_LENGTH = 255
MAX_ASSOCIATION_VALUES = 500
GATING_COMMAND = "initiate_deployment_gating"
ISSUE_ASSOCIATIONS = ("issueKeys", "issueIdOrKeys")
_ISSUE_KEY = re.compile(r"^(\w{1,255})-\d{1,255}$")
_NOUN = {"builds": "Builds", "deployments": "Deployments"}
_SINGULAR = {"builds": "build", "deployments": "deployment"}


@dataclass
class Answer:
    """An HTTP answer: status and JSON body (``None`` for an empty body)."""

    status: int
    body: Any = None
    headers: Optional[dict[str, str]] = None


def error_array(*messages: str) -> list[dict[str, str]]:
    """Jira's request-level error body."""
    return [{"message": message, "errorTraceId": secrets.token_hex(8)} for message in messages]


def is_known_key(key: str, projects: Collection[str]) -> bool:
    """True when ``key`` is an issue key of one of ``projects``."""
    match = _ISSUE_KEY.match(key)
    return match is not None and match.group(1) in projects


def property_errors(properties: Any) -> list[str]:
    """Jira's rules for the ``properties`` of a request that its schema does not say (keys, count, lengths)."""
    if not isinstance(properties, dict):
        return []
    errors = [f"property key '{name}' must not contain ':' or start with '_'"
              for name in properties if ":" in name or name.startswith("_")]
    if len(properties) > MAX_PROPERTIES:
        errors.append(f"'properties' must have at most {MAX_PROPERTIES} entries")
    errors.extend(f"'properties.{name}' must be at most {MAX_PROPERTY_LENGTH} characters"
                  for name, value in properties.items()
                  if len(name) > MAX_PROPERTY_LENGTH or (isinstance(value, str) and len(value) > MAX_PROPERTY_LENGTH))
    return list(dict.fromkeys(errors))


@dataclass
class IssueKeys:
    """The issue keys an item names, split the way Jira answers them."""

    known: list[str]
    unknown: list[str]  # unknown keys named in ``issueKeys``
    unknown_associations: list[dict[str, Any]]  # association groups with the unknown keys they named
    other_associations: bool  # associations that are not issue keys (services, commits, repositories)

    @property
    def named_any(self) -> bool:
        """True when the item named at least one issue key (known or not)."""
        return bool(self.known or self.unknown or self.unknown_associations)

    @property
    def only_unknown(self) -> bool:
        """True when every issue key the item named is unknown and nothing else links it."""
        return self.named_any and not self.known and not self.other_associations


def split_issue_keys(item: dict[str, Any], projects: Collection[str]) -> IssueKeys:
    """The known and unknown keys of ``item`` (``issueKeys`` and issue key associations)."""
    known: list[str] = []
    unknown_plain: list[str] = []
    for key in item.get("issueKeys") or []:
        (known if is_known_key(key, projects) else unknown_plain).append(key)
    unknown_assoc: list[dict[str, Any]] = []
    others = False
    for association in item.get("associations") or []:
        kind = association.get("associationType")
        if kind not in ISSUE_ASSOCIATIONS:
            others = True
            continue
        values = association.get("values", [])
        missing = [value for value in values if not is_known_key(value, projects)]
        known.extend(value for value in values if is_known_key(value, projects))
        if missing:
            unknown_assoc.append({"associationType": kind, "values": missing})
    return IssueKeys(list(dict.fromkeys(known)), unknown_plain, unknown_assoc, others)


def note_unknown(keys: IssueKeys, response: dict[str, Any], unknown_associations: list[dict[str, Any]]) -> None:
    """Add an item's unknown keys to the answer's ``unknownIssueKeys`` and unknown associations."""
    for unknown in keys.unknown:
        if unknown not in response["unknownIssueKeys"]:
            response["unknownIssueKeys"].append(unknown)
    unknown_associations.extend(keys.unknown_associations)


def is_stale(current: Optional[StoredItem], item: dict[str, Any], sequence: str) -> bool:
    """Whether ``item`` is no newer than the stored ``current`` by its ``sequence`` field: then Jira keeps
    the stored data and says nothing (an out-of-order update is not an error)."""
    return current is not None and current.item[sequence] >= item[sequence]


class ApiSubmissions:
    """What the submissions of one API hold: the state they change, the projects Jira knows, and the
    validator of the API's published schema (``API`` names it)."""

    API = ""

    def __init__(self, state: EmulatorState, projects: Collection[str]) -> None:
        self.state = state
        self.projects = frozenset(projects)
        self.validator = RequestValidator(self.API)


@dataclass(frozen=True)
class BulkRequest:
    """A bulk request that passed the request-level checks: its items and its properties as text."""

    items: list[Any]
    properties: dict[str, str]


def open_bulk_request(body: Any, list_name: str, validator: RequestValidator, *,
                      too_large: Callable[[list[Any]], Optional[str]] = lambda items: None,
                      list_errors: Callable[[list[Any]], list[str]] = lambda items: []) -> Union[Answer, BulkRequest]:
    """The checks every DevOps API makes before it looks at the items of ``body[list_name]``: a JSON object
    (else 400), at most :data:`MAX_ITEMS` items and whatever else ``too_large`` names (413), the schema and
    the properties rules, and ``list_errors`` of the list as a whole (400, each message once)."""
    if not isinstance(body, dict):
        return Answer(400, error_array("The request body must be a JSON object"))
    items = body.get(list_name)
    if isinstance(items, list):
        oversize = (f"A request may hold at most {MAX_ITEMS} {list_name}; this one holds {len(items)}"
                    if len(items) > MAX_ITEMS else too_large(items))
        if oversize:
            return Answer(413, error_array(oversize))
    messages = validator.request_errors(body) + property_errors(body.get("properties"))
    if isinstance(items, list):
        messages += list_errors(items)
    if messages:
        return Answer(400, error_array(*dict.fromkeys(messages)))
    return BulkRequest(items if isinstance(items, list) else [],
                       {str(k): str(v) for k, v in (body.get("properties") or {}).items()})


def accepted(response: dict[str, Any], unknown_associations: list[dict[str, Any]]) -> Answer:
    """The 202 of a bulk request, with ``unknownAssociations`` when some were unknown."""
    if unknown_associations:
        response["unknownAssociations"] = unknown_associations
    return Answer(202, response)


def update_sequence_filter(query: list[tuple[str, str]]) -> tuple[Optional[int], dict[str, str], str]:
    """``_updateSequenceId`` and the properties of a by-properties query, or a 400 message."""
    names = [name for name, _ in query]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        return None, {}, f"Give each property once; repeated: {', '.join(repeated)}"
    values = dict(query)
    sequence = values.pop("_updateSequenceId", None)
    if sequence is not None:
        try:
            return int(sequence), values, ""
        except ValueError:
            return None, values, "_updateSequenceId must be a number"
    return None, values, ""


class Submissions:
    """Applies submissions and deletions to an :class:`EmulatorState`."""

    def __init__(self, state: EmulatorState, projects: Collection[str]) -> None:
        self.state = state
        self.projects = frozenset(projects)
        self.validators = {kind: RequestValidator(kind) for kind in _NOUN}

    def submit(self, kind: str, body: Any) -> Answer:
        """``POST .../bulk`` for builds or deployments."""
        request = open_bulk_request(body, kind, self.validators[kind])
        if isinstance(request, Answer):
            return request
        noun = _NOUN[kind]
        response: dict[str, Any] = {f"accepted{noun}": [], f"rejected{noun}": [], "unknownIssueKeys": []}
        unknown_associations: list[dict[str, Any]] = []
        for item in request.items:
            self._submit_item(kind, item, request.properties, response, unknown_associations)
        return accepted(response, unknown_associations)

    def _submit_item(self, kind: str, item: Any, properties: dict[str, str], response: dict[str, Any],
                     unknown_associations: list[dict[str, Any]]) -> None:
        noun = _NOUN[kind]
        key = _item_key(kind, item)
        errors = self.validators[kind].item_errors(item)
        if errors:
            response[f"rejected{noun}"].append({"key": key, "errors": [{"message": m} for m in errors]})
            return
        total = sum(len(a.get("values") or []) for a in item.get("associations") or [] if isinstance(a, dict))
        if total > MAX_ASSOCIATION_VALUES:
            message = f"The number of association values must not exceed {MAX_ASSOCIATION_VALUES}; got {total}"
            response[f"rejected{noun}"].append({"key": key, "errors": [{"message": message}]})
            return
        keys = split_issue_keys(item, self.projects)
        note_unknown(keys, response, unknown_associations)
        if not keys.known and not keys.other_associations:
            message = (f"No valid issues found for {_SINGULAR[kind]}" if keys.named_any
                       else "At least one 'issueKeys' is required")
            response[f"rejected{noun}"].append({"key": key, "errors": [{"message": message}]})
            return
        response[f"accepted{noun}"].append(key)
        self._store(kind, item, properties, keys.known)

    def _store(self, kind: str, item: dict[str, Any], properties: dict[str, str], keys: list[str]) -> None:
        state = self.state
        with state.lock:
            table = state.table(kind)
            key: tuple[Any, ...] = build_key(item) if kind == "builds" else deployment_key(item)
            current = table.get(key)
            if is_stale(current, item, "updateSequenceNumber"):
                return
            stored = StoredItem(item=item, properties=properties, issue_keys=keys)
            if current is not None and current.gate is not None:
                stored.gate = current.gate  # an update (e.g. pending -> successful) keeps the gate's decision
            elif kind == "deployments" and _asks_for_gate(item):
                stored.gate = new_gate(state.gate_rule(str(key[1])))
            table[key] = stored
            state.save()

    def get(self, kind: str, key: tuple[Any, ...]) -> Answer:
        """``GET`` one build or deployment."""
        with self.state.lock:
            table = self.state.table(kind)
            stored = table.get(key)
            if stored is None:
                return Answer(404, error_array(f"No {_SINGULAR[kind]} found with that key"))
            return Answer(200, stored.item)

    def delete(self, kind: str, key: tuple[Any, ...]) -> Answer:
        """``DELETE`` one build or deployment."""
        with self.state.lock:
            table = self.state.table(kind)
            if table.pop(key, None) is None:
                return Answer(404, error_array(f"No {_SINGULAR[kind]} found with that key"))
            self.state.save()
        return Answer(202)

    def delete_by_properties(self, kind: str, query: dict[str, str]) -> Answer:
        """``DELETE .../bulkByProperties?k=v``: every item submitted with all of these properties."""
        wanted = {k: v for k, v in query.items() if k != "_updateSequenceId"}
        if not wanted:
            return Answer(400, error_array("At least one property is required to delete by properties"))
        with self.state.lock:
            table = self.state.table(kind)
            for key in [k for k, stored in table.items()
                        if all(stored.properties.get(name) == value for name, value in wanted.items())]:
                del table[key]
            self.state.save()
        return Answer(202)

    def gating_status(self, key: tuple[str, str, int]) -> Answer:
        """``GET .../gating-status`` of a deployment."""
        gate = self.state.poll_gate(key)
        if gate is None:
            return Answer(404, error_array("No gating status found for that deployment"))
        pipeline_id, environment_id, number = key
        with self.state.lock:
            stored = self.state.deployments.get(key)
            change = stored.issue_keys[0] if stored and stored.issue_keys else f"{sorted(self.projects)[0]}-1"
        return Answer(200, {
            "deploymentSequenceNumber": number,
            "pipelineId": pipeline_id,
            "environmentId": environment_id,
            "gatingStatus": gate["decision"],
            "updatedTimestamp": gate["updated"],
            "details": [{"type": "issue", "issueKey": change,
                         "issueLink": f"https://emulator.invalid/servicedesk/customer/portal/1/{change}"}],
        })


def _asks_for_gate(item: dict[str, Any]) -> bool:
    wants = any(isinstance(c, dict) and c.get("command") == GATING_COMMAND for c in item.get("commands") or [])
    has_service = any(a.get("associationType") == "serviceIdOrKeys" for a in item.get("associations") or [])
    return wants and has_service


def _item_key(kind: str, item: Any) -> dict[str, Any]:
    """The key Jira echoes for an item, as far as the item has one."""
    if not isinstance(item, dict):
        return {}
    if kind == "builds":
        return {name: item[name] for name in ("pipelineId", "buildNumber") if name in item}
    key: dict[str, Any] = {}
    pipeline = item.get("pipeline")
    environment = item.get("environment")
    if isinstance(pipeline, dict) and "id" in pipeline:
        key["pipelineId"] = pipeline["id"]
    if isinstance(environment, dict) and "id" in environment:
        key["environmentId"] = environment["id"]
    if "deploymentSequenceNumber" in item:
        key["deploymentSequenceNumber"] = item["deploymentSequenceNumber"]
    return key
