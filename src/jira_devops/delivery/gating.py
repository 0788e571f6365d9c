"""Waiting on a deployment gate: poll Jira's gating status until it decides, time runs out, or Ctrl-C.

Jira Service Management decides whether a gated deployment may go ahead (a change request is approved or
declined). Only Connect apps get a callback, so a command-line tool polls ``gating-status``:

- 404 right after the submission means "not known yet": polled again, sooner at first, for a bounded while;
- ``awaiting`` is polled every ``poll`` seconds until ``timeout``, with one last look at the deadline;
- ``allowed`` ends the wait with exit 0, ``prevented`` (or the ``expired`` Atlassian's plugin knows) and
  ``invalid`` with exit 5, no decision in time with exit 6.

Each poll gets a fresh request deadline, so a long wait never starves the request that follows it; a
``Retry-After`` on a poll is honoured by the client's retry policy. Progress is reported through a
callback (see :mod:`jira_devops.cli.gate_output`) so that the library itself prints nothing.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Literal, Optional

from jira_devops.errors import (
    ExitCode,
    UnreachableError,
    UsageError,
)
from jira_devops.jira.lookup import DeploymentKey
from jira_devops.settings import Settings

if TYPE_CHECKING:
    from jira_devops.jira.client import DevOpsClient
    from jira_devops.jira.connection import Connection
    from jira_devops.jira.models import GateStatus

NOT_FOUND_GRACE = 120.0  # how long a 404 still means "Jira has not registered the gate yet"
FIRST_NOT_FOUND_DELAY = 1.0
MAX_FAILED_POLLS = 3  # consecutive polls that may fail (after their own retries) before giving up

# How a gate stands or ended (GateOutcome.status); Jira's own answers are the first four.
GateState = Literal["allowed", "prevented", "awaiting", "invalid", "timeout", "unknown"]
ALLOWED: GateState = "allowed"
PREVENTED: GateState = "prevented"
AWAITING: GateState = "awaiting"
INVALID: GateState = "invalid"
TIMEOUT: GateState = "timeout"
UNKNOWN: GateState = "unknown"
EXPIRED = "expired"  # an answer of Atlassian's own plugin: the gate expired, which prevents the deployment
_ANSWERS: dict[str, GateState] = {ALLOWED: ALLOWED, PREVENTED: PREVENTED, AWAITING: AWAITING, INVALID: INVALID,
                                  EXPIRED: PREVENTED}
# What a wait tells its progress callback (GateEvent.event).
GateEventType = Literal["waiting", "change-request", "status", "poll", "retry", "stopped"]


@dataclass(frozen=True)
class ChangeRequest:
    """An item in the gate's details: usually the change request issue and its portal link."""

    type: str  # the detail's type in Jira's answer: "issue" for a change request
    key: Optional[str]
    link: Optional[str]

    def describe(self) -> str:
        """``change request OPS-7: https://...``."""
        noun = "change request" if self.type == "issue" else self.type
        parts = [part for part in (self.key, self.link) if part]
        return f"{noun} {': '.join(parts)}" if parts else noun


def change_requests(details: Sequence[Mapping[str, Any]]) -> list[ChangeRequest]:
    """The change requests named in a gating status's ``details``."""
    found: list[ChangeRequest] = []
    for detail in details:
        key = detail.get("issueKey")
        link = detail.get("issueLink")
        found.append(ChangeRequest(str(detail.get("type") or "issue"),
                                   str(key) if key else None, str(link) if link else None))
    return found


