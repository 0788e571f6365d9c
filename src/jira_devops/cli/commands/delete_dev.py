"""`jira-devops delete-dev`: delete one commit, branch or pull request of a repository from Jira."""

from __future__ import annotations

import argparse

from jira_devops.cli.commands._delete_one import add_yes_argument, delete_in_background
from jira_devops.settings import Settings

NAME = "delete-dev"
HELP = ("delete one --commit, --branch or --pull-request of a repository from Jira "
        "(asks first; --yes when not at a terminal)")
GROUPS = ("connection", "view", "dev-id")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Which entity: exactly one of ``--commit-id``, ``--branch-name``, ``--pull-request``; ``--yes``."""
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--commit-id", metavar="SHA", help="the commit's full SHA")
    which.add_argument("--branch-name", metavar="NAME", help="the branch's name")
    which.add_argument("--pull-request", metavar="ID", help="the pull request's ID (its number)")
    add_yes_argument(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Confirm, delete, and say so."""
    from jira_devops.delivery.devinfo import stored_repository_id  # noqa: PLC0415
    from jira_devops.jira.manage import delete_devinfo_entity  # noqa: PLC0415

    repository_id = stored_repository_id(settings)
    if args.commit_id:
        entity_type, entity_id = "commit", args.commit_id
    elif args.branch_name:
        entity_type, entity_id = "branch", args.branch_name
    else:
        entity_type, entity_id = "pull_request", args.pull_request
    what = f"{entity_type.replace('_', ' ')} {entity_id} of repository {repository_id}"
    return delete_in_background(
        args, settings, what, lambda: delete_devinfo_entity(settings, repository_id, entity_type, entity_id),
        {"deleted": {"repositoryId": repository_id, "type": entity_type, "id": entity_id}})
