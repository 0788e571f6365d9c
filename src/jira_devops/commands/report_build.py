"""`jira-devops report-build`."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "report-build"
HELP = "report one build to Jira"
GROUPS = ("connection", "output", "ci", "report", "build", "keys")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments beyond the settings."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Report the build."""
    raise NotImplementedError
