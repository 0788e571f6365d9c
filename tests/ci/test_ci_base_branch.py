"""Pull request and new-branch runs whose CI names only a branch (the request's target, or the default
branch) read every commit since HEAD forked from it, not HEAD alone."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from support.ci_env import git, run_cli

ZEROS = "0" * 40


class Fork:
    """An upstream repository: main with ABC-1, ABC-2; feature/ABC-12-login forked there with OPS-1..3;
    main then gains ABC-3. ``clone`` is a CI checkout of the feature's head at a detached HEAD."""

    def __init__(self, root: Path, *, shallow: bool = False) -> None:
        upstream = root / "upstream"
        upstream.mkdir()
        git(upstream, "init", "-q", "-b", "main")
        for message in ("ABC-1 first on main", "ABC-2 second on main"):
            git(upstream, "commit", "-q", "--allow-empty", "-m", message)
        git(upstream, "checkout", "-q", "-b", "feature/ABC-12-login")
        for number in (1, 2, 3):
            git(upstream, "commit", "-q", "--allow-empty", "-m", f"OPS-{number} change {number}")
        self.head = git(upstream, "rev-parse", "HEAD")
        git(upstream, "checkout", "-q", "main")
        git(upstream, "commit", "-q", "--allow-empty", "-m", "ABC-3 main moved on")
        self.clone = root / "checkout"
        extra = ["--depth=1", "--branch", "feature/ABC-12-login"] if shallow else []
        git(root, "clone", "-q", *extra, f"file://{upstream}", str(self.clone))
        git(self.clone, "checkout", "-q", "--detach", self.head)


def _jenkins(fork: Fork, tmp: Path) -> dict[str, str]:
    return {"JENKINS_URL": "https://jenkins.example/", "JOB_NAME": "acme/api/PR-17", "BUILD_NUMBER": "1",
            "BRANCH_NAME": "PR-17", "CHANGE_ID": "17", "CHANGE_TARGET": "main",
            "CHANGE_BRANCH": "feature/ABC-12-login", "GIT_COMMIT": fork.head}


def _github_new_branch(fork: Fork, tmp: Path) -> dict[str, str]:
    event = tmp / "push-event.json"
    event.write_text(json.dumps({"ref": "refs/heads/feature/ABC-12-login", "before": ZEROS, "after": fork.head,
                                 "created": True, "repository": {"default_branch": "main"},
                                 "commits": [{"id": fork.head, "message": "OPS-3 change 3"}]}), encoding="utf-8")
    return {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event),
            "GITHUB_REF": "refs/heads/feature/ABC-12-login", "GITHUB_SHA": fork.head,
            "GITHUB_REPOSITORY": "acme/api"}


def _gitlab_new_branch(fork: Fork, tmp: Path) -> dict[str, str]:
    return {"GITLAB_CI": "true", "CI_PROJECT_PATH": "acme/api", "CI_COMMIT_BRANCH": "feature/ABC-12-login",
            "CI_COMMIT_SHA": fork.head, "CI_COMMIT_BEFORE_SHA": ZEROS, "CI_DEFAULT_BRANCH": "main"}


def _azure_pr(fork: Fork, tmp: Path) -> dict[str, str]:
    return {"TF_BUILD": "True", "BUILD_SOURCEVERSION": fork.head, "SYSTEM_PULLREQUEST_SOURCECOMMITID": fork.head,
            "SYSTEM_PULLREQUEST_PULLREQUESTID": "17", "SYSTEM_PULLREQUEST_TARGETBRANCH": "refs/heads/main",
            "SYSTEM_PULLREQUEST_SOURCEBRANCH": "refs/heads/feature/ABC-12-login"}


def _buildkite_pr(fork: Fork, tmp: Path) -> dict[str, str]:
    return {"BUILDKITE": "true", "BUILDKITE_COMMIT": fork.head, "BUILDKITE_BRANCH": "feature/ABC-12-login",
            "BUILDKITE_PULL_REQUEST": "17", "BUILDKITE_PULL_REQUEST_BASE_BRANCH": "main"}


def _drone_pr(fork: Fork, tmp: Path) -> dict[str, str]:
    return {"DRONE": "true", "DRONE_BUILD_EVENT": "pull_request", "DRONE_COMMIT_SHA": fork.head,
            "DRONE_SOURCE_BRANCH": "feature/ABC-12-login", "DRONE_TARGET_BRANCH": "main"}


def _woodpecker_pr(fork: Fork, tmp: Path) -> dict[str, str]:
    return {"CI": "woodpecker", "CI_PIPELINE_EVENT": "pull_request", "CI_COMMIT_SHA": fork.head,
            "CI_COMMIT_SOURCE_BRANCH": "feature/ABC-12-login", "CI_COMMIT_TARGET_BRANCH": "main"}


