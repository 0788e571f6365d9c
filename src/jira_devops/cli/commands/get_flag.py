"""`jira-devops get-flag`: print the feature flag Jira stores, as JSON."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "get-flag"
HELP = "print the feature flag Jira stores for --flag-id (default: --flag-key) as JSON (exit 1 if none)"
GROUPS = ("connection", "view", "flag-id")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments beyond the settings."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Fetch the flag and print it."""
    from jira_devops.cli.output import Printer  # noqa: PLC0415
    from jira_devops.delivery.devinfo import stored_flag_id  # noqa: PLC0415
    from jira_devops.jira.manage import get_flag  # noqa: PLC0415

    Printer().json(get_flag(settings, stored_flag_id(settings)))
    return 0
