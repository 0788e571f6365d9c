"""The Feature flags API as Jira judges it: flags submitted in bulk, read, and deleted by ID or by properties.

A flaw of the request as a whole answers 400 (more than 100 flags: 413); a flawed flag, or one whose issue
keys are all unknown, is listed in ``failedFeatureFlags`` under its ID and not stored. A stored flag is
replaced only by a higher ``updateSequenceId``.
"""

from __future__ import annotations

from typing import Any

from jira_devops.emulator.state import StoredItem
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


class FlagSubmissions(ApiSubmissions):
    """Applies Feature flag submissions and deletions to an :class:`EmulatorState`."""

    API = "featureflags"

    def submit(self, body: Any) -> Answer:
        """``POST /bulk``."""
        request = open_bulk_request(body, "flags", self.validator)
        if isinstance(request, Answer):
            return request
        response: dict[str, Any] = {"acceptedFeatureFlags": [], "failedFeatureFlags": {}, "unknownIssueKeys": []}
        unknown_associations: list[dict[str, Any]] = []
        for flag in request.items:
            flag_id = str(flag.get("id", "")) if isinstance(flag, dict) else ""
            problems = self.validator.item_errors(flag)
            keys = None if problems else split_issue_keys(flag, self.projects)
            if keys is not None:
                note_unknown(keys, response, unknown_associations)
                if keys.only_unknown:
                    problems = ["No valid issues found for feature flag"]
            if problems:
                response["failedFeatureFlags"][flag_id] = [{"message": message} for message in problems]
                continue
            response["acceptedFeatureFlags"].append(flag_id)
            self._store(flag, request.properties, keys.known if keys else [])
        return accepted(response, unknown_associations)

    def _store(self, flag: dict[str, Any], properties: dict[str, str], keys: list[str]) -> None:
        with self.state.lock:
            current = self.state.flags.get(flag["id"])
            if is_stale(current, flag, "updateSequenceId"):
                return
            self.state.flags[flag["id"]] = StoredItem(item=flag, properties=properties, issue_keys=keys)
            self.state.save()

    def get(self, flag_id: str) -> Answer:
        """``GET /flag/{id}``."""
        with self.state.lock:
            stored = self.state.flags.get(flag_id)
            if stored is None:
                return Answer(404, error_array("No data found for the given Feature Flag ID"))
            return Answer(200, stored.item)

    def delete(self, flag_id: str) -> Answer:
        """``DELETE /flag/{id}`` (202 whether or not it was there, as the spec documents no 404)."""
        with self.state.lock:
            if self.state.flags.pop(flag_id, None) is not None:
                self.state.save()
        return Answer(202)

    def delete_by_properties(self, query: list[tuple[str, str]]) -> Answer:
        """``DELETE /bulkByProperties?k=v``: every flag submitted with all of these properties."""
        _, wanted, problem = update_sequence_filter(query)  # _updateSequenceId is "no longer supported"
        if not problem and not wanted:
            problem = "At least one property is required"
        if problem:
            return Answer(400, error_array(problem))
        with self.state.lock:
            for flag_id in [k for k, stored in self.state.flags.items()
                            if all(stored.properties.get(name) == value for name, value in wanted.items())]:
                del self.state.flags[flag_id]
            self.state.save()
        return Answer(202)
