"""Delivery policy around the outbox: flush kept entries in order, and keep what cannot be delivered.

- :func:`flush_outbox` delivers pending entries oldest first under the outbox lock, removing each only
  after Jira answered 2xx; an entry Jira refuses moves to ``rejected/`` with its reasons; the first
  "cannot deliver" (unreachable, or credentials refused) stops the flush and leaves the rest waiting, and
  so does running short of time.
- :func:`flush_before_report` is the same, bounded to a share of ``--timeout``, run before a new report so
  that older reports reach Jira first. If Jira cannot be reached there, the new report is not tried (it
  goes to the outbox behind the older ones); if the older ones meet refused credentials (which may concern
  only their API), the new report is still tried.
- :func:`not_kept_gated` says that a gated deployment could not be delivered: it is never kept, as a
  later delivery would open a gate (a change request) nobody waits for.
- :func:`keep_undelivered` stores the bodies of a report that could not be delivered and returns the error
  that says why, where they wait, and the exit code (4 unreachable, 3 credentials refused).

Each returns what it produced; :mod:`jira_devops.delivery.sending` puts it together.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional, Union

from jira_devops.bounded_http import MisbehavingServerError
from jira_devops.delivery.outbox import EXPIRED, REJECTED, Destination, Entry, Outbox, OutboxError
from jira_devops.errors import (
    AuthError,
    ConfigError,
    ExitCode,
    JiraDevopsError,
    NotFoundError,
    UnreachableError,
)
from jira_devops.jira.client import SubmitOutcome
from jira_devops.jira.lookup import describe_item
from jira_devops.jira.payloads import GATING_COMMAND

if TYPE_CHECKING:
    from jira_devops.jira.client import DevOpsClient
    from jira_devops.jira.connection import Connection
    from jira_devops.jira.models import DevOpsApi

log = logging.getLogger("jira_devops.delivery.redelivery")

# Errors that mean "not delivered, through no fault of the request": keep the request and try later.
UNDELIVERED = (UnreachableError, AuthError)
Undelivered = Union[UnreachableError, AuthError]
# Share of --timeout a report may spend delivering older entries before its own.
PRE_FLUSH_SHARE = 0.5
# An entry is not started with less time than this left (or a fifth of the time given, if less).
MIN_SECONDS_PER_ENTRY = 2.0


@dataclass
class FlushResult:
    """What a flush did."""

    delivered: list[Entry] = field(default_factory=list)
    rejected: list[Entry] = field(default_factory=list)
    expired: list[Entry] = field(default_factory=list)
    answers: SubmitOutcome = field(default_factory=SubmitOutcome)
    waiting: int = 0
    other_destinations: int = 0
    problems: list[str] = field(default_factory=list)
    stopped_by: Optional[JiraDevopsError] = None
    busy: bool = False
    out_of_time: bool = False

    @property
    def accepted(self) -> list[dict[str, Any]]:
        """What Jira accepted, entry by entry."""
        return self.answers.accepted

    @property
    def unknown_issue_keys(self) -> list[str]:
        """The issue keys Jira did not know, each once."""
        return self.answers.unknown_issue_keys

    @property
    def exit_code(self) -> int:
        """4/3 when delivery stopped, 1 when Jira rejected an entry, else 0."""
        if self.stopped_by is not None:
            return self.stopped_by.exit_code
        return ExitCode.REJECTED if self.rejected else ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        """The result as ``jira-devops flush --json`` prints it."""
        return {
            "delivered": [entry.name for entry in self.delivered],
            "accepted": self.accepted,
            "rejected": [{"id": entry.name, "items": entry.item_names(), "reasons": entry.reasons}
                         for entry in self.rejected],
            "expired": [entry.name for entry in self.expired],
            "unknownIssueKeys": self.unknown_issue_keys,
            "waiting": self.waiting,
            "otherDestinations": self.other_destinations,
            "stoppedBy": self.stopped_by.one_line() if self.stopped_by else None,
            "busy": self.busy,
            "outOfTime": self.out_of_time,
            "warnings": self.problems,
        }


def flush_outbox(client: DevOpsClient, box: Outbox, destination: Destination, *, lock_wait: float) -> FlushResult:
    """Deliver the outbox's entries for ``destination``, oldest first (see the module docstring)."""
    result = FlushResult()
    with box.lock(lock_wait) as held:
        if not held:
            result.busy = True
            result.waiting = len(box.pending()[0])
            return result
        result.expired = box.expire()
        entries, result.problems = box.pending_setting_aside()
        mine = [entry for entry in entries if entry.destination.matches(destination)]
        result.other_destinations = len(entries) - len(mine)
        try:
            if mine:
                # A site that cannot be found is a setting to fix, never a verdict on the entries.
                client.cloud_id()
        except JiraDevopsError as error:
            result.stopped_by = error
            result.waiting = len(mine)
            return result
        for index, entry in enumerate(mine):
            if client.deadline.remaining() < min(MIN_SECONDS_PER_ENTRY, client.deadline.seconds / 5):
                # Out of time, not out of luck: stop cleanly instead of sending with a hopeless timeout.
                result.out_of_time = True
                result.waiting = len(mine) - index
                break
            try:
                outcome = client.submit(entry.api, entry.body)
            except (*UNDELIVERED, NotFoundError) as error:
                box.record_attempt(entry, error.one_line())
                result.stopped_by = error
                result.waiting = len(mine) - index
                break
            except JiraDevopsError as error:  # Jira refuses the request as it is (400, 413 on one item)
                box.reject(entry, [error.one_line()])
                result.rejected.append(entry)
                continue
            result.answers.extend(outcome)
            if outcome.rejected:
                box.reject(entry, rejection_reasons(entry.api, outcome.rejected))
                result.rejected.append(entry)
            else:
                box.remove(entry)
                result.delivered.append(entry)
    return result


