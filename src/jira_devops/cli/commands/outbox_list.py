"""`jira-devops outbox`: list the reports waiting in the outbox, and those Jira rejected."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "outbox"
HELP = "list the reports kept in the outbox for later delivery (and rejected or expired ones)"
GROUPS = ("outbox", "view")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments beyond the settings."""


def _when(epoch: float) -> str:
    from datetime import datetime, timezone  # noqa: PLC0415

    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the outbox's entries; exit 0 whatever they are."""
    from jira_devops.cli.output import Printer  # noqa: PLC0415
    from jira_devops.delivery.outbox import EXPIRED, REJECTED, open_outbox  # noqa: PLC0415
    from jira_devops.errors import UsageError  # noqa: PLC0415

    printer = Printer(as_json=bool(settings.json), quiet=bool(settings.quiet))
    box = open_outbox(settings.outbox)
    if box is None:
        raise UsageError("the outbox is off", hint="set --outbox to its folder")
    pending, problems = box.pending()
    rejected, rejected_problems = box.settled(REJECTED)
    expired, expired_problems = box.settled(EXPIRED)
    for problem in (*problems, *rejected_problems, *expired_problems):
        printer.warning(problem)
    if printer.as_json:
        printer.json({
            "outbox": str(box.directory),
            "pending": [entry.to_json(with_body=False) for entry in pending],
            "rejected": [entry.to_json(with_body=False) for entry in rejected],
            "expired": [entry.to_json(with_body=False) for entry in expired],
        })
        return 0
    printer.line(f"outbox {box.directory}: {len(pending)} waiting, {len(rejected)} rejected, "
                 f"{len(expired)} expired")
    for entry in pending:
        error = f"; last error: {entry.last_error}" if entry.last_error else ""
        printer.line(f"  waiting  {_when(entry.kept_at)}  {', '.join(entry.item_names())}  "
                     f"[{entry.destination.describe()}, {entry.attempts} attempt(s){error}]")
    for entry in rejected:
        printer.line(f"  rejected {_when(entry.kept_at)}  {', '.join(entry.item_names())}: "
                     f"{'; '.join(entry.reasons)}")
    for entry in expired:
        printer.line(f"  expired  {_when(entry.kept_at)}  {', '.join(entry.item_names())}")
    return 0
