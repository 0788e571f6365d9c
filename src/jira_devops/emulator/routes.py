"""Which API call a path under ``/jira/{api}/0.1/cloud/{cloudId}/`` is, and who answers it."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Optional

from jira_devops.emulator.bodies import Unparsable
from jira_devops.emulator.devinfo import DevinfoSubmissions, parse_devinfo_path
from jira_devops.emulator.featureflags import FlagSubmissions
from jira_devops.emulator.state import EmulatorState
from jira_devops.emulator.submissions import Answer, Submissions, error_array

APIS = ("builds", "deployments", "devinfo", "featureflags")


class Apis:
    """The four DevOps APIs over one state."""

    def __init__(self, state: EmulatorState, projects: Collection[str]) -> None:
        self.submissions = Submissions(state, projects)
        self.devinfo = DevinfoSubmissions(state, projects)
        self.flags = FlagSubmissions(state, projects)

    def answer(self, api: str, method: str, rest: list[str], query: list[tuple[str, str]], body: Any) -> Answer:
        """The answer to ``method`` on ``rest`` (the path after the cloud ID) of ``api``."""
        if rest == ["bulk"]:
            if method != "POST":
                return Answer(405, error_array("Use POST"))
            if isinstance(body, Unparsable) or body is None:
                return Answer(400, error_array("The request body is not valid JSON"))
        if api == "devinfo":
            return self._devinfo(method, rest, query, body)
        if api == "featureflags":
            return self._flags(method, rest, query, body)
        return self._builds_or_deployments(api, method, rest, dict(query), body)

    def _devinfo(self, method: str, rest: list[str], query: list[tuple[str, str]], body: Any) -> Answer:
        operation = parse_devinfo_path(rest)
        if operation is None:
            return Answer(404, error_array("No such resource"))
        name, *arguments = operation
        allowed = {"bulk": "POST", "bulkByProperties": "DELETE", "existsByProperties": "GET", "entity": "DELETE"}
        if name in allowed and method != allowed[name]:
            return Answer(405, error_array(f"Use {allowed[name]}"))
        if name == "bulk":
            return self.devinfo.submit(body)
        if name == "bulkByProperties":
            return self.devinfo.delete_by_properties(query)
        if name == "existsByProperties":
            return self.devinfo.exists_by_properties(query)
        if name == "entity":
            return self.devinfo.delete_entity(arguments[0], arguments[1], arguments[2], query)
        if method == "GET":
            return self.devinfo.get_repository(arguments[0])
        if method == "DELETE":
            return self.devinfo.delete_repository(arguments[0], query)
        return Answer(405, error_array("Use GET or DELETE"))

    def _flags(self, method: str, rest: list[str], query: list[tuple[str, str]], body: Any) -> Answer:
        if rest == ["bulk"]:
            return self.flags.submit(body)
        if rest == ["bulkByProperties"]:
            if method != "DELETE":
                return Answer(405, error_array("Use DELETE"))
            return self.flags.delete_by_properties(query)
        if len(rest) != 2 or rest[0] != "flag":
            return Answer(404, error_array("No such resource"))
        if method == "GET":
            return self.flags.get(rest[1])
        if method == "DELETE":
            return self.flags.delete(rest[1])
        return Answer(405, error_array("Use GET or DELETE"))

    def _builds_or_deployments(self, kind: str, method: str, rest: list[str], query: dict[str, str],
                               body: Any) -> Answer:
        submissions = self.submissions
        if rest == ["bulk"]:
            return submissions.submit(kind, body)
        if rest == ["bulkByProperties"]:
            if method != "DELETE":
                return Answer(405, error_array("Use DELETE"))
            return submissions.delete_by_properties(kind, query)
        key = _item_path_key(kind, rest)
        if key is None:
            return Answer(404, error_array("No such resource"))
        if kind == "deployments" and len(rest) == 7:
            if method != "GET":
                return Answer(405, error_array("Use GET"))
            return submissions.gating_status((str(key[0]), str(key[1]), int(key[2])))
        if method == "GET":
            return submissions.get(kind, key)
        if method == "DELETE":
            return submissions.delete(kind, key)
        return Answer(405, error_array("Use GET or DELETE"))


def _item_path_key(kind: str, rest: list[str]) -> Optional[tuple[Any, ...]]:
    try:
        if kind == "builds" and len(rest) == 4 and rest[0] == "pipelines" and rest[2] == "builds":
            return (rest[1], int(rest[3]))
        if kind == "deployments" and len(rest) in (6, 7) and rest[0] == "pipelines" \
                and rest[2] == "environments" and rest[4] == "deployments" \
                and (len(rest) == 6 or rest[6] == "gating-status"):
            return (rest[1], rest[3], int(rest[5]))
    except ValueError:
        return None
    return None
