"""`jira-devops get-deploy`: print the deployment Jira stores, as JSON."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "get-deploy"
HELP = ("print the deployment Jira stores for --pipeline-id, --environment-id and --deployment-number, "
        "as JSON (exit 1 if none)")
GROUPS = ("connection", "view", "ci", "deploy-id")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments beyond the settings."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Fetch the deployment and print it."""
    from jira_devops.cli.output import Printer  # noqa: PLC0415
    from jira_devops.delivery.report import detect_ci  # noqa: PLC0415
    from jira_devops.jira.lookup import deployment_key  # noqa: PLC0415
    from jira_devops.jira.manage import get_deployment  # noqa: PLC0415

    deployment = get_deployment(settings, deployment_key(settings, detect_ci(settings)))
    Printer().json(deployment)
    return 0
