"""No site or credentials (a pull request from a fork or Dependabot): skipped with --no-fail, exit 2 without."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest

from jira_devops.errors import ExitCode
from support.cli import OUTPUTS, clean_environment

BUILD = ("report-build", "--ci", "generic", "--state", "successful", "--build-number", "4",
         "--url", "https://ci.example.com/4")
DEPLOY = ("report-deploy", "--ci", "generic", "--state", "pending", "--deployment-number", "4",
          "--url", "https://ci.example.com/4", "--environment", "production")
# An address that cannot be reached: proves nothing is sent even if the check were missing.
CREDENTIALS = {"JIRA_SITE": "acme", "JIRA_CLIENT_ID": "ci-client", "JIRA_CLIENT_SECRET": "s3cr3t-value",
               "JIRA_DEVOPS_API_URL": "https://jira.invalid"}


def _run(repo: Path, tmp_path: Path, *args: str, env: Optional[dict[str, str]] = None
         ) -> subprocess.CompletedProcess[str]:
    environ = {**clean_environment(), "JIRA_DEVOPS_CACHE_DIR": str(tmp_path / "cache"),
               "JIRA_DEVOPS_OUTBOX": str(tmp_path / "outbox"), **(env or {})}
    done = subprocess.run([sys.executable, "-m", "jira_devops", *args], cwd=repo, env=environ,
                          capture_output=True, text=True, timeout=60, check=False)
    OUTPUTS.extend((done.stdout, done.stderr))  # searched for secrets at the end of the run
    return done


@pytest.mark.parametrize("missing", ["JIRA_CLIENT_SECRET", "JIRA_CLIENT_ID", "JIRA_SITE"])
def test_no_fail_skips_the_report_with_one_warning_and_exit_0(repo: Path, tmp_path: Path, missing: str) -> None:
    env = {**CREDENTIALS, missing: "", "JIRA_DEVOPS_API_URL": ""}  # empty, as an absent secret arrives
    done = _run(repo, tmp_path, *BUILD, "--no-fail", "--json", env=env)
    assert done.returncode == ExitCode.OK, done.stderr
    [warning] = done.stderr.splitlines()
    assert warning.startswith("warning: skipped: no ")
    assert "nothing was sent to Jira (pull requests from forks and Dependabot get no secrets)" in warning
    assert warning.endswith("exiting 0 because of --no-fail")
    result = json.loads(done.stdout)
    assert result["command"] == "report-build"
    assert result["skipped"].startswith("no ") and result["skipped"].endswith("(--no-fail)")
    assert not (tmp_path / "outbox").exists() or not any((tmp_path / "outbox").iterdir())


def test_no_fail_from_the_environment_skips_too_and_says_so_in_text(repo: Path, tmp_path: Path) -> None:
    env = {**CREDENTIALS, "JIRA_CLIENT_SECRET": "", "JIRA_DEVOPS_NO_FAIL": "true"}
    done = _run(repo, tmp_path, *DEPLOY, env=env)
    assert done.returncode == ExitCode.OK, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("warning: skipped: no OAuth client secret given")


def test_without_no_fail_a_missing_secret_is_still_exit_2(repo: Path, tmp_path: Path) -> None:
    done = _run(repo, tmp_path, *BUILD, "--json", env={**CREDENTIALS, "JIRA_CLIENT_SECRET": ""})
    assert done.returncode == ExitCode.USAGE
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "error: no OAuth client secret given (set JIRA_CLIENT_SECRET or --client-secret-file; it is never a flag)"]


def test_a_gated_deploy_never_skips_its_gate(repo: Path, tmp_path: Path) -> None:
    done = _run(repo, tmp_path, *DEPLOY, "--gate", "--service-id", "svc-1", "--no-fail",
                env={**CREDENTIALS, "JIRA_CLIENT_SECRET": ""})
    assert done.returncode == ExitCode.USAGE
    assert done.stderr.splitlines()[0].startswith("error: no OAuth client secret given")


def test_other_configuration_errors_are_not_softened(repo: Path, tmp_path: Path) -> None:
    done = _run(repo, tmp_path, *BUILD, "--no-fail", env={**CREDENTIALS, "JIRA_CLOUD_ID": "not-a-uuid"})
    assert done.returncode == ExitCode.USAGE
    assert done.stderr.startswith("error: cloud ID 'not-a-uuid' is not a UUID")
