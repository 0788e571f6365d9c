"""`jira-devops report-build`: report one build to Jira."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "report-build"
HELP = "report one build (its state, tests and issue keys) to Jira"
GROUPS = ("connection", "output", "ci", "report", "build", "keys")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments beyond the settings."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Report the build and print what Jira said."""
    from jira_devops.cli.output import Printer  # noqa: PLC0415
    from jira_devops.delivery.report import report_build  # noqa: PLC0415

    result = report_build(settings)
    Printer(as_json=bool(settings.json), quiet=bool(settings.quiet)).report(result)
    return result.exit_code