@dataclass
class GateOutcome:
    """How a gate ended (or where it stood when the waiting stopped).

    ``status`` is ``allowed``, ``prevented``, ``invalid``, ``awaiting`` (looked once, e.g. with no time to
    wait, and not decided yet),
    ``timeout`` (waited, no decision in time) or ``unknown`` (Jira knows no gate for the deployment).
    """

    key: DeploymentKey
    status: GateState
    last_seen: Optional[str] = None
    details: list[dict[str, Any]] = field(default_factory=list)
    polls: int = 0
    waited: float = 0.0
    reason: Optional[str] = None
    updated: Optional[str] = None

    @property
    def exit_code(self) -> int:
        """0 allowed, 5 prevented or invalid, 6 no decision (yet or in time), 1 no gate known."""
        if self.status == ALLOWED:
            return ExitCode.OK
        if self.status in (PREVENTED, INVALID):
            return ExitCode.GATE_BLOCKED
        if self.status in (AWAITING, TIMEOUT):
            return ExitCode.GATE_TIMEOUT
        return ExitCode.REJECTED

    def change_requests(self) -> list[ChangeRequest]:
        """The change requests Jira named for this gate."""
        return change_requests(self.details)

    def message(self) -> str:
        """One line saying how the gate ended and what to do about it."""
        what = self.key.describe()
        links = "; ".join(request.describe() for request in self.change_requests())
        named = f" ({links})" if links else ""
        pending = f"; {links}" if links else ""
        later = f"; check later with: {self.key.gate_status_command()}"
        if self.status == ALLOWED:
            return f"the gate allowed {what}{named}"
        if self.status == PREVENTED:
            word = "expired for" if self.last_seen == EXPIRED else "prevented"
            return f"the gate {word} {what}{named}: do not deploy"
        if self.status == INVALID:
            reason = self.reason or ("Jira gave no reason; check the service ID and that change management "
                                     "is set up for this service and environment type")
            return f"the gate of {what} is invalid: {reason}"
        if self.status == AWAITING:
            return f"the gate of {what} has not decided yet{pending}{later}"
        if self.status == TIMEOUT:
            still = ("Jira still did not know the gate" if self.last_seen is None
                     else f"still {self.last_seen}")
            return f"no gate decision for {what} after {format_seconds(self.waited)}, {still}{pending}{later}"
        return (f"Jira knows no gate for {what}"
                + (f" after {format_seconds(self.waited)}" if self.polls > 1 else "")
                + ": check the pipeline, environment and deployment number, and that the deployment was "
                "submitted with --gate and a --service-id whose change management is on")

    def to_json(self) -> dict[str, Any]:
        """The outcome as a JSON-ready dict (``gate-status --json``)."""
        return {
            "pipelineId": self.key.pipeline_id,
            "environmentId": self.key.environment_id,
            "deploymentSequenceNumber": self.key.deployment_number,
            "gateStatus": self.status,
            "lastSeen": self.last_seen,
            "details": self.details,
            "updatedTimestamp": self.updated,
            "polls": self.polls,
            "waitedSeconds": round(self.waited, 3),
            "reason": self.reason,
            "message": self.message(),
            "exitCode": self.exit_code,
        }


@dataclass(frozen=True)
class GateEvent:
    """Something worth telling the user while waiting.

    ``event`` is ``waiting`` (the wait starts), ``change-request`` (named for the first time), ``status``
    (Jira's answer changed), ``poll`` (same answer again; ``next_poll`` says when the next look is),
    ``retry`` (a poll failed; ``text`` says why) or ``stopped`` (Ctrl-C).
    """

    event: GateEventType
    key: DeploymentKey
    elapsed: float
    timeout: float
    status: Optional[str] = None
    next_poll: Optional[float] = None
    change_request: Optional[ChangeRequest] = None
    text: Optional[str] = None


Progress = Callable[[GateEvent], None]


def format_seconds(seconds: float) -> str:
    """``45s``, ``2m05s``, ``1h02m``; below ten seconds with one decimal."""
    if seconds < 10:
        return f"{seconds:.1f}s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


def _reason(gate: GateStatus) -> Optional[str]:
    extra = gate.model_extra or {}
    for name in ("reason", "message", "errorMessage"):
        value = extra.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    texts = [str(detail.model_extra.get("message")) for detail in gate.details
             if detail.model_extra and detail.model_extra.get("message")]
    return "; ".join(texts) or None