def rejection_reasons(api: str, rejected: list[dict[str, Any]]) -> list[str]:
    """One line per rejected item: its name and Jira's messages."""
    lines = []
    for item in rejected:
        messages = "; ".join(str(error.get("message", "")) for error in item.get("errors", [])) or "no reason given"
        lines.append(f"{describe_item(api, item.get('key') or {})}: {messages}")
    return lines


@dataclass(frozen=True)
class EarlierReports:
    """What delivering the outbox before a new report produced: what to tell the user, and, when Jira
    could not be reached, the error that keeps the new report from being tried."""

    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    blocked: Optional[UnreachableError] = None


def flush_before_report(client: DevOpsClient, box: Optional[Outbox], connection: Connection) -> EarlierReports:
    """Deliver older outbox entries first, within a share of the timeout (see the module docstring)."""
    if box is None or not box.has_pending():
        return EarlierReports()
    try:
        with client.budget(connection.timeout * PRE_FLUSH_SHARE):
            flushed = flush_outbox(client, box, destination_of(connection), lock_wait=0.0)
    except (OSError, ConfigError) as error:  # an outbox we cannot use must not stop the new report
        return EarlierReports(warnings=[f"could not deliver from the outbox {box.directory}: {error}"])
    warnings: list[str] = []
    notes: list[str] = []
    if flushed.delivered:
        notes.append(f"delivered {len(flushed.delivered)} earlier request(s) from the outbox first")
    for entry in flushed.rejected:
        warnings.append(f"Jira rejected an earlier report from the outbox ({'; '.join(entry.reasons)}); "
                        f"it was moved to {box.directory / REJECTED}")
    for entry in flushed.expired:
        warnings.append(f"an outbox entry ({', '.join(entry.item_names())}) was older than "
                        f"{box.max_age_seconds / 86400:g} days and moved to {box.directory / EXPIRED}")
    warnings.extend(flushed.problems)
    if flushed.busy:
        notes.append("another process is flushing the outbox; not waiting for it")
    if flushed.out_of_time:
        notes.append(f"{flushed.waiting} earlier request(s) still wait in the outbox (out of time for them)")
    if isinstance(flushed.stopped_by, UnreachableError):
        return EarlierReports(warnings, notes, flushed.stopped_by)
    if flushed.stopped_by is not None:
        # Refused credentials, a missing permission or a site that cannot be found may concern only the
        # older entries: the new report still gets its own try (and says for itself what is wrong).
        warnings.append(f"earlier reports stay in the outbox: {flushed.stopped_by.one_line()}")
    return EarlierReports(warnings, notes)


def keep_undelivered(box: Optional[Outbox], connection: Connection, api: DevOpsApi,
                     bodies: list[dict[str, Any]], error: Undelivered) -> Undelivered:
    """Keep ``bodies`` in the outbox; the error saying where they wait. Raises when they cannot be kept."""
    if box is None:
        raise type(error)(f"{error.message}; not kept: the outbox is off", hint=error.hint)
    try:
        for body in bodies:
            box.keep(api, body, destination_of(connection), error.one_line())
    except OutboxError as problem:
        raise type(error)(f"{error.message}; and the report could not be kept: {problem.message}",
                          hint=problem.hint) from None
    then = ("fix the credentials, then run 'jira-devops flush'" if isinstance(error, AuthError)
            else "the next report from here, or 'jira-devops flush', delivers it")
    what = _what_failed(error)
    return type(error)(f"{what}; kept {len(bodies)} request(s) in the outbox {box.directory}", hint=then)


def any_gated(bodies: list[dict[str, Any]]) -> bool:
    """Whether any deployment in ``bodies`` asks Jira to open a deployment gate."""
    return any(command.get("command") == GATING_COMMAND
               for body in bodies for item in body.get("deployments") or []
               for command in item.get("commands") or [])


def not_kept_gated(bodies: list[dict[str, Any]], error: Undelivered) -> Undelivered:
    """The error saying that the gated deployment ``bodies`` were not delivered and are not kept.

    Delivered later from the outbox, a gated deployment would open a gate (a change request) nobody waits
    for, long after the pipeline stopped; so the run fails (4, or 3 for refused credentials) and the
    deployment step is to be run again.
    """
    what = _what_failed(error)
    return type(error)(
        f"{what}; the gated deployment was not reported and is not kept in the outbox ({len(bodies)} "
        "request(s)), so no gate was asked",
        hint="do not deploy; run the deployment step again once Jira can be reached")


def _what_failed(error: Undelivered) -> str:
    if isinstance(error, AuthError):
        return error.message
    if isinstance(error, MisbehavingServerError):
        return f"Jira's answer was not one it gives ({error.message})"
    return f"Jira could not be reached ({error.message})"


def destination_of(connection: Connection) -> Destination:
    """The outbox destination of a connection."""
    return Destination(api_url=connection.api_url, site_url=connection.site_url, cloud_id=connection.cloud_id)
