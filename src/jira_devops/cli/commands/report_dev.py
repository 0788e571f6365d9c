"""`jira-devops report-dev`: report the repository, commits, branch and pull request to Jira's development panel."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "report-dev"
HELP = ("report development information (the repository, the commits of the range, the branch and the pull "
        "request) to Jira")
GROUPS = ("connection", "output", "ci", "dev", "keys")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments beyond the settings."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Report and print what Jira said."""
    from jira_devops.cli.output import Printer  # noqa: PLC0415
    from jira_devops.delivery.devinfo import report_dev  # noqa: PLC0415

    result = report_dev(settings)
    Printer(as_json=bool(settings.json), quiet=bool(settings.quiet)).report(result)
    return result.exit_code