def _travis_pr(fork: Fork, tmp: Path) -> dict[str, str]:
    return {"TRAVIS": "true", "TRAVIS_PULL_REQUEST": "17", "TRAVIS_COMMIT": fork.head,
            "TRAVIS_PULL_REQUEST_SHA": fork.head, "TRAVIS_PULL_REQUEST_BRANCH": "feature/ABC-12-login",
            "TRAVIS_BRANCH": "main"}


def _codebuild_pr(fork: Fork, tmp: Path) -> dict[str, str]:
    return {"CODEBUILD_BUILD_ID": "api:1", "CODEBUILD_RESOLVED_SOURCE_VERSION": fork.head,
            "CODEBUILD_WEBHOOK_TRIGGER": "pr/17", "CODEBUILD_WEBHOOK_HEAD_REF": "refs/heads/feature/ABC-12-login",
            "CODEBUILD_WEBHOOK_BASE_REF": "refs/heads/main"}


def _bamboo_pr(fork: Fork, tmp: Path) -> dict[str, str]:
    return {"bamboo_planKey": "API-PR", "bamboo_planRepository_revision": fork.head,
            "bamboo_repository_pr_key": "17", "bamboo_repository_pr_sourceBranch": "feature/ABC-12-login",
            "bamboo_repository_pr_targetBranch": "main"}


MakeEnv = Callable[[Fork, Path], dict[str, str]]
CASES: list[tuple[MakeEnv, str]] = [
    (_jenkins, "CHANGE_TARGET"),
    (_github_new_branch, "the push event's repository.default_branch (a new branch)"),
    (_gitlab_new_branch, "CI_DEFAULT_BRANCH"),
    (_azure_pr, "SYSTEM_PULLREQUEST_TARGETBRANCH"),
    (_buildkite_pr, "BUILDKITE_PULL_REQUEST_BASE_BRANCH"),
    (_drone_pr, "DRONE_TARGET_BRANCH"),
    (_woodpecker_pr, "CI_COMMIT_TARGET_BRANCH"),
    (_travis_pr, "TRAVIS_BRANCH"),
    (_codebuild_pr, "CODEBUILD_WEBHOOK_BASE_REF"),
    (_bamboo_pr, "bamboo_repository_pr_targetBranch"),
]


@pytest.mark.parametrize(("make_env", "named_by"), CASES,
                         ids=[case[1] if " " not in case[1] else "GITHUB_push_event" for case in CASES])
def test_the_run_reads_every_commit_since_the_fork_from_the_branch_the_ci_names(
        tmp_path: Path, make_env: MakeEnv, named_by: str) -> None:
    fork = Fork(tmp_path)
    done = run_cli("keys", "--json", env=make_env(fork, tmp_path), cwd=fork.clone)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {"OPS-1", "OPS-2", "OPS-3"} <= set(result["issueKeys"])
    assert not {"ABC-1", "ABC-2", "ABC-3"} & set(result["issueKeys"])  # main's own commits are not the run's
    assert result["commitsRead"] == 3
    assert result["rangeBase"] == f"the merge base with main ({named_by})"


def test_a_target_branch_missing_from_a_shallow_clone_is_fetched_and_deepened(tmp_path: Path) -> None:
    fork = Fork(tmp_path, shallow=True)  # one commit of the pull request's branch alone
    assert not git(fork.clone, "branch", "-r", "--list", "origin/main")
    done = run_cli("keys", "--json", env=_jenkins(fork, tmp_path), cwd=fork.clone)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["commitsRead"] == 3
    assert {"OPS-1", "OPS-2", "OPS-3"} <= set(result["issueKeys"])


def test_a_target_branch_nowhere_to_be_found_is_a_warning_and_head_alone(tmp_path: Path) -> None:
    fork = Fork(tmp_path)
    env = {**_jenkins(fork, tmp_path), "CHANGE_TARGET": "release/9.9"}
    done = run_cli("keys", "--json", env=env, cwd=fork.clone)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["commitsRead"] == 1
    assert "CHANGE_TARGET names the branch 'release/9.9'" in done.stderr


def test_a_previous_successful_commit_still_wins_over_the_target(tmp_path: Path) -> None:
    fork = Fork(tmp_path)
    second = git(fork.clone, "rev-parse", f"{fork.head}~1")
    done = run_cli("keys", "--json", env={**_jenkins(fork, tmp_path), "GIT_PREVIOUS_SUCCESSFUL_COMMIT": second},
                   cwd=fork.clone)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["commitsRead"] == 1
