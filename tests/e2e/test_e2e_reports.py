"""The installed CLI against the emulator: builds and deployments accepted, rejected, unknown keys, token reuse."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import run_cli
from support.emulator import RunningEmulator
from support.gitrepo import make_repo


def _build(emulator: RunningEmulator, repo: Path, tmp_path: Path, *extra: str) -> tuple[int, dict, str]:
    done = run_cli("report-build", "--json", "--ci", "generic", "--state", "successful", "--build-number", "7",
                   "--url", "https://ci.example.com/7", *extra, env=emulator.env(tmp_path), cwd=repo)
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else {}, done.stderr


def test_report_build_is_accepted_and_stored_against_its_keys(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-12 add the login form",), branch="feature/OPS-3-login")
    code, result, stderr = _build(emulator, repo, tmp_path)
    assert code == 0, stderr
    assert result["accepted"] == [{"pipelineId": result["bodies"][0]["builds"][0]["pipelineId"], "buildNumber": 7}]
    assert result["rejected"] == []
    (stored,) = emulator.state()["builds"]
    assert stored["buildNumber"] == 7
    assert stored["state"] == "successful"
    assert sorted(stored["associatedIssueKeys"]) == ["ABC-12", "OPS-3"]


def test_report_build_with_only_unknown_keys_is_rejected(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ZZZ-9 a project the site does not have",))
    code, result, stderr = _build(emulator, repo, tmp_path)
    assert code == 1
    assert result["accepted"] == []
    assert result["rejected"][0]["errors"] == [{"message": "No valid issues found for build"}]
    assert result["unknownIssueKeys"] == ["ZZZ-9"]
    assert "ZZZ-9" in stderr
    assert emulator.state()["builds"] == []


def test_report_deploy_is_accepted_with_its_environment(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("DEMO-4 ship it",))
    done = run_cli("report-deploy", "--json", "--ci", "generic", "--state", "successful", "-e", "production",
                   "--deployment-number", "3", "--url", "https://ci.example.com/d/3", "--no-record",
                   env=emulator.env(tmp_path), cwd=repo)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [key["deploymentSequenceNumber"] for key in result["accepted"]] == [3]
    (stored,) = emulator.state()["deployments"]
    assert stored["environment"]["type"] == "production"
    assert stored["associatedIssueKeys"] == ["DEMO-4"]


def test_report_deploy_with_only_unknown_keys_is_rejected_and_names_them(emulator: RunningEmulator,
                                                                          tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("NOPE-1 not a project here",))
    done = run_cli("report-deploy", "--json", "--ci", "generic", "--state", "successful", "-e", "staging",
                   "--deployment-number", "1", "--url", "https://ci.example.com/d/1", "--no-record",
                   env=emulator.env(tmp_path), cwd=repo)
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert result["rejected"][0]["errors"] == [{"message": "No valid issues found for deployment"}]
    assert result["unknownIssueKeys"] == ["NOPE-1"]
    assert emulator.state()["deployments"] == []


def test_one_token_serves_two_invocations(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 one",))
    assert _build(emulator, repo, tmp_path)[0] == 0
    assert _build(emulator, repo, tmp_path, "--build-number", "8")[0] == 0
    assert emulator.state()["tokens_issued"] == 1
    assert [r["path"] for r in emulator.requests()].count("/oauth/token") == 1
