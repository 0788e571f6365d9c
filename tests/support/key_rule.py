"""The keys the commit scanner finds in a raw message, as text (what KeyRule.commit_finder gives)."""

from __future__ import annotations

from jira_devops.history.issue_keys import KeyRule


def keys_in_message(rule: KeyRule, message: bytes) -> list[str]:
    """The keys of one raw commit message, through the same finder the commit scan uses."""
    return [key if isinstance(key, str) else key.decode("ascii") for key in rule.commit_finder()(message)]
