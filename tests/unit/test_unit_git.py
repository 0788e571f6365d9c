"""The one git module: failures are one clear line with no credentials, git never prompts, never sees our
secrets, and a hostile checkout's config cannot make it run a program."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from jira_devops.errors import GitError
from jira_devops.history.git import Repository, _without_credentials, child_environment, run_git
from support.gitrepo import git, make_repo


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


def test_a_git_child_never_prompts_and_sees_none_of_our_secrets(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = {"JIRA_CLIENT_SECRET": "client-secret-value-1", "JIRA_DEVOPS_CLIENT_SECRET": "client-secret-value-2",
               "GITHUB_TOKEN": "ghs_token_value_3", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "oidc-value-4",
               "DEPLOY_PASSWORD": "password-value-5"}
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GIT_TERMINAL_PROMPT", "1")
    monkeypatch.setenv("JIRA_DEVOPS_HARMLESS", "kept-as-is")
    repo = Repository.open(make_repo(tmp_path / "repo"))

    # a shell alias runs as git's own child, with exactly the environment git was given
    seen = repo.run("-c", "alias.show-env=!env", "show-env")

    assert "GIT_TERMINAL_PROMPT=0" in seen.splitlines()
    assert "JIRA_DEVOPS_HARMLESS=kept-as-is" in seen.splitlines()
    for value in secrets.values():
        assert value not in seen
    assert child_environment({"PATH": "/bin", "MY_API_KEY": "x"}) == {"MY_API_KEY": "", "GIT_TERMINAL_PROMPT": "0"}


def _hostile_checkout(root: Path) -> tuple[Path, Path]:
    """A clone whose own .git/config runs a program from an fsmonitor, hooks and an ext:: remote."""
    repo = make_repo(root / "repo", ("ABC-1 first",), remote="")
    marker = root / "ran"
    script = root / "payload.sh"
    script.write_text(f"#!/bin/sh\necho ran >> {marker}\n")
    script.chmod(0o755)
    hooks = root / "hooks"
    hooks.mkdir()
    for name in ("reference-transaction", "pre-push", "post-checkout"):
        (hooks / name).write_text(f"#!/bin/sh\n{script}\n")
        (hooks / name).chmod(0o755)
    git(repo, "config", "core.fsmonitor", str(script))
    git(repo, "config", "core.hooksPath", str(hooks))
    git(repo, "config", "protocol.ext.allow", "always")
    git(repo, "remote", "add", "evil", f"ext::{script}")
    return repo, marker


def test_a_hostile_checkout_cannot_run_a_program_through_git(tmp_path: Path) -> None:
    repo_path, marker = _hostile_checkout(tmp_path)
    # the same config does run the program when git is started plainly: the test can fail
    subprocess.run(["git", "update-ref", "refs/probe", "HEAD"], cwd=repo_path, check=True)
    assert marker.exists()
    marker.unlink()

    repo = Repository.open(repo_path)
    head = repo.head()
    assert head is not None
    repo.run("status")  # refreshes the index: the fsmonitor's moment
    repo.update_ref("refs/jira-devops/deploys/production", head)
    assert repo.fetch("evil", "refs/heads/main") is not None
    with pytest.raises(GitError, match="git push failed"):
        repo.push("evil", f"+{head}:refs/jira-devops/deploys/production")
    with repo.read_log(head) as log:
        assert [shas for shas, _ in log.blocks()] == [[head.encode()]]

    assert not marker.exists()


def test_a_repository_is_not_found_outside_one(tmp_path: Path) -> None:
    assert Repository.find(tmp_path) is None
