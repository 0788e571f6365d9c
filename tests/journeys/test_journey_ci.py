"""User journeys in simulated CI jobs: the real CLI, a real repository, the emulator deciding gates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from support.cli import run_cli
from support.emulator import RunningEmulator
from support.gitrepo import git, make_repo

pytestmark = pytest.mark.e2e

GITHUB_TOKEN = "ghp_journeyTokenThatMustNeverBePrinted0001"
MESSAGES = ("initial import", "ABC-1 add login", "ABC-2: fix logout", "chore: tidy", "[OPS-3] deploy script")


def _bulk_bodies(emulator: RunningEmulator, kind: str) -> list[dict[str, Any]]:
    return [r["body"] for r in emulator.requests() if r["path"].startswith(f"/jira/{kind}/") and
            r["path"].endswith("/bulk")]


def _github_push(tmp_path: Path, emulator: RunningEmulator) -> tuple[Path, dict[str, str]]:
    repo = make_repo(tmp_path / "repo", MESSAGES, remote="https://github.com/acme/api.git")
    before = git(repo, "rev-parse", "HEAD~4")
    head = git(repo, "rev-parse", "HEAD")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"ref": "refs/heads/main", "before": before, "after": head,
                                 "repository": {"full_name": "acme/api"},
                                 "head_commit": {"id": head, "message": MESSAGES[-1]}}), encoding="utf-8")
    env = {**emulator.env(tmp_path), "JIRA_DEVOPS_OUTBOX": str(tmp_path / "outbox"),
           "GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event),
           "GITHUB_REPOSITORY": "acme/api", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "9876",
           "GITHUB_RUN_NUMBER": "42", "GITHUB_RUN_ATTEMPT": "1", "GITHUB_WORKFLOW": "CI",
           "GITHUB_WORKFLOW_REF": "acme/api/.github/workflows/ci.yml@refs/heads/main", "GITHUB_SHA": head,
           "GITHUB_REF": "refs/heads/main", "GITHUB_REF_NAME": "main", "GITHUB_REF_TYPE": "branch",
           "GITHUB_WORKSPACE": str(repo), "GITHUB_TOKEN": GITHUB_TOKEN}
    return repo, env


def test_github_push_build_then_gated_deploy_allowed(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo, env = _github_push(tmp_path, emulator)
    head = git(repo, "rev-parse", "HEAD")
    build = run_cli("report-build", env=env, cwd=repo)
    assert build.returncode == 0, build.stderr
    assert "accepted: build acme/api/.github/workflows/ci.yml #42" in build.stdout
    sent = _bulk_bodies(emulator, "builds")[0]["builds"][0]
    assert sent["pipelineId"] == "acme/api/.github/workflows/ci.yml"
    assert sent["buildNumber"] == 42
    assert sent["url"] == "https://github.com/acme/api/actions/runs/9876"
    assert sent["issueKeys"] == ["OPS-3", "ABC-2", "ABC-1"], "every keyed commit since the push's 'before'"
    assert sent["references"] == [{"commit": {"id": head, "repositoryUri": "https://github.com/acme/api"},
                                   "ref": {"name": "main", "uri": "https://github.com/acme/api/tree/main"}}]

    emulator.gate("allowed", awaiting_polls=1)
    deploy = run_cli("report-deploy", "--environment", "production", "--gate", "--service-id", "svc-1",
                     "--gate-poll", "50ms", env=env, cwd=repo)
    assert deploy.returncode == 0, deploy.stderr
    assert "gate: allowed" in deploy.stdout
    deployment = _bulk_bodies(emulator, "deployments")[0]["deployments"][0]
    assert deployment["state"] == "pending"
    assert deployment["environment"] == {"id": "production", "displayName": "production", "type": "production"}
    assert {"associationType": "issueIdOrKeys", "values": ["OPS-3", "ABC-2", "ABC-1"]} in deployment["associations"]
    assert "Traceback" not in build.stderr + deploy.stderr
    assert GITHUB_TOKEN not in build.stdout + build.stderr + deploy.stdout + deploy.stderr


def test_github_push_gated_deploy_prevented_exits_5_with_one_error_line(emulator: RunningEmulator,
                                                                         tmp_path: Path) -> None:
    repo, env = _github_push(tmp_path, emulator)
    emulator.gate("prevented")
    done = run_cli("report-deploy", "--environment", "production", "--gate", "--service-id", "svc-1",
                   "--gate-poll", "50ms", "--quiet", env=env, cwd=repo)
    assert done.returncode == 5
    assert done.stdout == "", "--quiet prints errors only"
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "do not deploy" in errors[0], done.stderr
    assert not [line for line in done.stderr.splitlines() if line.startswith(("note:", "gate:"))]


def test_gitlab_merge_request_pipeline(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("initial import",), remote="https://gitlab.com/acme/api.git")
    git(repo, "checkout", "-q", "-b", "feature/ABC-9-payments")
    git(repo, "commit", "-q", "--allow-empty", "-m", "payments api")
    head = git(repo, "rev-parse", "HEAD")
    env = {**emulator.env(tmp_path), "JIRA_DEVOPS_OUTBOX": str(tmp_path / "outbox"),
           "GITLAB_CI": "true", "CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event",
           "CI_MERGE_REQUEST_IID": "17", "CI_MERGE_REQUEST_TITLE": "OPS-12: Payments API",
           "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature/ABC-9-payments", "CI_COMMIT_SHA": head,
           "CI_COMMIT_REF_NAME": "feature/ABC-9-payments", "CI_PROJECT_PATH": "acme/api",
           "CI_PROJECT_URL": "https://gitlab.com/acme/api", "CI_PIPELINE_ID": "555", "CI_PIPELINE_IID": "31",
           "CI_PIPELINE_URL": "https://gitlab.com/acme/api/-/pipelines/555", "CI_SERVER_URL": "https://gitlab.com",
           "CI_COMMIT_BEFORE_SHA": "0" * 40, "CI_JOB_TOKEN": "glcbt-job-token-never-printed"}
    done = run_cli("report-build", "--state", "failed", "--json", env=env, cwd=repo)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["ci"] == "gitlab"
    assert result["keySources"] == {"ABC-9": ["branch"], "OPS-12": ["pr-title"]}
    sent = _bulk_bodies(emulator, "builds")[0]["builds"][0]
    assert (sent["pipelineId"], sent["buildNumber"], sent["state"]) == ("acme/api", 31, "failed")
    assert sent["url"] == "https://gitlab.com/acme/api/-/pipelines/555"
    assert "glcbt-job-token-never-printed" not in done.stdout + done.stderr


def test_jenkins_reads_keys_since_the_previous_successful_commit(emulator: RunningEmulator,
                                                                 tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", MESSAGES, remote="https://github.com/acme/api.git")
    env = {**emulator.env(tmp_path), "JIRA_DEVOPS_OUTBOX": str(tmp_path / "outbox"),
           "JENKINS_URL": "https://jenkins.example.com/", "BUILD_NUMBER": "88",
           "BUILD_URL": "https://jenkins.example.com/job/api/88/", "JOB_NAME": "api/main", "BRANCH_NAME": "main",
           "GIT_COMMIT": git(repo, "rev-parse", "HEAD"),
           "GIT_PREVIOUS_SUCCESSFUL_COMMIT": git(repo, "rev-parse", "HEAD~3"),
           "GIT_URL": "https://github.com/acme/api.git"}
    done = run_cli("report-deploy", "--environment", "Production EU", "--state", "SUCCESS", env=env, cwd=repo)
    assert done.returncode == 0, done.stderr
    deployment = _bulk_bodies(emulator, "deployments")[0]["deployments"][0]
    assert deployment["state"] == "successful"
    assert deployment["environment"] == {"id": "production-eu", "displayName": "Production EU",
                                         "type": "production"}
    keys = next(a for a in deployment["associations"] if a["associationType"] == "issueIdOrKeys")["values"]
    assert keys == ["OPS-3", "ABC-2"], "ABC-1 was in the previous successful build"
    assert "base: the CI's previous successful commit (Jenkins)" in done.stdout
