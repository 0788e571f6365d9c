"""Sending a report's request bodies: older outbox entries first, then the new bodies, and what Jira said.

:func:`send` returns a :class:`Delivery`; it never edits anyone else's result. Bodies that cannot be
delivered are kept in the outbox (``outbox``: its folder, default the user's state dir, ``off`` for none),
except gated deployments, which are never kept. See :mod:`jira_devops.delivery.redelivery`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from jira_devops.errors import ExitCode, JiraDevopsError

if TYPE_CHECKING:
    from jira_devops.jira.connection import Connection
    from jira_devops.jira.models import DevOpsApi


@dataclass(frozen=True)
class Delivery:
    """What sending produced: Jira's answers, what was kept for later, and what to tell the user."""

    accepted: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    unknown_issue_keys: list[str] = field(default_factory=list)
    unknown_associations: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    outboxed: int = 0
    undelivered: Optional[JiraDevopsError] = None
    requests: int = 0

    @property
    def exit_code(self) -> int:
        """4 (3) when not delivered, 1 when Jira rejected an item, else 0."""
        if self.undelivered is not None:
            return self.undelivered.exit_code
        return ExitCode.REJECTED if self.rejected else ExitCode.OK


def send(connection: Connection, api: DevOpsApi, bodies: list[dict[str, Any]], *,
         outbox: Optional[str] = None) -> Delivery:
    """Submit ``bodies`` to the ``api`` (builds or deployments), older outbox entries first."""
    from jira_devops.delivery import redelivery  # noqa: PLC0415
    from jira_devops.delivery.outbox import open_outbox  # noqa: PLC0415
    from jira_devops.jira.client import DevOpsClient, SubmitOutcome  # noqa: PLC0415 - httpx only when sending

    box = open_outbox(outbox)
    answers = SubmitOutcome()
    outboxed = 0
    undelivered: Optional[JiraDevopsError] = None
    with DevOpsClient.open(connection) as client:
        earlier = redelivery.flush_before_report(client, box, connection)
        for index, body in enumerate(bodies):
            try:
                if earlier.blocked is not None:
                    raise earlier.blocked
                answers.extend(client.submit(api, body))
            except redelivery.UNDELIVERED as error:
                left = bodies[index:]
                if redelivery.any_gated(left):
                    undelivered = redelivery.not_kept_gated(left, error)
                else:
                    undelivered = redelivery.keep_undelivered(box, connection, api, left, error)
                    outboxed = len(left)
                break
        requests = client.requests
        token_warnings = client.tokens.warnings  # a token cache that could not be used
    return Delivery(accepted=answers.accepted, rejected=answers.rejected,
                    unknown_issue_keys=answers.unknown_issue_keys,
                    unknown_associations=answers.unknown_associations,
                    warnings=[*earlier.warnings, *token_warnings],
                    notes=earlier.notes, outboxed=outboxed, undelivered=undelivered, requests=requests)
