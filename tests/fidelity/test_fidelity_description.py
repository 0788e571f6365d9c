"""Issue 16 item 3: a build nobody described gets a description that helps on the issue page, and a tag's label."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import run_cli
from support.emulator import RunningEmulator
from support.gitrepo import git, make_repo


def _stored_build(emulator: RunningEmulator, repo: Path, tmp_path: Path, *extra: str,
                  env: dict[str, str] | None = None) -> dict:
    done = run_cli("report-build", "--ci", "generic", "--build-number", "16", "--pipeline-name", "My Project build",
                   "--url", "https://ci.example.com/16", *extra, env={**emulator.env(tmp_path), **(env or {})},
                   cwd=repo)
    assert done.returncode == 0, done.stderr
    got = run_cli("get-build", "--ci", "generic", "--pipeline-id", "acme/app", "--build-number", "16",
                  env=emulator.env(tmp_path), cwd=repo)
    assert got.returncode == 0, got.stderr
    build: dict = json.loads(got.stdout)
    return build


def test_a_branch_build_is_described_by_run_state_branch_and_commit(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 login",), branch="feature/ABC-1-login")
    head = git(repo, "rev-parse", "HEAD")
    build = _stored_build(emulator, repo, tmp_path, "--state", "FAILURE")
    assert build["description"] == f"My Project build #16: Failed on feature/ABC-1-login at {head[:7]}"
    assert "label" not in build, "no tag, no version: nothing to label"


def test_a_tag_build_is_labelled_with_the_tag(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-2 release",))
    git(repo, "tag", "v2.0.1")
    git(repo, "checkout", "-q", "--detach", "v2.0.1")
    head = git(repo, "rev-parse", "HEAD")
    build = _stored_build(emulator, repo, tmp_path, "--ci", "circleci", "--state", "success",
                          env={"CIRCLECI": "true", "CIRCLE_TAG": "v2.0.1", "CIRCLE_SHA1": head,
                               "CIRCLE_BUILD_NUM": "16", "CIRCLE_PROJECT_USERNAME": "acme",
                               "CIRCLE_PROJECT_REPONAME": "app"})
    assert build["label"] == "v2.0.1"
    assert build["description"] == f"My Project build #16: Successful for tag v2.0.1 at {head[:7]}"


def test_given_description_and_label_win(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-3 x",))
    build = _stored_build(emulator, repo, tmp_path, "--state", "successful", "--description", "nightly",
                          "--label", "2026.12")
    assert (build["description"], build["label"]) == ("nightly", "2026.12")
