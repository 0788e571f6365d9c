"""GitHub Actions: workflow-file pipeline IDs, run URLs with attempts, PR head commits from the event payload."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from jira_devops.ci import detect
from support.ci_env import BEFORE, HEAD, MERGE

Snapshot = Callable[[str], dict[str, str]]


def test_push_reads_workflow_run_branch_and_before_commit(snapshot: Snapshot) -> None:
    ci = detect(snapshot("github-push"))
    assert ci.provider == "github"
    assert ci.detected_by == "GITHUB_ACTIONS"
    assert ci.pipeline_id == "acme/api/.github/workflows/build.yml"
    assert ci.pipeline_name == "Build and test"
    assert ci.pipeline_url == "https://github.com/acme/api/actions/workflows/build.yml"
    assert ci.run_url == "https://github.com/acme/api/actions/runs/7301234567"
    assert ci.run_number == 42
    assert ci.attempt == 1
    assert ci.branch == "feature/ABC-12-login"
    assert ci.tag is None
    assert ci.commit == HEAD
    assert ci.previous_commit == BEFORE
    assert ci.repository_url == "https://github.com/acme/api"
    assert ci.pr_title is None
    assert ci.notes == ()


def test_pull_request_reports_head_commit_and_title_and_says_why(snapshot: Snapshot) -> None:
    ci = detect(snapshot("github-pull_request"))
    assert ci.commit == HEAD
    assert ci.branch == "feature/ABC-12-login"
    assert ci.pr_number == "17"
    assert ci.pr_title == "ABC-12 Login form validation"
    assert ci.previous_commit is None
    assert ci.pr_base_commit == BEFORE  # pull_request.base.sha
    assert ci.pipeline_id == "acme/api/.github/workflows/build.yml"
    assert len(ci.notes) == 1
    assert MERGE[:7] in ci.notes[0] and HEAD[:7] in ci.notes[0] and "merge commit" in ci.notes[0]


def test_rerun_of_a_tag_links_the_attempt_and_keeps_the_pipeline(snapshot: Snapshot) -> None:
    ci = detect(snapshot("github-rerun-tag"))
    assert ci.run_url == "https://github.acme.example/acme/api/actions/runs/880/attempts/2"
    assert ci.attempt == 2
    assert ci.tag == "v1.4.2"
    assert ci.branch is None
    assert ci.pipeline_id == "acme/api/.github/workflows/release.yml"
    assert ci.repository_url == "https://github.acme.example/acme/api"


def test_without_workflow_ref_the_pipeline_comes_from_the_name_with_a_note(snapshot: Snapshot) -> None:
    ci = detect(snapshot("github-minimal"))
    assert ci.pipeline_id == "acme/api/CI"
    assert ci.branch == "main"
    assert ci.run_url == "https://github.com/acme/api/actions/runs/12"
    assert ci.pipeline_url == "https://github.com/acme/api/actions"
    assert ci.attempt is None
    assert any("GITHUB_WORKFLOW_REF" in note for note in ci.notes)


def test_push_of_a_new_branch_has_no_previous_commit(snapshot: Snapshot, tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"before": "0" * 40, "after": HEAD, "created": True}), encoding="utf-8")
    ci = detect({**snapshot("github-push"), "GITHUB_EVENT_PATH": str(event)})
    assert ci.previous_commit is None


def test_unreadable_event_file_is_a_note_not_a_crash(snapshot: Snapshot, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    ci = detect({**snapshot("github-pull_request"), "GITHUB_EVENT_PATH": str(broken)})
    assert ci.commit == MERGE
    assert ci.pr_title is None
    assert ci.pr_number == "17"  # still known from refs/pull/17/merge
    assert any("GITHUB_EVENT_PATH" in note for note in ci.notes)


def test_job_status_comes_from_the_wrapper_variable(snapshot: Snapshot) -> None:
    ci = detect({**snapshot("github-push"), "JIRA_DEVOPS_JOB_STATUS": "failure"})
    assert ci.job_status == "failure"
