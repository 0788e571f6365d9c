"""Feature flag bodies: one flag with its summary and one detail per environment, within the spec's limits.

Limits from the published 2026-01 spec: ``id``, ``key``, ``displayName`` and ``defaultValue`` 255
characters, rollout percentage 0-100, rollout text 255, URLs 2000, at least one detail, 100 flags per
request; environment types ``development``, ``testing``, ``staging``, ``production`` (no ``unmapped``:
an environment whose type cannot be inferred is sent without one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional

from jira_devops.environments import infer_environment_type
from jira_devops.errors import UsageError
from jira_devops.jira.payloads import PRODUCT

MAX_TEXT = 255
MAX_URL = 2000
FLAG_ENVIRONMENT_TYPES = ("development", "testing", "staging", "production")


@dataclass(frozen=True)
class FlagFacts:
    """What ``report-flag`` was told about one flag."""

    key: str
    flag_id: str
    enabled: bool
    url: str
    last_updated: str
    sequence: int
    display_name: Optional[str] = None
    default_value: Optional[str] = None
    rollout_percentage: Optional[float] = None
    rollout_text: Optional[str] = None
    environments: tuple[str, ...] = ()
    issue_keys: tuple[str, ...] = ()


def rollout_percentage(text: Optional[str]) -> Optional[float]:
    """``--rollout-percentage`` as a number from 0 to 100 (a trailing ``%`` is fine)."""
    if text is None or not text.strip():
        return None
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        raise UsageError(f"--rollout-percentage {text!r} is not a number",
                         hint="e.g. --rollout-percentage 25") from None
    if not 0 <= value <= 100:
        raise UsageError(f"--rollout-percentage {text!r} is not between 0 and 100")
    return value


def _checked(name: str, value: Optional[str], limit: int) -> Optional[str]:
    if value is not None and len(value) > limit:
        raise UsageError(f"{name} is {len(value)} characters long; Jira takes at most {limit}")
    return value


def flag_item(facts: FlagFacts) -> dict[str, Any]:
    """The flag as the Feature flags API takes it."""
    _checked("--flag-key", facts.key, MAX_TEXT)
    _checked("--flag-id", facts.flag_id, MAX_TEXT)
    _checked("--url", facts.url, MAX_URL)
    status: dict[str, Any] = {"enabled": facts.enabled}
    if facts.default_value is not None:
        status["defaultValue"] = _checked("--default-value", facts.default_value, MAX_TEXT)
    rollout: dict[str, Any] = {}
    if facts.rollout_percentage is not None:
        rollout["percentage"] = facts.rollout_percentage
    if facts.rollout_text:
        rollout["text"] = _checked("--rollout-text", facts.rollout_text, MAX_TEXT)
    if rollout:
        status["rollout"] = rollout
    details = [_detail(name, status, facts) for name in facts.environments or ("default",)]
    item: dict[str, Any] = {
        "schemaVersion": "1.0", "id": facts.flag_id, "key": facts.key, "updateSequenceId": facts.sequence,
        "summary": {"url": facts.url, "status": status, "lastUpdated": facts.last_updated},
        "details": details,
    }
    if facts.display_name:
        item["displayName"] = _checked("--display-name", facts.display_name, MAX_TEXT)
    if facts.issue_keys:
        item["issueKeys"] = list(dict.fromkeys(facts.issue_keys))
    return item


def _detail(environment: str, status: dict[str, Any], facts: FlagFacts) -> dict[str, Any]:
    described: dict[str, Any] = {"name": _checked("--environment", environment, MAX_TEXT)}
    kind = infer_environment_type(environment)
    if kind in FLAG_ENVIRONMENT_TYPES:
        described["type"] = kind
    return {"environment": described, "status": status, "lastUpdated": facts.last_updated, "url": facts.url}


def flag_bodies(items: Sequence[dict[str, Any]], properties: Optional[dict[str, str]]) -> list[dict[str, Any]]:
    """The bulk request bodies: at most 100 flags each."""
    bodies = []
    for start in range(0, len(items), 100):
        body: dict[str, Any] = {"flags": list(items[start:start + 100]), "providerMetadata": {"product": PRODUCT}}
        if properties:
            body["properties"] = properties
        bodies.append(body)
    return bodies
