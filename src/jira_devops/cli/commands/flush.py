"""`jira-devops flush`: deliver the reports waiting in the outbox, oldest first."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "flush"
HELP = "deliver the reports kept in the outbox (oldest first); safe to run next to other runs"
GROUPS = ("connection", "output")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments beyond the settings."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Flush the outbox and print what happened to each entry."""
    from jira_devops.cli.output import Printer  # noqa: PLC0415
    from jira_devops.delivery.outbox import open_outbox  # noqa: PLC0415
    from jira_devops.delivery.redelivery import FlushResult, destination_of, flush_outbox  # noqa: PLC0415
    from jira_devops.errors import UsageError  # noqa: PLC0415
    from jira_devops.jira.client import DevOpsClient  # noqa: PLC0415
    from jira_devops.jira.connection import connection_from_settings  # noqa: PLC0415

    printer = Printer(as_json=bool(settings.json), quiet=bool(settings.quiet))
    box = open_outbox(settings.outbox)
    if box is None:
        raise UsageError("the outbox is off, so there is nothing to flush", hint="set --outbox to its folder")
    if not box.has_pending():
        if printer.as_json:
            printer.json(FlushResult().to_json())
        else:
            printer.line(f"the outbox {box.directory} is empty")
        return 0
    if settings.dry_run:
        pending, _ = box.pending()
        for entry in pending:
            printer.json(entry.body)
        return 0
    connection = connection_from_settings(settings)
    with DevOpsClient.open(connection) as client:
        result = flush_outbox(client, box, destination_of(connection), lock_wait=connection.timeout)
        result.problems.extend(client.tokens.warnings)
    for problem in result.problems:
        printer.warning(problem)
    for key in result.unknown_issue_keys:
        printer.warning(f"Jira does not know issue {key} (a typo, another site, or not an issue key)")
    if printer.as_json:
        printer.json(result.to_json())
    else:
        for entry in result.delivered:
            printer.line(f"delivered: {', '.join(entry.item_names())}")
        for entry in result.rejected:
            printer.line(f"rejected: {'; '.join(entry.reasons)} (kept in {entry.path.parent})")
        for entry in result.expired:
            printer.line(f"expired: {', '.join(entry.item_names())} (moved to {entry.path.parent})")
        if result.other_destinations:
            printer.line(f"left for another site: {result.other_destinations} request(s)")
    if result.busy:
        printer.warning(f"another process held the outbox lock for {connection.timeout:g}s; "
                        f"{result.waiting} request(s) still wait")
        return 0
    if result.out_of_time:
        printer.warning(f"out of time (--timeout {connection.timeout:g}s); {result.waiting} request(s) still wait: "
                        "run 'jira-devops flush' again")
    if result.stopped_by is not None:
        # What ends the command with a non-zero code is an error, not a warning.
        printer.error(f"flush stopped: {result.stopped_by.one_line()}; {result.waiting} request(s) still wait "
                      "in the outbox")
    return result.exit_code
