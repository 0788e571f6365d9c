"""Run the real ``jira-devops`` command as a subprocess with a clean environment.

Every test that starts the CLI (or the Action's step module) goes through :func:`run_cli` or
:func:`start_cli`, so that its output is searched for secrets at the end of the run (support.secret_sweep),
and strips the CI's variables with the one list here (:data:`CI_VARIABLE_PREFIXES`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional, Union

# The one list of variables that would make the CLI think it runs in a CI or read real credentials.
CI_VARIABLE_PREFIXES = (
    "JIRA_", "GITHUB_", "CI", "JENKINS", "BUILD_", "GITLAB", "BITBUCKET_", "BUILDKITE", "CIRCLE",
    "TRAVIS", "TEAMCITY", "TF_BUILD", "SYSTEM_", "AGENT_", "DRONE", "APPVEYOR", "CODEBUILD_", "HUDSON",
    "JOB_", "NODE_NAME", "EXECUTOR_NUMBER", "WORKSPACE", "GIT_", "SEMAPHORE", "HARNESS_", "RUNNER_",
    "ACTIONS_", "BAMBOO_", "bamboo_", "BUDDY", "CF_", "NETLIFY", "VERCEL", "HEROKU_", "RENDER", "RUN_",
    "CHANGE_", "BRANCH_", "TAG_",
)


def is_ci_variable(name: str) -> bool:
    """Whether a test must not let this variable of the machine reach the CLI."""
    return name.startswith(CI_VARIABLE_PREFIXES)


# Everything the CLI printed in this test run (see support.secret_sweep).
OUTPUTS: list[str] = []


def clean_environment(extra: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """``os.environ`` without CI, Jira and GitHub variables, plus ``extra``."""
    env = {name: value for name, value in os.environ.items() if not is_ci_variable(name)}
    env.update(extra or {})
    return env


def run_cli(*args: str, env: Optional[Mapping[str, str]] = None, cwd: Optional[Union[str, Path]] = None,
            timeout: float = 60, stdin: Optional[str] = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m jira_devops ARGS`` and capture its output (never raises on a non-zero exit)."""
    done = subprocess.run([sys.executable, "-m", "jira_devops", *args], cwd=cwd, env=clean_environment(env),
                          input=stdin, capture_output=True, text=True, timeout=timeout, check=False)
    OUTPUTS.extend((done.stdout, done.stderr))  # searched for secrets at the end of the run
    return done


class CliProcess(subprocess.Popen[str]):
    """A running CLI whose output, once collected with :meth:`communicate`, joins the secret sweep."""

    def communicate(self, input: Optional[str] = None,
                    timeout: Optional[float] = None) -> tuple[Any, Any]:
        """Popen.communicate, recording what was read."""
        out, err = super().communicate(input, timeout)
        OUTPUTS.extend(text for text in (out, err) if isinstance(text, str))
        return out, err


def start_cli(*args: str, env: Optional[Mapping[str, str]] = None, cwd: Optional[Union[str, Path]] = None,
              module: str = "jira_devops", merge_stderr: bool = False, **popen: Any) -> CliProcess:
    """Start ``python -m MODULE ARGS`` (default: the CLI) in a clean environment, its output piped."""
    return CliProcess([sys.executable, "-m", module, *args], cwd=cwd, env=clean_environment(env),
                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
                      text=True, **popen)
