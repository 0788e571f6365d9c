"""Fixtures for CLI tests: the installed command run as a real subprocess in a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Optional

import pytest

from support.gitrepo import make_repo

CliRunner = Callable[..., "subprocess.CompletedProcess[str]"]
_CI_PREFIXES = ("JIRA_", "GITHUB_", "GITLAB_", "CI", "JENKINS", "BUILD_", "BITBUCKET_", "CIRCLE", "BUILDKITE",
                "TRAVIS", "TEAMCITY", "DRONE", "CODEBUILD_", "bamboo_", "TF_BUILD", "SYSTEM_", "GIT_")


def clean_environ() -> dict[str, str]:
    """This process's environment without anything a CI or an earlier test would leave behind."""
    return {k: v for k, v in os.environ.items() if not k.startswith(_CI_PREFIXES)}


@pytest.fixture
def cli(tmp_path: Path) -> CliRunner:
    """Run ``python -m jira_devops ARGS`` in ``cwd`` (default: the test's temp dir) with ``env`` added."""

    def run(*args: str, env: Optional[dict[str, str]] = None, cwd: Optional[Path] = None,
            stdin: Optional[str] = None) -> subprocess.CompletedProcess[str]:
        environ = {**clean_environ(), "JIRA_DEVOPS_CACHE_DIR": str(tmp_path / "cache"), **(env or {})}
        return subprocess.run([sys.executable, "-m", "jira_devops", *args], cwd=cwd or tmp_path, env=environ,
                              input=stdin, capture_output=True, text=True, timeout=60, check=False)

    return run


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository on branch feature/ABC-12-login whose HEAD message names OPS-7."""
    return make_repo(tmp_path / "app", ("OPS-7 fix the login form",), branch="feature/ABC-12-login")
