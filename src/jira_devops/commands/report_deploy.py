"""`jira-devops report-deploy`."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "report-deploy"
HELP = "report one deploy to Jira"
GROUPS = ("connection", "output", "ci", "report", "deploy", "keys")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments beyond the settings."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Report the deploy."""
    raise NotImplementedError
