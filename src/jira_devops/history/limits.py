"""How far history is read: one commit limit and one deepening switch, for commit ranges and deploy history alike.

``--max-commits N`` bounds both the commits whose messages are read and the commits a shallow clone is
deepened by; it must be at least 1 (0 is refused rather than meaning "no limit" on one path and "the
default" on another). Deepening is on unless ``--no-deepen``: a shallow clone is deepened as far as needed
(and at most ``--max-commits``) to reach a range's base or place the last deploy.
"""

from __future__ import annotations

from jira_devops.errors import UsageError
from jira_devops.settings import Settings


def max_commits(settings: Settings) -> int:
    """``--max-commits``, checked: at least 1."""
    value = settings.max_commits
    if value < 1:
        raise UsageError(f"{settings.describe_source('max_commits')} must be at least 1, got {value}")
    return value


def deepens(settings: Settings) -> bool:
    """Whether a shallow clone may be deepened (on unless ``--no-deepen``)."""
    return settings.deepen
