"""The Development information API as Jira judges it: repositories with their commits, branches and pull requests.

A flaw of the request as a whole answers 400 (more than 100 repositories or 1000 entities: 413). A flawed
repository is listed in ``failedDevinfoEntities`` with its ``errorMessages``; a flawed commit, branch or
pull request is listed there under its repository and list, and the rest of the repository is stored. An
entity whose issue keys are all unknown is not stored (Jira: "deemed to be invalid"); the emulator lists
it as failed with "No valid issues found for commit" (Jira's exact answer there is not documented).
Repository fields and each entity are replaced only by a higher ``updateSequenceId``.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from jira_devops.emulator.state import ENTITY_LISTS, StoredItem, StoredRepository
from jira_devops.emulator.submissions import (
    Answer,
    ApiSubmissions,
    accepted,
    error_array,
    is_stale,
    note_unknown,
    open_bulk_request,
    split_issue_keys,
    update_sequence_filter,
)

MAX_ENTITIES = 1000
MAX_ENTITIES_SHOWN = 400
# "Only alphanumeric characters, and '~.-_', are allowed" (the spec's words for a repository ID).
_REPOSITORY_ID = re.compile(r"^[A-Za-z0-9~._-]+$")
# The entity types of the delete-one path, by the list they live in.
ENTITY_TYPES = {"commit": "commits", "branch": "branches", "pull_request": "pullRequests"}
_SINGULAR = {"commits": "commit", "branches": "branch", "pullRequests": "pull request"}


def _entity_count(repositories: list[Any]) -> int:
    return sum(len(repository.get(name) or []) for repository in repositories if isinstance(repository, dict)
               for name in ENTITY_LISTS if isinstance(repository.get(name) or [], list))


def _duplicates(values: list[Any]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            if value["id"] in seen and value["id"] not in repeated:
                repeated.append(value["id"])
            seen.add(value["id"])
    return repeated


def _too_many_entities(repositories: list[Any]) -> Optional[str]:
    entities = _entity_count(repositories)
    if entities > MAX_ENTITIES:
        return (f"A request may hold at most {MAX_ENTITIES} development information entities; "
                f"this one holds {entities}")
    return None


def _repository_list_errors(repositories: list[Any]) -> list[str]:
    messages = [] if repositories else ["At least one repository is required"]
    repeated = _duplicates(repositories)
    if repeated:
        messages.append(f"'repositories' must not repeat an ID: {', '.join(repeated)}")
    return messages


class DevinfoSubmissions(ApiSubmissions):
    """Applies Development information submissions and deletions to an :class:`EmulatorState`."""

    API = "devinfo"

    # --- submit ---------------------------------------------------------------------------------------

    def submit(self, body: Any) -> Answer:
        """``POST /bulk``."""
        request = open_bulk_request(body, "repositories", self.validator, too_large=_too_many_entities,
                                    list_errors=_repository_list_errors)
        if isinstance(request, Answer):
            return request
        response: dict[str, Any] = {"acceptedDevinfoEntities": {}, "failedDevinfoEntities": {},
                                    "unknownIssueKeys": []}
        unknown_associations: list[dict[str, Any]] = []
        for repository in request.items:
            self._submit_repository(repository, request.properties, response, unknown_associations)
        return accepted(response, unknown_associations)

    def _submit_repository(self, repository: Any, properties: dict[str, str], response: dict[str, Any],
                           unknown_associations: list[dict[str, Any]]) -> None:
        repository_id = str(repository.get("id", "")) if isinstance(repository, dict) else ""
        errors = self.validator.item_errors(repository)
        if isinstance(repository, dict):
            if isinstance(repository.get("id"), str) and not _REPOSITORY_ID.match(repository["id"]):
                errors.append("'id' may hold only letters, digits and ~ . - _")
            errors.extend(f"'{name}' must not repeat an ID: {', '.join(_duplicates(repository.get(name) or []))}"
                          for name in ENTITY_LISTS if _duplicates(repository.get(name) or []))
        if errors:
            response["failedDevinfoEntities"][repository_id] = {
                "errorMessages": [{"message": message} for message in errors]}
            return
        stored = self._store_repository(repository, properties)
        accepted: dict[str, list[str]] = {name: [] for name in ENTITY_LISTS}
        failed: dict[str, list[dict[str, Any]]] = {}
        for name in ENTITY_LISTS:
            for entity in repository.get(name) or []:
                entity_id = str(entity.get("id", "")) if isinstance(entity, dict) else ""
                problems = self.validator.entity_errors(name, entity)
                keys = None if problems else split_issue_keys(entity, self.projects)
                if keys is not None:
                    note_unknown(keys, response, unknown_associations)
                    if keys.only_unknown:
                        problems = [f"No valid issues found for {_SINGULAR[name]}"]
                if problems:
                    failed.setdefault(name, []).append(
                        {"id": entity_id, "errorMessages": [{"message": message} for message in problems]})
                    continue
                accepted[name].append(entity_id)
                self._store_entity(stored, name, entity, keys.known if keys else [])
        response["acceptedDevinfoEntities"][repository_id] = accepted
        if failed:
            response["failedDevinfoEntities"][repository_id] = failed

    def _store_repository(self, repository: dict[str, Any], properties: dict[str, str]) -> StoredRepository:
        fields = {name: value for name, value in repository.items() if name not in ENTITY_LISTS}
        with self.state.lock:
            stored = self.state.repositories.get(fields["id"])
            if stored is None:
                stored = StoredRepository(item=fields, properties=properties)
                self.state.repositories[fields["id"]] = stored
            elif stored.item["updateSequenceId"] < fields["updateSequenceId"]:
                stored.item = fields
            if properties:
                stored.properties = properties
            self.state.save()
            return stored

    def _store_entity(self, repository: StoredRepository, name: str, entity: dict[str, Any],
                      keys: list[str]) -> None:
        with self.state.lock:
            table = repository.entities[name]
            current = table.get(entity["id"])
            if is_stale(current, entity, "updateSequenceId"):
                return
            table.pop(entity["id"], None)  # the newest last, as the page and a get show them
            table[entity["id"]] = StoredItem(item=entity, properties={}, issue_keys=keys)
            self.state.save()

    # --- read and delete ------------------------------------------------------------------------------

    def get_repository(self, repository_id: str) -> Answer:
        """``GET /repository/{id}``: the repository and its newest 400 entities of each list."""
        with self.state.lock:
            stored = self.state.repositories.get(repository_id)
            if stored is None:
                return Answer(404, error_array("No data found for the given repository ID"))
            return Answer(200, stored.describe(limit=MAX_ENTITIES_SHOWN))

    def delete_repository(self, repository_id: str, query: list[tuple[str, str]]) -> Answer:
        """``DELETE /repository/{id}``: the repository and everything in it (up to ``_updateSequenceId``)."""
        sequence, _, problem = update_sequence_filter(query)
        if problem:
            return Answer(400, error_array(problem))
        with self.state.lock:
            stored = self.state.repositories.get(repository_id)
            if stored is None:
                return Answer(202)
            if sequence is None or stored.item["updateSequenceId"] <= sequence:
                del self.state.repositories[repository_id]
            else:
                for table in stored.entities.values():
                    for entity_id in [k for k, v in table.items() if v.item["updateSequenceId"] <= sequence]:
                        del table[entity_id]
            self.state.save()
        return Answer(202)

    def delete_entity(self, repository_id: str, entity_type: str, entity_id: str,
                      query: list[tuple[str, str]]) -> Answer:
        """``DELETE /repository/{id}/{commit|branch|pull_request}/{entityId}``."""
        name = ENTITY_TYPES.get(entity_type)
        if name is None:
            return Answer(400, error_array(f"Wrong entity type specified: {entity_type!r} "
                                           "(commit, branch or pull_request)"))
        sequence, _, problem = update_sequence_filter(query)
        if problem:
            return Answer(400, error_array(problem))
        with self.state.lock:
            stored = self.state.repositories.get(repository_id)
            entity = stored.entities[name].get(entity_id) if stored else None
            if stored is not None and entity is not None and \
                    (sequence is None or entity.item["updateSequenceId"] <= sequence):
                del stored.entities[name][entity_id]
                self.state.save()
        return Answer(202)

    def _matching(self, query: list[tuple[str, str]], *, by_sequence: bool) -> tuple[list[str], str]:
        sequence, wanted, problem = update_sequence_filter(query)
        if not by_sequence:
            sequence = None
        if not problem and not wanted:
            problem = "At least one property is required"
        if problem:
            return [], problem
        with self.state.lock:
            return [repository_id for repository_id, stored in self.state.repositories.items()
                    if all(stored.properties.get(k) == v for k, v in wanted.items())
                    and (sequence is None or stored.item["updateSequenceId"] <= sequence)], ""

    def delete_by_properties(self, query: list[tuple[str, str]]) -> Answer:
        """``DELETE /bulkByProperties?k=v``: repositories tagged with all of these, and all in them."""
        # "_updateSequenceId is no longer supported" here: it must still be a number, and is then ignored.
        matching, problem = self._matching(query, by_sequence=False)
        if problem:
            return Answer(400, error_array(problem))
        with self.state.lock:
            for repository_id in matching:
                self.state.repositories.pop(repository_id, None)
            self.state.save()
        return Answer(202)

    def exists_by_properties(self, query: list[tuple[str, str]]) -> Answer:
        """``GET /existsByProperties?k=v``: whether a repository tagged with all of these exists."""
        matching, problem = self._matching(query, by_sequence=True)
        if problem:
            return Answer(400, error_array(problem))
        return Answer(200, {"hasDataMatchingProperties": bool(matching)})


def parse_devinfo_path(rest: list[str]) -> Optional[tuple[str, ...]]:
    """The operation a path under ``/devinfo/0.1/cloud/{cloudId}/`` names, with its arguments."""
    if rest in (["bulk"], ["bulkByProperties"], ["existsByProperties"]):
        return (rest[0],)
    if len(rest) == 2 and rest[0] == "repository":
        return ("repository", rest[1])
    if len(rest) == 4 and rest[0] == "repository":
        return ("entity", rest[1], rest[2], rest[3])
    return None
