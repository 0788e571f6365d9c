"""The CLI with a CI environment: `context` shows it, reports use it, notes are warnings, states are mapped."""

from __future__ import annotations

import json
from collections.abc import Callable

from jira_devops.errors import ExitCode
from support.ci_env import History, run_cli

Snapshot = Callable[[str], dict[str, str]]


def _jenkins(snapshot: Snapshot, history: History) -> dict[str, str]:
    return {**snapshot("jenkins-multibranch"), "GIT_COMMIT": history.head,
            "GIT_PREVIOUS_SUCCESSFUL_COMMIT": history.shas[1]}


def test_context_says_which_provider_matched_and_what_it_read(snapshot: Snapshot, history: History) -> None:
    env = {**_jenkins(snapshot, history), "JIRA_DEVOPS_JOB_STATUS": "ABORTED"}
    done = run_cli("context", env=env, cwd=history.path)
    assert done.returncode == 0, done.stderr
    lines = [" ".join(line.split()) for line in done.stdout.splitlines()]
    assert lines[0] == "provider: Jenkins (jenkins), detected by JENKINS_URL"
    assert "pipeline id: acme/api/feature%2FABC-12-login" in lines
    assert f"previous commit: {history.shas[1]}" in lines
    assert "branch: feature/ABC-12-login" in lines
    assert "job status: ABORTED (a build would be reported cancelled)" in lines


def test_context_json_is_the_whole_context(snapshot: Snapshot, history: History) -> None:
    done = run_cli("context", "--json", env=snapshot("github-pull_request"), cwd=history.path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["provider"] == "github"
    assert data["detectedBy"] == "GITHUB_ACTIONS"
    assert data["providerName"] == "GitHub Actions"
    assert data["prTitle"] == "ABC-12 Login form validation"
    assert data["prBaseCommit"] == "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
    assert not [key for key in data if "_" in key]  # camelCase, like every other --json output
    assert len(data["notes"]) == 1
    assert done.stderr.startswith("warning: pull_request event: GITHUB_SHA 3d0a5f3 is a merge commit")


def test_context_outside_any_ci(history: History) -> None:
    done = run_cli("context", env={}, cwd=history.path)
    assert done.returncode == 0
    assert done.stdout.startswith("provider: generic, no CI detected")


def test_context_with_unknown_ci_name_is_a_usage_error(history: History) -> None:
    done = run_cli("context", "--ci", "jenkinz", env={}, cwd=history.path)
    assert done.returncode == ExitCode.USAGE
    assert done.stderr.startswith("error: unknown CI 'jenkinz' (use one of azure, bamboo,")
    assert len(done.stderr.splitlines()) == 1


def test_report_with_no_flags_in_jenkins_fills_the_build_from_the_ci(snapshot: Snapshot,
                                                                   history: History) -> None:
    env = {**_jenkins(snapshot, history), "JIRA_DEVOPS_JOB_STATUS": "UNSTABLE"}
    done = run_cli("report-build", "--dry-run", "--json", env=env, cwd=history.path)
    assert done.returncode == 0, done.stderr
    build = json.loads(done.stdout)["bodies"][0]["builds"][0]
    assert build["pipelineId"] == "acme/api/feature%2FABC-12-login"
    assert build["buildNumber"] == 57
    assert build["displayName"] == "acme/api/feature/ABC-12-login #57"
    assert build["url"].endswith("/57/display/redirect")
    assert build["state"] == "failed"
    assert build["references"] == [{"commit": {"id": history.head, "repositoryUri": "https://github.com/acme/api"},
                                    "ref": {"name": "feature/ABC-12-login",
                                            "uri": "https://github.com/acme/api/tree/feature/ABC-12-login"}}]
    assert "ABC-12" in build["issueKeys"]


def test_ci_notes_are_printed_as_warnings_after_a_report(snapshot: Snapshot, history: History) -> None:
    env = {**snapshot("github-pull_request"), "JIRA_DEVOPS_JOB_STATUS": "success"}
    done = run_cli("report-build", "--dry-run", env=env, cwd=history.path)
    assert done.returncode == 0, done.stderr
    assert "warning: pull_request event: GITHUB_SHA 3d0a5f3 is a merge commit GitHub made" in done.stderr


def test_an_unknown_state_word_is_one_line_listing_accepted_words(snapshot: Snapshot, history: History) -> None:
    done = run_cli("report-build", "--dry-run", "--state", "green", env=_jenkins(snapshot, history),
                   cwd=history.path)
    assert done.returncode == ExitCode.USAGE
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: state 'green' is not a build state (use one of pending, in_progress,")
    assert "aborted" in lines[0] and "Traceback" not in done.stderr


def test_an_unknown_job_status_from_the_ci_is_the_same_error(snapshot: Snapshot, history: History) -> None:
    env = {**_jenkins(snapshot, history), "JIRA_DEVOPS_JOB_STATUS": "purple"}
    done = run_cli("report-deploy", "--dry-run", "-e", "production", env=env, cwd=history.path)
    assert done.returncode == ExitCode.USAGE
    assert done.stderr.startswith("error: state 'purple' is not a deploy state (use one of unknown, pending,")


def test_context_offers_only_the_flags_it_uses(history: History) -> None:
    usage = run_cli("context", "--help", env={}, cwd=history.path).stdout
    assert "--json" in usage and "--ci" in usage
    assert "--dry-run" not in usage and "--no-fail" not in usage
    done = run_cli("context", "--dry-run", env={}, cwd=history.path)
    assert done.returncode == 2 and "unrecognized arguments: --dry-run" in done.stderr
