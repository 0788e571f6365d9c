"""`jira-devops get-repository`: print the repository Jira stores, with its newest commits, branches and PRs."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "get-repository"
HELP = ("print the repository Jira stores (--repository-id, or the one --repository-url or the checkout's remote "
        "names) as JSON (exit 1 if none)")
GROUPS = ("connection", "view", "dev-id")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments beyond the settings."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Fetch the repository and print it."""
    from jira_devops.cli.output import Printer  # noqa: PLC0415
    from jira_devops.delivery.devinfo import stored_repository_id  # noqa: PLC0415
    from jira_devops.jira.manage import get_repository  # noqa: PLC0415

    Printer().json(get_repository(settings, stored_repository_id(settings)))
    return 0
