"""Fixtures for the CI detection tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from support.ci_env import History, git, load_snapshot


@pytest.fixture
def snapshot(tmp_path: Path) -> Callable[[str], dict[str, str]]:
    """Load an environment snapshot by name; files it names live in this test's tmp folder."""

    def load(name: str) -> dict[str, str]:
        return load_snapshot(name, tmp_path)

    return load


@pytest.fixture
def history(tmp_path: Path) -> History:
    """``initial``, ``ABC-1``, ``ABC-2``, ``OPS-3`` commits on a feature branch, HEAD detached at the last."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "origin", "https://github.com/acme/api.git")
    shas = []
    for message in ("initial commit", "ABC-1 first change", "ABC-2 second change", "OPS-3 third change"):
        git(repo, "commit", "-q", "--allow-empty", "-m", message)
        shas.append(git(repo, "rev-parse", "HEAD"))
    git(repo, "checkout", "-q", "--detach", "HEAD")
    return History(repo, shas)
