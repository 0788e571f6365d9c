"""Fixtures for driving action.yml: a runner emulation over a real git workspace, one tool cache per test run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support.gha_runner import ActionRun, CompositeRunner
from support.gitrepo import git, make_repo

ACTION_DIR = Path(__file__).resolve().parents[2]
SECRET = "s3cr3t-Action-Value-9f8e7d"


@pytest.fixture(scope="session")
def tool_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The runner's tool cache, shared by the whole test run so the action installs itself once."""
    return tmp_path_factory.mktemp("hostedtoolcache")


RunnerFactory = Callable[..., CompositeRunner]


def build_runner(base: Path, tool_cache: Path, *, messages: tuple[str, ...] = ("ABC-1 first change",),
                 branch: str = "feature/ABC-2-login", **options: Any) -> CompositeRunner:
    """A runner emulation over a fresh workspace repository in ``base``."""
    workspace = make_repo(base / "workspace", messages, branch=branch)
    temp = base / "runner-temp"
    temp.mkdir(exist_ok=True)
    options.setdefault("ref", f"refs/heads/{branch}")
    options["job_env"] = {"JIRA_DEVOPS_CACHE_DIR": str(base / "token-cache"), **options.get("job_env", {})}
    return CompositeRunner(ACTION_DIR, workspace=workspace, runner_temp=temp, tool_cache=tool_cache,
                           sha=git(workspace, "rev-parse", "HEAD"), **options)


@pytest.fixture(scope="session")
def first_run(tmp_path_factory: pytest.TempPathFactory, tool_cache: Path) -> ActionRun:
    """The first run of the action in this test run: it installs the tool into the empty tool cache."""
    runner = build_runner(tmp_path_factory.mktemp("first-run"), tool_cache)
    return runner.run({"command": "build", "dry-run": "true", "build-number": "1", "url": "https://ci.example.com/1"})


@pytest.fixture
def make_runner(tmp_path: Path, tool_cache: Path, first_run: ActionRun) -> RunnerFactory:
    """Build a runner emulation over a fresh workspace (after the first run installed the tool)."""

    def factory(**options: Any) -> CompositeRunner:
        return build_runner(tmp_path, tool_cache, **options)

    return factory
