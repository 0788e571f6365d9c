"""How one emulator behaves (:class:`EmulatorConfig`), and which host names and addresses count as local."""

from __future__ import annotations

import ipaddress
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from jira_devops.emulator.state import TOKEN_LIFETIME_SECONDS, GateRule

DEFAULT_CLIENT_ID = "emulator-client"
DEFAULT_CLIENT_SECRET = "emulator-secret"  # noqa: S105 - the documented demo credential of a local stand-in
DEFAULT_PROJECTS = ("ABC", "OPS", "DEMO")
# The permissions a site admin ticks when creating OAuth credentials, by the API each one opens.
PERMISSIONS = {"builds": "Builds", "deployments": "Deployments", "devinfo": "Development information",
               "featureflags": "Feature flags"}
READ_TIMEOUT_SECONDS = 30.0
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


@dataclass
class EmulatorConfig:
    """How one emulator behaves."""

    host: str = "127.0.0.1"
    port: int = 0
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = field(default=DEFAULT_CLIENT_SECRET, repr=False)
    projects: Collection[str] = DEFAULT_PROJECTS
    state_file: Optional[Path] = None
    gate: GateRule = field(default_factory=GateRule)
    fail_rate: float = 0.0
    latency: float = 0.0
    log_requests: bool = True
    token_lifetime: int = TOKEN_LIFETIME_SECONDS
    permissions: Collection[str] = tuple(PERMISSIONS)
    read_timeout: float = READ_TIMEOUT_SECONDS


def is_loopback(address: str) -> bool:
    """True for a loopback address (IPv4, IPv6, or IPv4 mapped into IPv6)."""
    try:
        ip = ipaddress.ip_address(address.split("%", maxsplit=1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool(ip.is_loopback or (mapped is not None and mapped.is_loopback))


def host_name(header: str) -> str:
    """The host name of a ``Host`` header, without the port and IPv6 brackets, lower case."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", maxsplit=1)[0]
    if value.count(":") == 1:
        value = value.split(":", maxsplit=1)[0]
    return value.rstrip(".")


def is_local_host_name(name: str, listen_host: str) -> bool:
    """True when a request naming host ``name`` may be answered by an emulator listening on ``listen_host``.

    Loopback names and addresses always, and the name or address given with ``--host``; listening on every
    interface (``0.0.0.0``, ``::``), any address too. Other names are refused: a page on another site that
    rebinds its own DNS name to this address sends that name (an address is never rebound).
    """
    if name in LOOPBACK_NAMES or name.endswith(".localhost") or is_loopback(name):
        return True
    listen = listen_host.strip("[]").lower().rstrip(".")
    if name == listen:
        return True
    return listen in ("0.0.0.0", "::") and _is_address(name)  # noqa: S104 - comparing, not binding


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name.split("%", maxsplit=1)[0])
    except ValueError:
        return False
    return True
