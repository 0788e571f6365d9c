"""The git runner: failures are one clear line, with no credentials from remote URLs, and never a prompt."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from jira_devops.errors import GitError
from jira_devops.history.git import _without_credentials, git_environment, run_git, try_git


def test_a_failing_network_call_names_no_credentials(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    with pytest.raises(GitError) as caught:
        run_git(["ls-remote", "https://deploy-bot:hunter2-pass@127.0.0.1:9/acme/app.git"], tmp_path, timeout=30)
    message = str(caught.value)
    assert message.startswith("git ls-remote failed: ")
    assert "hunter2-pass" not in message
    assert "\n" not in message


def test_credentials_in_urls_of_git_messages_are_blanked() -> None:
    message = "fatal: repository 'https://x-access-token:ghs_abc123@github.com/acme/app.git/' not found"
    assert _without_credentials(message) == "fatal: repository 'https://***@github.com/acme/app.git/' not found"
    assert _without_credentials("fatal: 'origin' does not appear to be a git repository") == (
        "fatal: 'origin' does not appear to be a git repository")


def test_git_is_told_never_to_prompt() -> None:
    assert git_environment()["GIT_TERMINAL_PROMPT"] == "0"


def test_try_git_is_none_outside_a_repository(tmp_path: Path) -> None:
    assert try_git(["rev-parse", "HEAD"], tmp_path) is None
