"""Fixtures for driving action.yml: a runner emulation over a real git workspace, one tool cache per session."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support.gha_runner import ActionRun, CompositeRunner

ACTION_DIR = Path(__file__).resolve().parents[2]
SECRET = "s3cr3t-Action-Value-9f8e7d"
_IDENTITY = ("-c", "user.name=Test Author", "-c", "user.email=author@example.com", "-c", "commit.gpgsign=false")


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` and return its stripped stdout."""
    done = subprocess.run(["git", *_IDENTITY, *args], cwd=repo, capture_output=True, text=True, check=True,
                          timeout=30)
    return done.stdout.strip()


def make_workspace(path: Path, messages: tuple[str, ...], branch: str) -> Path:
    """A checked-out repository like actions/checkout leaves: commits, a branch, an origin remote."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", branch)
    for message in messages:
        git(path, "commit", "-q", "--allow-empty", "-m", message)
    git(path, "remote", "add", "origin", "https://github.com/acme/app.git")
    return path


@pytest.fixture(scope="session")
def tool_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The runner's tool cache, shared by the session so the action installs itself once."""
    return tmp_path_factory.mktemp("hostedtoolcache")


RunnerFactory = Callable[..., CompositeRunner]


def build_runner(base: Path, tool_cache: Path, *, messages: tuple[str, ...] = ("ABC-1 first change",),
                 branch: str = "feature/ABC-2-login", **options: Any) -> CompositeRunner:
    """A runner emulation over a fresh workspace repository in ``base``."""
    workspace = make_workspace(base / "workspace", messages, branch)
    temp = base / "runner-temp"
    temp.mkdir(exist_ok=True)
    options.setdefault("ref", f"refs/heads/{branch}")
    options["job_env"] = {"JIRA_DEVOPS_CACHE_DIR": str(base / "token-cache"), **options.get("job_env", {})}
    return CompositeRunner(ACTION_DIR, workspace=workspace, runner_temp=temp, tool_cache=tool_cache,
                           sha=git(workspace, "rev-parse", "HEAD"), **options)


@pytest.fixture(scope="session")
def first_run(tmp_path_factory: pytest.TempPathFactory, tool_cache: Path) -> ActionRun:
    """The session's first run of the action: it installs the tool into the empty tool cache."""
    runner = build_runner(tmp_path_factory.mktemp("first-run"), tool_cache)
    return runner.run({"command": "build", "dry-run": "true", "build-number": "1", "url": "https://ci.example.com/1"})


@pytest.fixture
def make_runner(tmp_path: Path, tool_cache: Path, first_run: ActionRun) -> RunnerFactory:
    """Build a runner emulation over a fresh workspace (after the session's first run installed the tool)."""

    def factory(**options: Any) -> CompositeRunner:
        return build_runner(tmp_path, tool_cache, **options)

    return factory
