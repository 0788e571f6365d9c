"""`jira-devops get-build`: print the build Jira stores, as JSON."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "get-build"
HELP = "print the build Jira stores for --pipeline-id and --build-number, as JSON (exit 1 if none)"
GROUPS = ("connection", "view", "ci", "build-id")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments beyond the settings."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Fetch the build and print it."""
    from jira_devops.cli.output import Printer  # noqa: PLC0415
    from jira_devops.delivery.report import detect_ci  # noqa: PLC0415
    from jira_devops.jira.lookup import build_key  # noqa: PLC0415
    from jira_devops.jira.manage import get_build  # noqa: PLC0415

    build = get_build(settings, build_key(settings, detect_ci(settings)))
    Printer().json(build)
    return 0
