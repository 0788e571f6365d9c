"""Fixtures for CLI tests: the installed command run as a real subprocess in a clean environment."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Optional

import pytest

from support.cli import run_cli
from support.gitrepo import make_repo

CliRunner = Callable[..., "subprocess.CompletedProcess[str]"]
@pytest.fixture
def cli(tmp_path: Path) -> CliRunner:
    """Run ``python -m jira_devops ARGS`` in ``cwd`` (default: the test's temp dir) with ``env`` added."""

    def run(*args: str, env: Optional[dict[str, str]] = None, cwd: Optional[Path] = None,
            stdin: Optional[str] = None) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, env={"JIRA_DEVOPS_CACHE_DIR": str(tmp_path / "cache"), **(env or {})},
                       cwd=cwd or tmp_path, stdin=stdin)

    return run


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository on branch feature/ABC-12-login whose HEAD message names OPS-7."""
    return make_repo(tmp_path / "app", ("OPS-7 fix the login form",), branch="feature/ABC-12-login")
