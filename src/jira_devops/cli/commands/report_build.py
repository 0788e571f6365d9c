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
    from jira_devops.delivery.report import report_build, report_build_to_sites  # noqa: PLC0415
    from jira_devops.jira.sites import several_sites  # noqa: PLC0415

    printer = Printer(as_json=bool(settings.json), quiet=bool(settings.quiet))
    if several_sites(settings):
        to_sites = report_build_to_sites(settings)
        printer.sites_report(to_sites)
        return to_sites.exit_code
    result = report_build(settings)
    printer.report(result)
    return result.exit_code
