"""What CIs call a job's outcome, mapped to the states Jira accepts for builds and deployments.

Jira's own words map to themselves. Words are matched case-insensitively with ``-`` and spaces read as
``_``, so GitHub's ``success``/``failure``/``cancelled``, Jenkins' ``SUCCESS``/``UNSTABLE``/``FAILURE``/
``ABORTED``/``NOT_BUILT``, GitLab's ``failed``/``canceled`` and Azure's ``SucceededWithIssues`` all work.
This module imports nothing heavy: the ``context`` command and payload building both use it.
"""

from __future__ import annotations

BUILD_STATES: tuple[str, ...] = ("pending", "in_progress", "successful", "failed", "cancelled", "unknown")
DEPLOYMENT_STATES: tuple[str, ...] = (
    "unknown", "pending", "in_progress", "cancelled", "failed", "rolled_back", "successful",
)

STATE_WORDS: dict[str, str] = {
    # finished well
    "successful": "successful", "success": "successful", "succeeded": "successful", "passed": "successful",
    "pass": "successful", "ok": "successful", "fixed": "successful", "succeededwithissues": "successful",
    "completed": "successful",
    # finished badly (Jenkins UNSTABLE means tests failed: the build did not pass)
    "failed": "failed", "failure": "failed", "fail": "failed", "error": "failed", "errored": "failed",
    "broken": "failed", "unstable": "failed", "still_failing": "failed", "timed_out": "failed",
    "timedout": "failed", "infrastructure_fail": "failed",
    # stopped before finishing
    "cancelled": "cancelled", "canceled": "cancelled", "aborted": "cancelled", "stopped": "cancelled",
    "killed": "cancelled", "skipped": "cancelled", "not_built": "cancelled", "terminated": "cancelled",
    # still going
    "in_progress": "in_progress", "inprogress": "in_progress", "running": "in_progress",
    "started": "in_progress", "building": "in_progress",
    # not started yet
    "pending": "pending", "queued": "pending", "waiting": "pending", "scheduled": "pending",
    "blocked": "pending", "created": "pending", "manual": "pending",
    "unknown": "unknown",
    # deployments only
    "rolled_back": "rolled_back", "rolledback": "rolled_back", "rollback": "rolled_back",
}

_KINDS = {"build": BUILD_STATES, "builds": BUILD_STATES, "deploy": DEPLOYMENT_STATES,
          "deployment": DEPLOYMENT_STATES, "deployments": DEPLOYMENT_STATES}


def normalise(word: str) -> str:
    """The lookup form of a state word: lower case, ``-`` and spaces as ``_``."""
    return word.strip().lower().replace("-", "_").replace(" ", "_")


def accepted_words(kind: str) -> list[str]:
    """Every word :func:`map_state` accepts for ``kind``, Jira's own states first."""
    allowed = _allowed(kind)
    extra = sorted(word for word, state in STATE_WORDS.items() if state in allowed and word not in allowed)
    return [*allowed, *extra]


def map_state(word: str, kind: str) -> str:
    """Jira's state for a CI word and ``kind`` (``builds`` or ``deployments``); ``ValueError`` if unknown.

    ``rolled_back`` is a deployment state only: it is a ``ValueError`` for builds.
    """
    allowed = _allowed(kind)
    state = STATE_WORDS.get(normalise(word))
    if state is None or state not in allowed:
        raise ValueError(f"{word!r} is not a {kind.rstrip('s')} state")
    return state


def _allowed(kind: str) -> tuple[str, ...]:
    try:
        return _KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}: use 'builds' or 'deployments'") from None


# Where a word means something other than what Atlassian's Jenkins plugin sends, and why.
DIFFERENCES: dict[str, str] = {
    "unstable": "Atlassian's Jenkins plugin sends `unknown`; UNSTABLE means tests failed, so the build did not "
                "pass, and `unknown` would hide that on the issue (Jira shows it grey, like a build it knows "
                "nothing about)",
}


def markdown_table() -> str:
    """The state mapping as a Markdown table (docs/ci-providers.md), from :data:`STATE_WORDS` itself."""
    rows = ["| Jira state | CI words mapped to it (case, `-` and spaces do not matter) |", "|---|---|"]
    for state in dict.fromkeys((*BUILD_STATES, *DEPLOYMENT_STATES)):
        words = [word for word, mapped in STATE_WORDS.items() if mapped == state]
        only = " (deployments only)" if state not in BUILD_STATES else ""
        rows.append(f"| `{state}`{only} | {', '.join(f'`{word}`' for word in words)} |")
    notes = [f"- `{word.upper()}` → `{STATE_WORDS[word]}`: {why}." for word, why in DIFFERENCES.items()]
    return "\n".join(rows) + "\n\n" + "\n".join(notes)
