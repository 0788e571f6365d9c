"""`jira-devops report-flag`: report one feature flag to Jira."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "report-flag"
HELP = "report one feature flag (its state per environment and its issue keys) to Jira"
GROUPS = ("connection", "output", "flag")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--disabled``: the opposite of ``--enabled``."""
    parser.add_argument("--disabled", dest="enabled", action="store_false", default=argparse.SUPPRESS,
                        help="the flag is off (same as --no-enabled)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Report the flag and print what Jira said."""
    from jira_devops.cli.output import Printer  # noqa: PLC0415
    from jira_devops.delivery.devinfo import report_flag  # noqa: PLC0415

    environments = [name.strip() for name in (settings.environment or "").split(",") if name.strip()]
    result = report_flag(settings, environments)
    Printer(as_json=bool(settings.json), quiet=bool(settings.quiet)).report(result)
    return result.exit_code
