"""`--since last-deploy`: the range starts at the commit the environment last received (deploy history)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jira_devops.ci.context import CiContext
from jira_devops.history.key_discovery import KeyDiscovery, discover_keys
from jira_devops.settings import Settings
from support.git_history import GitRepo


@pytest.fixture
def origin(tmp_path: Path) -> GitRepo:
    repo = GitRepo.init(tmp_path / "origin")
    for number in range(1, 7):
        repo.commit(f"ABC-{number} change {number}")
    return repo


def last_deploy_keys(clone: GitRepo) -> KeyDiscovery:
    settings = Settings(since="last-deploy", environment="production", environment_id="prod",
                        history="git-ref", branch_keys=False)
    return discover_keys(settings, CiContext(), repo_path=clone.path)


def test_range_starts_at_the_last_deployed_commit(origin: GitRepo, tmp_path: Path) -> None:
    origin.git("update-ref", "refs/jira-devops/deploys/prod", "HEAD~2")
    clone = origin.clone(tmp_path / "clone")
    found = last_deploy_keys(clone)
    assert found.key_names() == ["ABC-6", "ABC-5"]
    assert "last deploy" in (found.base_source or "")


def test_rollback_reads_the_commits_being_rolled_back(origin: GitRepo, tmp_path: Path) -> None:
    origin.git("update-ref", "refs/jira-devops/deploys/prod", "HEAD")
    clone = origin.clone(tmp_path / "clone")
    clone.git("checkout", "-q", "--detach", "HEAD~2")
    found = last_deploy_keys(clone)
    assert found.key_names() == ["ABC-6", "ABC-5"]
    assert any("rollback" in line for line in found.explanation)


def test_first_deploy_reads_head(origin: GitRepo, tmp_path: Path) -> None:
    clone = origin.clone(tmp_path / "clone")
    found = last_deploy_keys(clone)
    assert found.key_names() == ["ABC-6"]
