"""Pull/merge request runs read the keys of every commit since the request's base, as the CI names it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from support.ci_env import git, run_cli

Snapshot = Callable[[str], dict[str, str]]


class PullRequest:
    """main with ABC-1, ABC-2; a PR branch forked there with OPS-1..3; main then gains ABC-3, ABC-4; the
    checkout is a merge of the PR into main at a detached HEAD, as GitHub and GitLab merged results make."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir()
        git(path, "init", "-q", "-b", "main")
        for message in ("ABC-1 first on main", "ABC-2 second on main"):
            git(path, "commit", "-q", "--allow-empty", "-m", message)
        self.fork_point = git(path, "rev-parse", "HEAD")
        git(path, "checkout", "-q", "-b", "feature/ABC-12-login")
        for number in (1, 2, 3):
            git(path, "commit", "-q", "--allow-empty", "-m", f"OPS-{number} pull request change {number}")
        self.head = git(path, "rev-parse", "HEAD")
        git(path, "checkout", "-q", "main")
        for message in ("ABC-3 main moved on", "ABC-4 main moved on again"):
            git(path, "commit", "-q", "--allow-empty", "-m", message)
        self.target = git(path, "rev-parse", "HEAD")
        git(path, "checkout", "-q", "--detach", "HEAD")
        git(path, "merge", "-q", "--no-ff", "-m", "Merge feature/ABC-12-login into main", self.head)
        self.merge = git(path, "rev-parse", "HEAD")


@pytest.fixture
def pull_request(tmp_path: Path) -> PullRequest:
    return PullRequest(tmp_path / "repo")


def _github(snapshot: Snapshot, pr: PullRequest, tmp_path: Path) -> dict[str, str]:
    event = tmp_path / "pr-event.json"
    event.write_text(json.dumps({"action": "opened", "number": 17, "pull_request": {
        "number": 17, "title": "ABC-12 Login form validation",
        "head": {"ref": "feature/ABC-12-login", "sha": pr.head},
        "base": {"ref": "main", "sha": pr.target}}}), encoding="utf-8")
    return {**snapshot("github-pull_request"), "GITHUB_SHA": pr.merge, "GITHUB_EVENT_PATH": str(event)}


def _gitlab(snapshot: Snapshot, pr: PullRequest, tmp_path: Path) -> dict[str, str]:
    return {**snapshot("gitlab-merged-results"), "CI_COMMIT_SHA": pr.merge,
            "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": pr.head, "CI_MERGE_REQUEST_TARGET_BRANCH_SHA": pr.target,
            "CI_MERGE_REQUEST_DIFF_BASE_SHA": pr.fork_point}


@pytest.mark.parametrize(("make_env", "base_source"), [
    (_github, "the pull request's base (GitHub event)"),
    (_gitlab, "the pull request's base (CI_MERGE_REQUEST_DIFF_BASE_SHA)"),
], ids=["github", "gitlab"])
def test_a_pull_request_run_reports_exactly_the_keys_of_its_commits(
        snapshot: Snapshot, pull_request: PullRequest, tmp_path: Path,
        make_env: Callable[[Snapshot, PullRequest, Path], dict[str, str]], base_source: str) -> None:
    done = run_cli("keys", "--json", env=make_env(snapshot, pull_request, tmp_path), cwd=pull_request.path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # the branch and title give ABC-12; main's own keys (ABC-1..4) are not the pull request's
    assert set(result["issueKeys"]) == {"ABC-12", "OPS-1", "OPS-2", "OPS-3"}
    assert result["commitsRead"] == 3
    assert result["rangeBase"] == base_source
    assert result["range"].endswith(f"..{pull_request.head[:7]}")
