"""The test-control endpoints under ``/_emulator/``: inspect, reset, script faults and gate decisions.

They take no authentication and answer loopback clients only. ``GET /_emulator/requests`` lists the API
requests seen (OAuth secrets redacted, tokens never recorded).
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional

from jira_devops.emulator.state import GATE_DECISIONS, EmulatorState, Fault, GateRule
from jira_devops.emulator.submissions import Answer, error_array


def control(state: EmulatorState, method: str, path: str, raw: bytes) -> Answer:
    """Answer one control request."""
    name = path[len("/_emulator/"):].strip("/")
    reads: dict[str, Callable[[], Any]] = {
        "requests": lambda: list(state.requests),
        "state": state.snapshot,
        "builds": lambda: state.snapshot()["builds"],
        "deployments": lambda: state.snapshot()["deployments"],
        "repositories": lambda: state.snapshot()["repositories"],
        "flags": lambda: state.snapshot()["flags"],
        "faults": lambda: [vars(fault) for fault in state.faults],
    }
    writes = ("reset", "faults", "gates", "revoke-tokens")
    if name in reads and method == "GET":
        with state.lock:
            return Answer(200, reads[name]())
    if name in reads and name not in writes:
        return Answer(405, error_array("Use GET"))
    if method != "POST":
        return Answer(405 if name in writes else 404, error_array(f"No such control endpoint: {method} {path}"))
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError:
        return Answer(400, error_array("The body is not valid JSON"))
    if name == "reset":
        state.reset()
        return Answer(200, {"reset": True})
    if name == "revoke-tokens":
        return Answer(200, {"revoked": state.revoke_tokens()})
    if name == "faults":
        fault, problem = _fault(body)
        if fault is None:
            return Answer(400, error_array(problem))
        state.add_fault(fault)
        return Answer(200, {"scripted": fault.count})
    if name == "gates":
        return _gates(state, body)
    return Answer(404, error_array(f"No such control endpoint: {path}"))


def _fault(body: Any) -> tuple[Optional[Fault], str]:
    if not isinstance(body, dict) or not isinstance(body.get("path_prefix"), str):
        return None, "path_prefix (a string) is required"
    status = body.get("status")
    if status is not None and (not isinstance(status, int) or not 100 <= status <= 599):
        return None, "status must be an HTTP status code"
    count = body.get("count", 1)
    if not isinstance(count, int) or count < 1:
        return None, "count must be a positive whole number"
    delay = body.get("delay") or 0
    if not isinstance(delay, (int, float)) or delay < 0:
        return None, "delay must be a number of seconds"
    reset = bool(body.get("reset_connection"))
    if status is None and not reset and not delay:
        return None, "give a status, a delay or reset_connection"
    retry_after = body.get("retry_after")
    return Fault(path_prefix=body["path_prefix"], status=status, count=count,
                 retry_after=None if retry_after is None else str(retry_after),
                 delay=float(delay), reset_connection=reset), ""


def _gates(state: EmulatorState, body: Any) -> Answer:
    if not isinstance(body, dict) or body.get("decision") not in GATE_DECISIONS:
        return Answer(400, error_array(f"decision must be one of {', '.join(GATE_DECISIONS)}"))
    polls = body.get("awaiting_polls", 0)
    unknown = body.get("unknown_polls", 0)
    if not isinstance(polls, int) or polls < 0 or not isinstance(unknown, int) or unknown < 0:
        return Answer(400, error_array("awaiting_polls and unknown_polls must be whole numbers"))
    environment = body.get("environment_id")
    if environment is not None and not isinstance(environment, str):
        return Answer(400, error_array("environment_id must be a string"))
    changed = state.set_gate_rule(environment, GateRule(str(body["decision"]), polls, unknown))
    return Answer(200, {"gates_changed": changed})
