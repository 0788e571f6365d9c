"""Run the emulator as a command: flags -> :class:`EmulatorConfig`, then serve until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import re
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Optional

from jira_devops.emulator.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PROJECTS,
    PERMISSIONS,
    EmulatorConfig,
    is_loopback,
)
from jira_devops.emulator.server import Emulator
from jira_devops.emulator.state import parse_gate_decision
from jira_devops.errors import UsageError

_PROJECT_KEY = re.compile(r"^[A-Z][A-Z0-9_]{1,254}$")


def _read_secret(path: str) -> str:
    try:
        secret = Path(path).expanduser().read_text(encoding="utf-8").strip()
    except OSError as error:
        raise UsageError(f"cannot read the client secret file {path}: {error.strerror}") from None
    if not secret:
        raise UsageError(f"the client secret file {path} is empty")
    return secret


def parse_projects(text: Optional[str]) -> tuple[str, ...]:
    """Project keys from ``ABC,OPS``; a :class:`UsageError` names a malformed one."""
    if text is None:
        return DEFAULT_PROJECTS
    keys = tuple(part.strip() for part in text.split(",") if part.strip())
    if not keys:
        raise UsageError("--projects needs at least one project key, e.g. --projects ABC,OPS")
    for key in keys:
        if not _PROJECT_KEY.match(key):
            raise UsageError(f"--projects: {key!r} is not a Jira project key",
                             hint="upper-case letter, then upper-case letters, digits or _")
    return keys


def parse_permissions(text: Optional[str]) -> tuple[str, ...]:
    """The APIs named in ``builds,devinfo``; a :class:`UsageError` names an unknown one."""
    if text is None:
        return tuple(PERMISSIONS)
    names = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    if not names:
        raise UsageError("--permissions needs at least one of " + ", ".join(PERMISSIONS))
    for name in names:
        if name not in PERMISSIONS:
            raise UsageError(f"--permissions: {name!r} is not a permission", hint="use " + ", ".join(PERMISSIONS))
    return names


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    """The emulator configuration from the command's flags; bad values are usage errors."""
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a TCP port (0-65535)")
    if not 0.0 <= args.fail_rate <= 1.0:
        raise UsageError(f"--fail-rate {args.fail_rate} must be between 0 and 1")
    if args.token_lifetime < 1:
        raise UsageError(f"--token-lifetime {args.token_lifetime} must be at least 1 second")
    if args.latency < 0:
        raise UsageError(f"--latency {args.latency} must not be negative")
    if not args.read_timeout > 0:
        raise UsageError(f"--read-timeout {args.read_timeout} must be more than 0 seconds")
    try:
        gate = parse_gate_decision(args.gate_decision)
    except ValueError as error:
        raise UsageError(f"--gate-decision: {error}") from None
    return EmulatorConfig(
        host=args.host,
        port=args.port,
        client_id=args.emulator_client_id or DEFAULT_CLIENT_ID,
        client_secret=_read_secret(args.emulator_secret_file) if args.emulator_secret_file else DEFAULT_CLIENT_SECRET,
        projects=parse_projects(args.projects),
        state_file=Path(args.state_file).expanduser() if args.state_file else None,
        gate=gate,
        fail_rate=args.fail_rate,
        latency=args.latency,
        log_requests=not args.quiet,
        token_lifetime=args.token_lifetime,
        permissions=parse_permissions(args.permissions),
        read_timeout=args.read_timeout,
    )


def _stop(signum: int, frame: Optional[FrameType]) -> None:
    raise KeyboardInterrupt


def serve(config: EmulatorConfig) -> int:
    """Serve until interrupted; the first stdout line says where."""
    try:
        emulator = Emulator(config)
    except OSError as error:
        raise UsageError(f"cannot listen on {config.host}:{config.port}: {error.strerror}",
                         hint="pick another --port or --host") from None
    except ValueError as error:
        raise UsageError(f"cannot read the state file {config.state_file}: {error}",
                         hint="delete it or point --state-file elsewhere") from None
    if not is_loopback(config.host) and config.host != "localhost":
        print(f"warning: listening on {config.host}, not only on loopback: anyone who can reach it may report "
              "to it (the control endpoints still answer loopback clients only)", file=sys.stderr, flush=True)
    # The handler is in place before the first line is printed: whoever reads that line may stop us at once.
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        print(f"listening on {emulator.url}", flush=True)
        print(f"use it with: JIRA_DEVOPS_API_URL={emulator.url} JIRA_CLIENT_ID={config.client_id} and the "
              "client secret in JIRA_CLIENT_SECRET; Ctrl-C stops it", file=sys.stderr, flush=True)
        emulator.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        emulator.server.server_close()
    print("emulator stopped", file=sys.stderr, flush=True)
    return 0
