"""End to end: `report-build` with no flags in a simulated Jenkins job and GitHub Actions run, against the
emulator over loopback, from a real repository checked out at a detached HEAD as CIs do."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support.ci_env import History, run_cli

pytestmark = pytest.mark.e2e

Snapshot = Callable[[str], dict[str, str]]


def _submitted_build(emulator: Any) -> dict[str, Any]:
    submits = [entry for entry in emulator.requests()
               if entry["method"] == "POST" and entry["path"].endswith("/bulk") and "/builds/" in entry["path"]]
    assert len(submits) == 1, submits
    assert submits[0]["authorized"] is True
    builds = submits[0]["body"]["builds"]
    assert len(builds) == 1
    return dict(builds[0])


def _keys(build: dict[str, Any]) -> set[str]:
    keys = set(build.get("issueKeys") or [])
    for association in build.get("associations") or []:
        keys.update(association["values"])
    return keys


def _jenkins_env(emulator: Any, snapshot: Snapshot, history: History, tmp_path: Path) -> dict[str, str]:
    return {**emulator.env(tmp_path), **snapshot("jenkins-multibranch"),
            "GIT_COMMIT": history.head, "GIT_PREVIOUS_SUCCESSFUL_COMMIT": history.shas[1]}


def _github_env(emulator: Any, snapshot: Snapshot, history: History, tmp_path: Path) -> dict[str, str]:
    event = tmp_path / "push-event.json"
    event.write_text(json.dumps({"ref": "refs/heads/feature/ABC-12-login", "before": history.shas[1],
                                 "after": history.head}), encoding="utf-8")
    return {**emulator.env(tmp_path), **snapshot("github-push"), "GITHUB_SHA": history.head,
            "GITHUB_EVENT_PATH": str(event), "JIRA_DEVOPS_JOB_STATUS": "failure"}


def test_jenkins_job_with_no_flags(emulator: Any, snapshot: Snapshot, history: History, tmp_path: Path) -> None:
    done = run_cli("report-build", env=_jenkins_env(emulator, snapshot, history, tmp_path), cwd=history.path)
    assert done.returncode == 0, done.stderr

    build = _submitted_build(emulator)
    job_url = "https://jenkins.acme.example/job/acme/job/api/job/feature%252FABC-12-login"
    assert build["pipelineId"] == "acme/api/feature%2FABC-12-login"
    assert build["buildNumber"] == 57
    assert build["url"] == f"{job_url}/57/display/redirect"
    assert build["displayName"] == "acme/api/feature/ABC-12-login #57"
    assert build["state"] == "successful"
    assert build["references"] == [
        {"commit": {"id": history.head, "repositoryUri": "https://github.com/acme/api"},
         "ref": {"name": "feature/ABC-12-login", "uri": "https://github.com/acme/api/tree/feature/ABC-12-login"}},
    ]
    assert {"ABC-12", "OPS-3"} <= _keys(build)  # the branch's key and HEAD's


def test_github_actions_push_with_no_flags(emulator: Any, snapshot: Snapshot, history: History,
                                           tmp_path: Path) -> None:
    done = run_cli("report-build", env=_github_env(emulator, snapshot, history, tmp_path), cwd=history.path)
    assert done.returncode == 0, done.stderr

    build = _submitted_build(emulator)
    assert build["pipelineId"] == "acme/api/.github/workflows/build.yml"
    assert build["buildNumber"] == 42
    assert build["url"] == "https://github.com/acme/api/actions/runs/7301234567"
    assert build["displayName"] == "Build and test #42"
    assert build["state"] == "failed"
    assert build["references"] == [
        {"commit": {"id": history.head, "repositoryUri": "https://github.com/acme/api"},
         "ref": {"name": "feature/ABC-12-login", "uri": "https://github.com/acme/api/tree/feature/ABC-12-login"}},
    ]
    assert {"ABC-12", "OPS-3"} <= _keys(build)


@pytest.mark.parametrize("make_env", [_jenkins_env, _github_env], ids=["jenkins", "github"])
def test_keys_come_from_the_previous_successful_commit_to_head(
        emulator: Any, snapshot: Snapshot, history: History, tmp_path: Path,
        make_env: Callable[[Any, Snapshot, History, Path], dict[str, str]]) -> None:
    done = run_cli("report-build", env=make_env(emulator, snapshot, history, tmp_path), cwd=history.path)
    assert done.returncode == 0, done.stderr
    # the branch's key and the keys of the commits after the previous successful one; ABC-1 is older
    assert _keys(_submitted_build(emulator)) == {"ABC-12", "ABC-2", "OPS-3"}
