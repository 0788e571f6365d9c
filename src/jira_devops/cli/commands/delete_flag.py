"""`jira-devops delete-flag`: delete one feature flag from Jira."""

from __future__ import annotations

import argparse

from jira_devops.cli.commands._delete_one import add_yes_argument, delete_in_background
from jira_devops.settings import Settings

NAME = "delete-flag"
HELP = "delete the feature flag --flag-id (default: --flag-key) from Jira (asks first; --yes when not at a terminal)"
GROUPS = ("connection", "view", "flag-id")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--yes``: do not ask."""
    add_yes_argument(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Confirm, delete, and say so."""
    from jira_devops.delivery.devinfo import stored_flag_id  # noqa: PLC0415
    from jira_devops.jira.manage import delete_flag  # noqa: PLC0415

    flag_id = stored_flag_id(settings)
    return delete_in_background(args, settings, f"feature flag {flag_id}", lambda: delete_flag(settings, flag_id),
                                {"deleted": {"flagId": flag_id}})
