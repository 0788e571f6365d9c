"""Jenkins: job name pipelines, display URLs, previous successful commit, remote-stripped branches."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from jira_devops.ci import detect
from jira_devops.ci.jenkins import strip_remote
from support.ci_env import BEFORE, HEAD

Snapshot = Callable[[str], dict[str, str]]


def test_multibranch_branch_build(snapshot: Snapshot) -> None:
    ci = detect(snapshot("jenkins-multibranch"))
    assert ci.provider == "jenkins"
    assert ci.detected_by == "JENKINS_URL"
    assert ci.pipeline_id == "acme/api/feature%2FABC-12-login"
    assert ci.pipeline_name == "acme/api/feature/ABC-12-login", "decoded for display; the ID stays as Jenkins gives it"
    assert ci.run_number == 57
    assert ci.run_url.endswith("/57/display/redirect")  # type: ignore[union-attr]
    assert ci.pipeline_url.endswith("feature%252FABC-12-login/display/redirect")  # type: ignore[union-attr]
    assert ci.branch == "feature/ABC-12-login"
    assert ci.commit == HEAD
    assert ci.previous_commit == BEFORE
    assert ci.repository_url == "https://github.com/acme/api.git"
    assert ci.notes == ()


def test_pull_request_build_uses_change_branch_and_title(snapshot: Snapshot) -> None:
    ci = detect(snapshot("jenkins-pr"))
    assert ci.branch == "feature/ABC-12-login"
    assert ci.pr_number == "17"
    assert ci.pr_title == "ABC-12 Login form validation"
    assert ci.pipeline_id == "acme/api/PR-17"
    assert ci.previous_commit is None


def test_freestyle_first_build_strips_the_remote_and_has_no_previous(snapshot: Snapshot) -> None:
    ci = detect(snapshot("jenkins-freestyle"))
    assert ci.branch == "release/2.x"
    assert ci.previous_commit is None
    assert ci.run_url == "https://jenkins.acme.example/job/api-nightly/1/"
    assert ci.pipeline_url == "https://jenkins.acme.example/job/api-nightly/"
    assert ci.repository_url == "git@github.com:acme/api.git"


def test_tag_build_is_a_tag_not_a_branch(snapshot: Snapshot) -> None:
    ci = detect(snapshot("jenkins-tag"))
    assert ci.tag == "v1.4.2"
    assert ci.branch is None


def test_rebuild_of_the_same_commit_is_noted(snapshot: Snapshot) -> None:
    ci = detect({**snapshot("jenkins-multibranch"), "GIT_PREVIOUS_SUCCESSFUL_COMMIT": HEAD})
    assert ci.previous_commit == HEAD
    assert any("rebuild" in note for note in ci.notes)


def test_a_non_numeric_build_number_is_noted_and_dropped(snapshot: Snapshot) -> None:
    ci = detect({**snapshot("jenkins-freestyle"), "BUILD_NUMBER": "abc"})
    assert ci.run_number is None
    assert any("BUILD_NUMBER" in note for note in ci.notes)


@pytest.mark.parametrize(("value", "expected"), [
    ("origin/main", "main"),
    ("origin/feature/ABC-1-x", "feature/ABC-1-x"),
    ("refs/remotes/upstream/dev", "dev"),
    ("refs/heads/main", "main"),
    ("main", "main"),
    (None, None),
])
def test_strip_remote(value: str, expected: str) -> None:
    assert strip_remote(value) == expected
