"""The installed command starts, reports its version, and prepares a build payload from a real repository."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from jira_devops import _version
from support.cli import run_cli
from support.gitrepo import make_repo


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=cwd)


def test_version_is_the_package_version(tmp_path: Path) -> None:
    done = _cli("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert _version.__version__ in done.stdout


def test_dry_run_build_carries_keys_from_branch_and_commit(tmp_path: Path) -> None:
    make_repo(tmp_path, ("OPS-7 fix the login form",), branch="feature/ABC-12-login")
    done = _cli("report-build", "--dry-run", "--json", "--state", "successful", "--ci", "generic",
               "--build-number", "4", "--url", "https://ci.example.com/4", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["issueKeys"] == ["ABC-12", "OPS-7"]
    build = result["bodies"][0]["builds"][0]
    assert build["state"] == "successful"
    assert build["references"][0]["commit"]["id"] == subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True, check=True).stdout.strip()
