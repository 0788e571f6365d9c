"""Fixtures for the issue-key tests: real repositories in tmp dirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.git_history import GitRepo


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """An empty repository on branch ``main``."""
    return GitRepo.init(tmp_path / "repo")


@pytest.fixture
def history(repo: GitRepo) -> GitRepo:
    """``main``: root (ABC-1) -> tag v1.0 (ABC-2) -> ABC-3 -> tag v1.1 (ABC-4) -> ABC-5 -> HEAD (ABC-6)."""
    repo.commit("ABC-1 first")
    repo.commit("ABC-2 second")
    repo.tag("v1.0")
    repo.commit("ABC-3 third")
    repo.commit("ABC-4 fourth")
    repo.tag("v1.1")
    repo.commit("ABC-5 fifth")
    repo.commit("ABC-6 sixth")
    return repo
