"""What a user sees while waiting: one redrawn line at a terminal, few lines in a CI log."""

from __future__ import annotations

import io

from jira_devops.cli.gate_output import GateProgressPrinter, print_outcome
from jira_devops.delivery.gating import ChangeRequest, GateEvent, GateOutcome, format_seconds
from support.gate_fakes import KEY, gate_body

REQUEST = ChangeRequest("issue", "OPS-7", "https://acme.atlassian.net/servicedesk/customer/portal/1/OPS-7")


def _events(polls: int, poll: float) -> list[GateEvent]:
    events = [GateEvent("waiting", KEY, 0.0, 1800.0, next_poll=0.0),
              GateEvent("change-request", KEY, 0.0, 1800.0, status="awaiting", change_request=REQUEST),
              GateEvent("status", KEY, 0.0, 1800.0, status="awaiting")]
    events += [GateEvent("poll", KEY, i * poll, 1800.0, status="awaiting", next_poll=poll) for i in range(polls)]
    return events


def test_a_ci_log_gets_a_line_per_minute_not_per_poll() -> None:
    err = io.StringIO()
    printer = GateProgressPrinter(err, tty=False)
    for event in _events(polls=180, poll=10):  # half an hour of polls every 10s
        printer(event)
    lines = err.getvalue().splitlines()
    assert len(lines) <= 3 + 30
    assert lines[0] == "gate: waiting for Jira to decide on deployment acme/api #42 to production (up to 30m00s)"
    assert lines[1] == f"gate: change request OPS-7: {REQUEST.link}"
    assert lines[-1].startswith("gate: still awaiting after 29m")
    assert "\r" not in err.getvalue()


def test_a_terminal_gets_one_redrawn_status_line() -> None:
    err = io.StringIO()
    printer = GateProgressPrinter(err, tty=True)
    for event in _events(polls=50, poll=2):
        printer(event)
    printer.close()
    text = err.getvalue()
    assert text.count("\n") == 2, "only the start and the change request are whole lines"
    assert text.count("\r\x1b[K") >= 50
    assert "gate: awaiting for 1m38s of 30m00s; next look in 2.0s" in text
    assert text.endswith("\r\x1b[K")


def test_the_change_request_line_is_printed_once_per_event() -> None:
    err = io.StringIO()
    printer = GateProgressPrinter(err, tty=False)
    printer(GateEvent("change-request", KEY, 0.0, 60.0, change_request=REQUEST))
    assert err.getvalue().count("OPS-7:") == 1


def test_quiet_shows_nothing_while_waiting() -> None:
    err = io.StringIO()
    printer = GateProgressPrinter(err, tty=False, quiet=True)
    for event in _events(polls=5, poll=60):
        printer(event)
    assert err.getvalue() == ""


def test_stopping_says_how_to_check_later() -> None:
    err = io.StringIO()
    GateProgressPrinter(err, tty=False)(GateEvent("stopped", KEY, 75.0, 1800.0, status="awaiting"))
    assert err.getvalue() == (
        "gate: stopped waiting after 1m15s; deployment acme/api #42 to production stays pending in Jira; "
        "check it later with: jira-devops gate-status --pipeline-id acme/api --environment-id production "
        "--deployment-number 42\n")


def test_a_failed_poll_is_one_line_with_the_reason() -> None:
    err = io.StringIO()
    GateProgressPrinter(err, tty=False)(GateEvent("retry", KEY, 5.0, 60.0, next_poll=10.0,
                                                  text="GET deployments: HTTP 503 after 8 attempts"))
    assert err.getvalue() == ("gate: could not poll Jira (GET deployments: HTTP 503 after 8 attempts); "
                              "trying again in 10s\n")


def test_a_prevented_outcome_prints_status_and_an_error_line() -> None:
    out, err = io.StringIO(), io.StringIO()
    outcome = GateOutcome(KEY, "prevented", last_seen="prevented", details=gate_body("prevented")["details"])  # type: ignore[arg-type]
    print_outcome(outcome, out=out, err=err)
    assert out.getvalue().splitlines() == ["gate: prevented", f"  change request OPS-7: {REQUEST.link}"]
    assert err.getvalue().startswith("error: the gate prevented deployment acme/api #42 to production")


def test_format_seconds() -> None:
    assert [format_seconds(s) for s in (0.25, 9.94, 10, 59.6, 61, 3600, 3725)] == [
        "0.2s", "9.9s", "10s", "1m00s", "1m01s", "1h00m", "1h02m"]
