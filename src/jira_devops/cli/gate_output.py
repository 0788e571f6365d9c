"""What the user sees while a gate is awaited: a status line, not a flood.

On a terminal one line is redrawn on every poll. In a CI log (not a terminal) a line is written when
Jira's answer changes, when a change request is first named, when a poll fails, and otherwise once per
``heartbeat`` seconds. Everything goes to stderr, so ``--json`` output on stdout stays clean.
"""

from __future__ import annotations

import json
import sys
from typing import Optional, TextIO

from jira_devops.delivery.gating import GateEvent, GateOutcome, format_seconds
from jira_devops.redact import redact

HEARTBEAT_SECONDS = 60.0
_CLEAR_LINE = "\r\x1b[K"


class GateProgressPrinter:
    """Renders :class:`~jira_devops.delivery.gating.GateEvent` s on stderr; call :meth:`close` when the wait ends."""

    def __init__(self, err: Optional[TextIO] = None, *, quiet: bool = False, tty: Optional[bool] = None,
                 heartbeat: float = HEARTBEAT_SECONDS) -> None:
        self.err = err or sys.stderr
        self.quiet = quiet
        self.tty = self.err.isatty() if tty is None else tty
        self.heartbeat = heartbeat
        self._line_drawn = False
        self._last_heartbeat = 0.0

    def __call__(self, event: GateEvent) -> None:
        """Show one event."""
        if self.quiet:
            return
        what = event.event
        if what == "waiting":
            self._line(f"gate: waiting for Jira to decide on {event.key.describe()} "
                       f"(up to {format_seconds(event.timeout)})")
        elif what == "change-request" and event.change_request is not None:
            self._line(f"gate: {event.change_request.describe()}")
        elif what == "status":
            self._last_heartbeat = event.elapsed
            if self.tty:
                self._status(event)
            else:
                seen = event.status or "not known to Jira yet"
                self._line(f"gate: {seen} after {format_seconds(event.elapsed)}")
        elif what == "poll":
            if self.tty:
                self._status(event)
            elif event.elapsed - self._last_heartbeat >= self.heartbeat:
                self._last_heartbeat = event.elapsed
                seen = event.status or "not known to Jira"
                self._line(f"gate: still {seen} after {format_seconds(event.elapsed)} "
                           f"of {format_seconds(event.timeout)}")
        elif what == "retry":
            wait = format_seconds(event.next_poll or 0.0)
            self._line(f"gate: could not poll Jira ({event.text}); trying again in {wait}")
        elif what == "stopped":
            self._line(f"gate: stopped waiting after {format_seconds(event.elapsed)}; "
                       f"{event.key.describe()} stays pending in Jira; check it later with: "
                       f"{event.key.gate_status_command()}")

    def close(self) -> None:
        """Finish the status line, if one is drawn, so that what follows starts on a clean line."""
        if self._line_drawn:
            self.err.write(_CLEAR_LINE)
            self.err.flush()
            self._line_drawn = False

    def _line(self, text: str) -> None:
        self.close()
        print(redact(text), file=self.err, flush=True)

    def _status(self, event: GateEvent) -> None:
        seen = event.status or "not known to Jira yet"
        text = f"gate: {seen} for {format_seconds(event.elapsed)} of {format_seconds(event.timeout)}"
        if event.next_poll:
            text += f"; next look in {format_seconds(event.next_poll)}"
        self.err.write(_CLEAR_LINE + redact(text))
        self.err.flush()
        self._line_drawn = True


def print_outcome(outcome: GateOutcome, *, as_json: bool = False, quiet: bool = False,
                  show_change_requests: bool = True, out: Optional[TextIO] = None,
                  err: Optional[TextIO] = None) -> None:
    """The end of a gate check: its status (and change requests) on stdout, why it is not allowed on stderr."""
    stdout = out or sys.stdout
    stderr = err or sys.stderr
    if as_json:
        print(redact(json.dumps(outcome.to_json(), indent=2)), file=stdout)
    elif not quiet:
        print(redact(f"gate: {outcome.status}"), file=stdout)
        if show_change_requests:
            for request in outcome.change_requests():
                print(redact(f"  {request.describe()}"), file=stdout)
    if outcome.exit_code:
        print(redact(f"error: {outcome.message()}"), file=stderr)
