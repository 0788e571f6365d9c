"""`jira-devops delete-build`: delete one build from Jira."""

from __future__ import annotations

import argparse

from jira_devops.cli.commands._delete_one import add_yes_argument, delete_one
from jira_devops.settings import Settings

NAME = "delete-build"
HELP = "delete the build --pipeline-id #--build-number from Jira (asks first; --yes when not at a terminal)"
GROUPS = ("connection", "view", "ci", "build-id")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--yes``: do not ask."""
    add_yes_argument(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Confirm, delete, and say so."""
    from jira_devops.jira.lookup import build_key  # noqa: PLC0415
    from jira_devops.jira.manage import delete_build  # noqa: PLC0415

    return delete_one(args, settings, build_key, delete_build)
