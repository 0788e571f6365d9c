"""`jira-devops report-deploy`: report one deployment to Jira."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "report-deploy"
HELP = "report one deployment (environment, state and issue keys) to Jira"
GROUPS = ("connection", "output", "ci", "report", "deploy", "keys", "history")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments beyond the settings."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Report the deployment (waiting on its gate with ``--gate``) and print what Jira said."""
    from jira_devops.cli.gate_output import GateProgressPrinter  # noqa: PLC0415
    from jira_devops.cli.output import Printer  # noqa: PLC0415
    from jira_devops.delivery.report import report_deploy  # noqa: PLC0415

    progress = GateProgressPrinter(quiet=bool(settings.quiet))
    try:
        result = report_deploy(settings, progress=progress)
    finally:
        progress.close()
    Printer(as_json=bool(settings.json), quiet=bool(settings.quiet)).report(result)
    return result.exit_code
