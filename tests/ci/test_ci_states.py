"""CI job words mapped to Jira's build and deployment states."""

from __future__ import annotations

import pytest

from jira_devops.ci.states import BUILD_STATES, DEPLOYMENT_STATES, accepted_words, map_state
from jira_devops.jira import models


def test_state_lists_match_the_models() -> None:
    assert BUILD_STATES == models.BUILD_STATES
    assert DEPLOYMENT_STATES == models.DEPLOYMENT_STATES


@pytest.mark.parametrize(("word", "state"), [
    # GitHub job.status
    ("success", "successful"), ("failure", "failed"), ("cancelled", "cancelled"),
    # Jenkins currentResult
    ("SUCCESS", "successful"), ("UNSTABLE", "failed"), ("FAILURE", "failed"), ("ABORTED", "cancelled"),
    ("NOT_BUILT", "cancelled"),
    # GitLab CI_JOB_STATUS, Azure Agent.JobStatus
    ("failed", "failed"), ("canceled", "cancelled"), ("Succeeded", "successful"),
    ("SucceededWithIssues", "successful"), ("Skipped", "cancelled"),
    # Jira's own, with odd spelling
    ("In-Progress", "in_progress"), (" pending ", "pending"), ("unknown", "unknown"),
])
def test_ci_words_for_builds(word: str, state: str) -> None:
    assert map_state(word, "builds") == state


def test_rolled_back_is_for_deployments_only() -> None:
    assert map_state("rolled back", "deployments") == "rolled_back"
    with pytest.raises(ValueError, match="not a build state"):
        map_state("rolled_back", "builds")


def test_unknown_word_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="'green'"):
        map_state("green", "deployments")


def test_kind_accepts_singular_spellings() -> None:
    assert map_state("ok", "build") == map_state("ok", "deploy") == "successful"
    with pytest.raises(ValueError, match="unknown kind"):
        map_state("ok", "release")


def test_accepted_words_start_with_jiras_states() -> None:
    words = accepted_words("builds")
    assert words[:len(BUILD_STATES)] == list(BUILD_STATES)
    assert "aborted" in words and "rolled_back" not in words
    assert all(map_state(word, "builds") for word in words)
