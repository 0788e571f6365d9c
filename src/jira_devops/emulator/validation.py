"""Validate submissions against the bundled schema, the way Jira does: the request as a whole, then each item.

A flaw in the request as a whole (not an object, no item list, too many properties) is a 400 carrying
Jira's error array; a flaw in one item rejects only that item, with messages such as ``'url' is required``.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from jira_devops.emulator.schema import REQUEST_SCHEMAS, load_bundled
from jira_devops.errors import UsageError

# ISO-8601 date-time as Jira reads it: a date, a time (seconds and fraction optional), an optional offset.
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?$")


def _jsonschema() -> Any:
    try:
        import jsonschema  # noqa: PLC0415 - optional dependency of the emulator only
    except ImportError:
        raise UsageError("the emulator needs the jsonschema package",
                         hint="install it with: pip install 'jira-devops[emulator]'") from None
    return jsonschema


def _format_checker(jsonschema: Any) -> Any:
    """Checks ``date-time`` only (without extra packages); other formats are not enforced, as before."""
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date-time")(lambda value: not isinstance(value, str) or bool(_DATE_TIME.match(value)))
    return checker


def _path_text(path: Any) -> str:
    return ".".join(str(part) for part in path)


def error_message(error: Any) -> str:
    """One Jira-style sentence for one jsonschema error."""
    where = _path_text(error.absolute_path)
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else str(error.message)
        name = f"{where}.{missing}" if where else missing
        return f"'{name}' is required"
    if error.validator == "maxLength":
        return f"'{where}' must be at most {error.validator_value} characters"
    if error.validator in ("maxItems", "maxProperties"):
        return f"'{where}' must have at most {error.validator_value} entries"
    if error.validator in ("minItems", "minProperties"):
        return f"'{where}' must have at least {error.validator_value} entries"
    if error.validator == "enum":
        allowed = ", ".join(str(value) for value in error.validator_value)
        return f"'{where}' must be one of: {allowed}"
    if error.validator == "format":
        return f"'{where}' is not a valid {error.validator_value}"
    if error.validator == "anyOf":
        return f"'{where}' does not match any of the allowed shapes"
    prefix = f"'{where}' " if where else ""
    return f"{prefix}is invalid: {error.message}"


# The list of items each request body carries; each item is judged on its own.
ITEM_LISTS = {"builds": "builds", "deployments": "deployments", "devinfo": "repositories", "featureflags": "flags"}
# Inside a repository, each commit, branch and pull request is judged on its own too.
ENTITY_SCHEMAS = {"commits": "Commit", "branches": "Branch", "pullRequests": "PullRequest"}


def _hollow(schema: dict[str, Any], *lists: str) -> dict[str, Any]:
    """A copy of ``schema`` whose ``lists`` take any objects (their items are judged on their own)."""
    copied = copy.deepcopy(schema)
    for name in lists:
        copied["properties"][name]["items"] = {"type": "object"}
    return copied


class RequestValidator:
    """Checks submit bodies for one kind (``builds``, ``deployments``, ``devinfo`` or ``featureflags``)."""

    def __init__(self, kind: str) -> None:
        document = load_bundled()["requests"][kind]
        defs = document["$defs"]
        root_name = REQUEST_SCHEMAS[kind]
        items = ITEM_LISTS[kind]
        item_ref = str(defs[root_name]["properties"][items]["items"]["$ref"])
        item_schema = defs[item_ref.rsplit("/", maxsplit=1)[-1]]
        entity_lists = tuple(ENTITY_SCHEMAS) if kind == "devinfo" else ()
        jsonschema = _jsonschema()
        validator = jsonschema.Draft202012Validator
        checker = _format_checker(jsonschema)

        def compiled(schema: dict[str, Any]) -> Any:
            return validator({**schema, "$defs": defs}, format_checker=checker)

        self.kind = kind
        self.request = compiled(_hollow(defs[root_name], items))
        self.item = compiled(_hollow(item_schema, *entity_lists))
        self.entities = {name: compiled(defs[ENTITY_SCHEMAS[name]]) for name in entity_lists}

    def request_errors(self, body: Any) -> list[str]:
        """Messages for flaws of the request as a whole (empty when it is well-formed)."""
        errors = sorted(self.request.iter_errors(body), key=lambda e: list(e.absolute_path))
        return [error_message(error) for error in errors]

    def item_errors(self, item: Any) -> list[str]:
        """Messages for flaws of one item (empty when it is valid)."""
        return _messages(self.item, item)

    def entity_errors(self, entity_list: str, entity: Any) -> list[str]:
        """Messages for flaws of one commit, branch or pull request of a repository."""
        return _messages(self.entities[entity_list], entity)


def _messages(validator: Any, value: Any) -> list[str]:
    errors = sorted(validator.iter_errors(value), key=lambda e: (list(e.absolute_path), e.message))
    return [error_message(error) for error in errors]