def outcome_of(key: DeploymentKey, gate: Optional[GateStatus], *, polls: int = 1, waited: float = 0.0,
               reason_hint: Optional[str] = None) -> GateOutcome:
    """The outcome a single gating-status answer stands for (``awaiting`` when undecided)."""
    if gate is None:
        return GateOutcome(key, UNKNOWN, polls=polls, waited=waited)
    seen = gate.gatingStatus
    details = [detail.model_dump(exclude_none=True) for detail in gate.details]
    outcome = GateOutcome(key, _ANSWERS.get(seen, INVALID), last_seen=seen, details=details, polls=polls,
                          waited=waited, updated=gate.updatedTimestamp)
    if seen == INVALID:
        outcome.reason = _reason(gate) or reason_hint
    elif seen not in _ANSWERS:
        outcome.reason = f"Jira answered a gating status this tool does not know: {seen!r}"
    return outcome


def check_gate(client: DevOpsClient, key: DeploymentKey) -> GateOutcome:
    """Look at a gate once."""
    gate = client.gating_status(key.pipeline_id, key.environment_id, key.deployment_number)
    return outcome_of(key, gate)


def wait_for_gate(
    client: DevOpsClient,
    key: DeploymentKey,
    *,
    timeout: float = Settings.gate_timeout,
    poll: float = Settings.gate_poll,
    progress: Optional[Progress] = None,
    not_found_grace: float = NOT_FOUND_GRACE,
    reason_hint: Optional[str] = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> GateOutcome:
    """Poll the gate of ``key`` until Jira decides, ``timeout`` seconds pass, or the user presses Ctrl-C.

    ``reason_hint`` explains an ``invalid`` gate when Jira's answer does not (e.g. an unknown service).
    Ctrl-C re-raises :class:`KeyboardInterrupt` after a ``stopped`` event; the deployment stays pending.
    """
    waiter = _Waiter(client, key, timeout=timeout, poll=poll, tell=progress or (lambda event: None),
                     not_found_grace=not_found_grace, reason_hint=reason_hint, clock=clock)
    waiter.tell(GateEvent("waiting", key, 0.0, timeout, next_poll=0.0))
    try:
        while True:
            outcome, delay = waiter.look()
            if outcome is not None:
                return outcome
            sleep(delay)
    except KeyboardInterrupt:
        waiter.tell(GateEvent("stopped", key, waiter.elapsed(), timeout, status=waiter.last_seen))
        raise


class _Waiter:
    """The state of one wait: what Jira said last, what was already shown, how polls went."""

    def __init__(self, client: DevOpsClient, key: DeploymentKey, *, timeout: float, poll: float,
                 tell: Progress, not_found_grace: float, reason_hint: Optional[str],
                 clock: Callable[[], float]) -> None:
        self.client = client
        self.key = key
        self.timeout = timeout
        self.poll = poll
        self.tell = tell
        self.not_found_grace = not_found_grace
        self.reason_hint = reason_hint
        self.clock = clock
        self.start = clock()
        self.end = self.start + timeout
        self.polls = 0
        self.failures = 0
        self.last_seen: Optional[str] = None
        self.named: set[ChangeRequest] = set()
        self.not_found_delay = min(FIRST_NOT_FOUND_DELAY, poll)

    def elapsed(self) -> float:
        return self.clock() - self.start

    def _until_end(self, delay: float) -> float:
        return min(delay, max(0.0, self.end - self.clock()))

    def look(self) -> tuple[Optional[GateOutcome], float]:
        """Poll once: the outcome when the wait is over, else how long to sleep before the next look."""
        # The poll may take as long as the wait has left (so that a Retry-After is honoured), and never
        # less than an ordinary request gets.
        self.client.renew_deadline(max(self.client.connection.timeout, self.end - self.clock()))
        try:
            gate = self.client.gating_status(self.key.pipeline_id, self.key.environment_id,
                                             self.key.deployment_number)
        except UnreachableError as error:
            self.failures += 1
            if self.failures >= MAX_FAILED_POLLS or self.clock() >= self.end:
                raise
            delay = self._until_end(self.poll)
            self.tell(GateEvent("retry", self.key, self.elapsed(), self.timeout, status=self.last_seen,
                                next_poll=delay, text=error.message))
            return None, delay
        self.failures = 0
        self.polls += 1
        elapsed = self.elapsed()
        if gate is None:
            outcome, delay = self._not_known(elapsed)
        else:
            outcome, delay = self._answered(gate, elapsed)
        if outcome is not None:
            return outcome, 0.0
        delay = self._until_end(delay)
        self.tell(GateEvent("poll", self.key, elapsed, self.timeout,
                            status=None if gate is None else gate.gatingStatus, next_poll=delay))
        return None, delay

    def _not_known(self, elapsed: float) -> tuple[Optional[GateOutcome], float]:
        if elapsed >= self.timeout:
            return GateOutcome(self.key, TIMEOUT, last_seen=self.last_seen, polls=self.polls,
                               waited=elapsed), 0.0
        if elapsed >= self.not_found_grace:
            return GateOutcome(self.key, UNKNOWN, polls=self.polls, waited=elapsed), 0.0
        delay = self.not_found_delay
        self.not_found_delay = min(self.poll, self.not_found_delay * 2)
        return None, delay

    def _answered(self, gate: GateStatus, elapsed: float) -> tuple[Optional[GateOutcome], float]:
        outcome = outcome_of(self.key, gate, polls=self.polls, waited=elapsed, reason_hint=self.reason_hint)
        for request in outcome.change_requests():
            if request not in self.named:
                self.named.add(request)
                self.tell(GateEvent("change-request", self.key, elapsed, self.timeout,
                                    status=gate.gatingStatus, change_request=request))
        if gate.gatingStatus != self.last_seen:
            self.tell(GateEvent("status", self.key, elapsed, self.timeout, status=gate.gatingStatus))
        self.last_seen = gate.gatingStatus
        if outcome.status != AWAITING:
            return outcome, 0.0
        if elapsed >= self.timeout:
            # With no time to wait (--gate-timeout 0) this was a single look: report what Jira said.
            outcome.status = TIMEOUT if self.timeout > 0 else AWAITING
            return outcome, 0.0
        return None, self.poll


def gate_timing(settings: Settings) -> tuple[float, float]:
    """``(timeout, poll)`` in seconds from ``--gate-timeout`` and ``--gate-poll``, checked."""
    timeout = settings.gate_timeout
    poll = settings.gate_poll
    if poll <= 0:
        raise UsageError(f"{settings.describe_source('gate_poll')} must be more than 0",
                         hint="e.g. --gate-poll 10s")
    return timeout, poll


def _unknown_services(unknown_associations: Sequence[Mapping[str, Any]]) -> Optional[str]:
    services = [str(value) for association in unknown_associations
                if association.get("associationType") == "serviceIdOrKeys"
                for value in association.get("values") or []]
    if not services:
        return None
    return f"Jira does not know the service {', '.join(services)} (check --service-id)"


@dataclass(frozen=True)
class GateReport:
    """What waiting on a reported deployment's gate produced: the outcome (``None`` when there was no
    gate to wait for, and ``note`` says why) and the requests it took."""

    outcome: Optional[GateOutcome]
    requests: int = 0
    note: Optional[str] = None


def gate_reported_deployment(connection: Connection, settings: Settings, accepted: Sequence[Mapping[str, Any]],
                             unknown_associations: Sequence[Mapping[str, Any]], *,
                             progress: Optional[Progress] = None) -> GateReport:
    """Wait on the gate of the deployment Jira just ``accepted`` (see :func:`wait_for_gate`)."""
    from jira_devops.jira.client import DevOpsClient  # noqa: PLC0415 - httpx only when waiting

    if not accepted:
        return GateReport(None, note="no gate to wait for: Jira did not accept the deployment")
    key = DeploymentKey.from_api(dict(accepted[0]))
    timeout, poll = gate_timing(settings)
    with DevOpsClient.open(connection) as client:
        outcome = wait_for_gate(client, key, timeout=timeout, poll=poll, progress=progress,
                                reason_hint=_unknown_services(unknown_associations))
        return GateReport(outcome, client.requests)
