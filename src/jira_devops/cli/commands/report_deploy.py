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
    from jira_devops.delivery.report import report_deploy, report_deploy_to_sites  # noqa: PLC0415
    from jira_devops.jira.sites import several_sites  # noqa: PLC0415

    printer = Printer(as_json=bool(settings.json), quiet=bool(settings.quiet))
    progress = GateProgressPrinter(quiet=bool(settings.quiet))
    if several_sites(settings):
        try:
            to_sites = report_deploy_to_sites(settings, progress=progress)
        finally:
            progress.close()
        printer.sites_report(to_sites)
        return to_sites.exit_code
    try:
        result = report_deploy(settings, progress=progress)
    finally:
        progress.close()
    printer.report(result)
    return result.exit_code
