"""The summary's range line for deploy-history bases reads as one flat line, not nested parentheses."""

from __future__ import annotations

from pathlib import Path

from jira_devops.ci.context import CiContext
from jira_devops.cli.output import range_line
from jira_devops.history.deploys import record_deploy
from jira_devops.history.key_discovery import discover_keys
from jira_devops.settings import Settings

MARKER = "refs/jira-devops/deploys/production"


def _line(repo: Path) -> str:
    settings = Settings(since="last-deploy", environment="production", repo=str(repo), branch_keys=False)
    return range_line(discover_keys(settings, CiContext(), repo_path=repo))


def test_a_redeploy_from_a_clone_without_a_remote_is_one_flat_line(origin) -> None:
    origin.git(origin.work, "remote", "remove", "origin")
    deployed = origin.git(origin.work, "rev-parse", "HEAD")
    record_deploy(Settings(environment="production", repo=str(origin.work)), CiContext(), deployed, "production")

    line = _line(origin.work)

    assert line == (f"range: {deployed[:7]}, 1 commit, 0 keys; base: last deploy, from git ref {MARKER} in this "
                    f"clone, which has no remote 'origin'; a redeploy: production already runs {deployed[:7]}")
    assert "(" not in line


def test_an_ordinary_last_deploy_base_names_the_remote_ref(origin) -> None:
    deployed = origin.git(origin.work, "rev-parse", "HEAD")
    record_deploy(Settings(environment="production", repo=str(origin.work)), CiContext(), deployed, "production")
    origin.commit("ABC-9 shipped next")

    line = _line(origin.work)

    assert line.endswith(f", 1 commit, 1 key; base: last deploy, from git ref {MARKER} on origin")
