"""Run the real ``jira-devops`` command as a subprocess with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Optional, Union

# Variables that would make the CLI think it runs in a CI or read real credentials.
_DROPPED_PREFIXES = (
    "JIRA_", "GITHUB_", "CI", "JENKINS", "BUILD_", "GITLAB_", "BITBUCKET_", "BUILDKITE", "CIRCLE",
    "TRAVIS", "TEAMCITY", "TF_BUILD", "SYSTEM_", "AGENT_", "DRONE", "APPVEYOR", "CODEBUILD_", "HUDSON_",
    "JOB_", "NODE_NAME", "EXECUTOR_NUMBER", "WORKSPACE", "GIT_", "SEMAPHORE", "HARNESS_", "RUNNER_",
    "ACTIONS_", "BAMBOO_", "bamboo_", "BUDDY", "CF_", "NETLIFY", "VERCEL", "HEROKU_", "RENDER",
)


# Everything the CLI printed in this test run (see support.secret_sweep).
OUTPUTS: list[str] = []


def clean_environment(extra: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """``os.environ`` without CI, Jira and GitHub variables, plus ``extra``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(_DROPPED_PREFIXES)}
    env.update(extra or {})
    return env


def run_cli(*args: str, env: Optional[Mapping[str, str]] = None, cwd: Optional[Union[str, Path]] = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``python -m jira_devops ARGS`` and capture its output (never raises on a non-zero exit)."""
    done = subprocess.run([sys.executable, "-m", "jira_devops", *args], cwd=cwd, env=clean_environment(env),
                          capture_output=True, text=True, timeout=timeout, check=False)
    OUTPUTS.extend((done.stdout, done.stderr))  # searched for secrets at the end of the run
    return done
