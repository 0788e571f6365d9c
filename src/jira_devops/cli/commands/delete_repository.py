"""`jira-devops delete-repository`: delete a repository and everything Jira stores in it."""

from __future__ import annotations

import argparse

from jira_devops.cli.commands._delete_one import add_yes_argument, delete_in_background
from jira_devops.settings import Settings

NAME = "delete-repository"
HELP = ("delete a repository with its commits, branches and pull requests from Jira "
        "(asks first; --yes when not at a terminal)")
GROUPS = ("connection", "view", "dev-id")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--yes``: do not ask."""
    add_yes_argument(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Confirm, delete, and say so."""
    from jira_devops.delivery.devinfo import stored_repository_id  # noqa: PLC0415
    from jira_devops.jira.manage import delete_repository  # noqa: PLC0415

    repository_id = stored_repository_id(settings)
    what = f"repository {repository_id} and all its commits, branches and pull requests"
    return delete_in_background(args, settings, what, lambda: delete_repository(settings, repository_id),
                                {"deleted": {"repositoryId": repository_id}})
